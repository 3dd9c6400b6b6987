"""The demo partnership: three local teams, the partner organisations with their sharing
agreements, and a user for every role (all with the one demo password)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from faker import Faker

from iomhub import clock
from iomhub.access.models import (
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    Section,
    SharingAgreement,
    Team,
    User,
)

DEMO_PASSWORD = "iomhub-demo-2026"  # noqa: S105 - demo mode only; the command refuses to run in production
TEAMS = [("North Wessex IOM", "Northbridge"), ("Central Wessex IOM", "Wessex City"), ("South Wessex IOM", "Southhaven")]
# The postcode districts each local team covers: together, the partnership's area (000 §5.7).
TEAM_POSTCODES = {
    "North Wessex IOM": "RG21, RG22, RG23, RG24, SP10, SP11",
    "Central Wessex IOM": "SO14, SO15, SO16, SO17, SO18, SO19",
    "South Wessex IOM": "BH1, BH2, BH8, BH9, PO1, PO2",
}
AREA_SHARE = 0.88  # of demo addresses in the area; the rest are elsewhere in the UK
ORGANISATIONS: list[tuple[str, str]] = [
    ("Wessex Police", OrganisationKind.POLICE),
    ("Probation Service Wessex", OrganisationKind.PROBATION),
    ("Wessex Drug and Alcohol Service", OrganisationKind.TREATMENT),
    ("Wessex City Council Housing", OrganisationKind.HOUSING),
    ("DWP Wessex Jobcentres", OrganisationKind.DWP),
    ("Wessex Community Health", OrganisationKind.HEALTH),
    ("Wessex Mental Health Trust", OrganisationKind.MENTAL_HEALTH),
    ("Wessex Youth Offending Team", OrganisationKind.YOT),
    ("HMP Wessex", OrganisationKind.PRISON),
    ("Second Chance Trust", OrganisationKind.VOLUNTARY),
]
# The agreements differ so a walk in the browser shows the difference (issue 9): housing has the
# contact details but not the timeline; DWP the timeline but not the contact details.
SHARING: dict[str, list[str]] = {
    OrganisationKind.HOUSING: [Section.IDENTITY, Section.CONTACT, Section.MARKERS, Section.PLAN],
    OrganisationKind.DWP: [Section.IDENTITY, Section.PLAN, Section.TIMELINE],
    OrganisationKind.MENTAL_HEALTH: [Section.IDENTITY, Section.CONTACT, Section.MARKERS, Section.HEALTH, Section.PLAN, Section.ASSESSMENTS],
    OrganisationKind.HEALTH: [Section.IDENTITY, Section.CONTACT, Section.HEALTH, Section.PLAN],
    OrganisationKind.YOT: [Section.IDENTITY, Section.CONTACT, Section.MARKERS, Section.JUSTICE, Section.PLAN],
    OrganisationKind.VOLUNTARY: [Section.IDENTITY, Section.CONTACT, Section.PLAN],
    OrganisationKind.PRISON: [Section.IDENTITY, Section.JUSTICE, Section.PLAN],
}
PURPOSE: dict[str, str] = {
    OrganisationKind.HOUSING: "Housing options, tenancy support and safe addresses for people on IOM",
    OrganisationKind.DWP: "Benefits, work coaching and appointments kept, to support employment",
    OrganisationKind.MENTAL_HEALTH: "Assessment and treatment of mental health needs",
    OrganisationKind.HEALTH: "Primary care and health needs of people on IOM",
    OrganisationKind.YOT: "Transition of young adults from youth justice to the adult scheme",
    OrganisationKind.VOLUNTARY: "Mentoring and through-the-gate support",
    OrganisationKind.PRISON: "Release planning from 12 weeks before release",
}
# Days before the demo's load day each agreement was signed, and after it that it is to be reviewed:
# the IG lead's list shows one due for review and one expired (which then shares nothing).
REVIEW: dict[str, tuple[int, int]] = {OrganisationKind.VOLUNTARY: (340, 20), OrganisationKind.YOT: (400, -35)}


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    organisation: str
    team: int | None


DEMO_USERS = [
    DemoUser("police.officer", Role.POLICE_IOM_OFFICER, "Wessex Police", 0),
    DemoUser("probation.officer", Role.PROBATION_OFFICER, "Probation Service Wessex", 0),
    DemoUser("substance.worker", Role.SUBSTANCE_MISUSE, "Wessex Drug and Alcohol Service", 1),
    DemoUser("housing.worker", Role.PARTNER_WORKER, "Wessex City Council Housing", 1),
    DemoUser("dwp.worker", Role.PARTNER_WORKER, "DWP Wessex Jobcentres", 2),
    DemoUser("coordinator", Role.COORDINATOR, "Wessex Police", 0),
    DemoUser("chair", Role.CHAIR, "Wessex Police", 0),
    DemoUser("performance.lead", Role.PERFORMANCE_LEAD, "Probation Service Wessex", None),
    DemoUser("ig.lead", Role.IG_LEAD, "Probation Service Wessex", None),
    DemoUser("sys.admin", Role.SYSTEM_ADMIN, "Wessex Police", None),
    DemoUser("evaluator", Role.EVALUATOR, "Second Chance Trust", None),
]


def build_partnership() -> tuple[list[Team], dict[str, Organisation], list[User]]:
    teams = [Team.objects.get_or_create(name=name, defaults={"area": area})[0] for name, area in TEAMS]
    for team in teams:
        if not team.postcodes:
            team.postcodes = TEAM_POSTCODES[team.name]
            team.save(update_fields=["postcodes"])
    orgs = {name: Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0] for name, kind in ORGANISATIONS}
    for org in orgs.values():
        if org.kind in SHARING:
            signed, review = REVIEW.get(org.kind, (200, 165))
            SharingAgreement.objects.get_or_create(
                organisation=org,
                defaults={
                    "sections": SHARING[org.kind],
                    "purpose": PURPOSE[org.kind],
                    "signed_on": clock.today() - datetime.timedelta(days=signed),
                    "review_by": clock.today() + datetime.timedelta(days=review),
                },
            )
    fake = Faker("en_GB")
    fake.seed_instance(2026)
    users = []
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": fake.first_name(),
                "last_name": fake.last_name(),
                "email": f"{demo.username}@example.org",
                "organisation": orgs[demo.organisation],
                "team": teams[demo.team] if demo.team is not None else None,
                "demo_account": True,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        elif not user.demo_account:
            user.demo_account = True  # made before the flag existed
            user.save(update_fields=["demo_account"])
        RoleAssignment.objects.get_or_create(user=user, role=demo.role)
        users.append(user)
    return teams, orgs, users
