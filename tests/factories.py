"""factory_boy factories and a fixed small partnership for tests (synthetic people only)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import factory

from iomhub.access.models import (
    Organisation,
    OrganisationKind,
    PersonAccessGrant,
    Role,
    RoleAssignment,
    Section,
    SharingAgreement,
    Team,
    User,
)
from iomhub.casework.models import AgencyInvolvement
from iomhub.people.models import Alias, Person, Restriction
from iomhub.rules.identifiers import pnc_check_character

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.POLICE


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    # The test settings run in demo mode with synthetic users, like `make run`: they may skip the
    # second factor. Tests of the second factor make accounts with demo_account=False.
    demo_account = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            RoleAssignment.objects.create(user=self, role=role)
        self.save()


def pnc(year: int, serial: int) -> str:
    return f"{year}/{serial:07d}{pnc_check_character(str(year), str(serial))}"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Alex{n}")
    last_name = factory.Sequence(lambda n: f"Synthetic{n}")
    date_of_birth = datetime.date(1990, 5, 17)
    sex = "male"
    pnc_id = factory.Sequence(lambda n: pnc(2015, 5000 + n))
    search_names = factory.LazyAttribute(lambda p: f"{p.first_name.lower()} {p.last_name.lower()}")


@dataclass
class Partnership:
    """One user per role, one person per access situation."""

    police: Organisation
    probation: Organisation
    housing: Organisation
    dwp: Organisation
    team: Team
    users: dict[str, User] = field(default_factory=dict)
    ordinary: Person | None = None  # police and probation involved
    housing_case: Person | None = None  # housing involved too
    restricted: Person | None = None  # MAPPA, housing involved, granted to the probation officer

    @property
    def people(self) -> list[Person]:
        return [p for p in (self.ordinary, self.housing_case, self.restricted) if p is not None]


class PartnershipFactory:
    @staticmethod
    def build_all() -> Partnership:
        police = OrganisationFactory(name="Test Police", kind=OrganisationKind.POLICE)
        probation = OrganisationFactory(name="Test Probation", kind=OrganisationKind.PROBATION)
        housing = OrganisationFactory(name="Test Housing", kind=OrganisationKind.HOUSING)
        dwp = OrganisationFactory(name="Test DWP", kind=OrganisationKind.DWP)
        SharingAgreement.objects.create(organisation=housing, sections=[Section.IDENTITY, Section.CONTACT, Section.PLAN])
        team = TeamFactory(name="Test IOM team")
        p = Partnership(police=police, probation=probation, housing=housing, dwp=dwp, team=team)
        org_for = {
            Role.POLICE_IOM_OFFICER: police,
            Role.PROBATION_OFFICER: probation,
            Role.SUBSTANCE_MISUSE: probation,
            Role.COORDINATOR: police,
            Role.CHAIR: police,
            Role.PERFORMANCE_LEAD: probation,
            Role.IG_LEAD: probation,
            Role.SYSTEM_ADMIN: police,
            Role.EVALUATOR: probation,
        }
        for role, org in org_for.items():
            p.users[role] = UserFactory(username=role.value, organisation=org, team=team, roles=[role])
        p.users[Role.PARTNER_WORKER] = UserFactory(username="housing-worker", organisation=housing, roles=[Role.PARTNER_WORKER])
        p.users["housing-worker"] = p.users[Role.PARTNER_WORKER]  # the same user, by its username
        p.users["dwp-worker"] = UserFactory(username="dwp-worker", organisation=dwp, roles=[Role.PARTNER_WORKER])
        p.users["no-role"] = UserFactory(username="no-role", organisation=police, roles=[])

        p.ordinary = PersonFactory(first_name="Jordan", last_name="Example", managing_team=team)
        p.housing_case = PersonFactory(first_name="Casey", last_name="Sample", date_of_birth=datetime.date(1985, 1, 2), managing_team=team)
        p.restricted = PersonFactory(first_name="Robin", last_name="Hidden", restriction=Restriction.MAPPA, managing_team=team)
        Alias.objects.create(person=p.ordinary, first_name="Jay", last_name="Exemplar")
        Person.objects.filter(pk=p.ordinary.pk).update(search_names="jordan example jay exemplar")
        for person in p.people:
            AgencyInvolvement.objects.create(person=person, organisation=police)
            AgencyInvolvement.objects.create(person=person, organisation=probation)
        AgencyInvolvement.objects.create(person=p.housing_case, organisation=housing)
        AgencyInvolvement.objects.create(person=p.restricted, organisation=housing)
        PersonAccessGrant.objects.create(person=p.restricted, user=p.users[Role.PROBATION_OFFICER])
        return p
