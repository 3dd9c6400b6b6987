"""The one access policy: ``can(user, action, obj, section=...)`` — default deny.

Every view, API endpoint, export and selector asks this module; nothing else decides who may see
or change a person's record. The rules (issue 2 §5; brief "Who uses it"; 000 §5.10.2 "levels of
access, confidentiality, information exchange"):

- The core IOM team (police IOM officers, probation officers, substance-misuse practitioners,
  coordinators, chairs) see and work on every person in the partnership who is not restricted.
- Partner workers see only people whose case their organisation is currently involved in, and
  only the sections their organisation's sharing agreement names. No agreement, nothing.
- Information governance leads see identities (for subject access and audit), and the audit log.
- Performance leads, evaluators and system administrators see no identities.
- Restricted people (MAPPA, counter-terrorism...) are visible only to users named on the person.
- A chair may "break glass" to read someone they otherwise could not, giving a reason; the access
  lasts an hour and is audited loudly.
- Referrals (issue 5; 002 §4 "all partners will be able to make referrals"): any partner agency may
  refer — the core IOM team and partner workers of an organisation. A referral is seen by its
  referring organisation, and once submitted by coordinators and chairs (who prepare and run the
  referral meeting; a draft is the referrer's own); never when it names a person the reader may
  not see. Only a chair records the decision (adopt,
  reject, defer): "accountability for decision will remain with the Chair" (002 §2).
- The cohort's administration (the adoption checklist, outstanding items, the candidate list) is
  the coordinator's and the chair's (002 §2: the coordinator keeps the record sheet). So are
  reviews and the steps of a transfer (002 §4).
- Merging a duplicate record into the one kept, and undoing a merge, is for the coordinator and the
  information governance lead, each only for people they see without breaking glass (issue 5 §2).
- A registration's RAG level is recorded by the coordinator or chair from the meeting, or by a
  police IOM officer (who publishes the Red Alert wanted notice, 002 appendix 1). Deregistration
  and accepting a transfer at the receiving meeting are the chair's decisions (002 §2, §4).

``people_filter(user)`` is the same rule as a database filter, so lists and searches agree with
``can`` (a test checks they do for every role and person).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import BreakGlassAccess, PersonAccessGrant, Role, Section, SharingAgreement
from iomhub.access.subjects import Subject, involved_person_ids

if TYPE_CHECKING:
    from iomhub.access.models import User

BREAK_GLASS_DURATION = timedelta(hours=1)


class Action(StrEnum):
    PERSON_SEARCH = "person.search"
    PERSON_VIEW = "person.view"
    PERSON_CREATE = "person.create"
    PERSON_CHANGE = "person.change"
    PERSON_EXPORT = "person.export"
    PERSON_BREAK_GLASS = "person.break-glass"
    AUDIT_VIEW = "audit.view"
    AUDIT_EXPORT = "audit.export"
    ORGANISATION_VIEW = "organisation.view"
    USER_VIEW = "user.view"
    USER_ENROL = "user.enrol"  # issue a one-time link to set up a first authenticator app (ADR 0012)
    USER_MANAGE = "user.manage"  # add, change, disable and enable accounts (access.accounts, ADR 0045)
    TOKEN_MANAGE = "token.manage"  # noqa: S105 - an action name, not a secret
    SERVICE_USE = "service.use"
    REFERRAL_CREATE = "referral.create"
    REFERRAL_VIEW = "referral.view"
    REFERRAL_DECIDE = "referral.decide"
    COHORT_MANAGE = "cohort.manage"
    COHORT_RAG = "cohort.rag"
    COHORT_DECIDE = "cohort.decide"
    PERSON_MERGE = "person.merge"
    AGREEMENT_MANAGE = "agreement.manage"
    REPORT_VIEW = "report.view"  # aggregate figures, no identities (issue 16; ADR 0015)
    REPORT_DRILL = "report.drill"  # the people behind a figure, as people_filter allows
    REPORT_EXTRACT = "report.extract"  # the pseudonymised evaluation extract: the evaluator
    RETENTION_MANAGE = "retention.manage"  # retention rules and runs (issue 13 §3): the IG lead
    SUBJECT_ACCESS = "subject-access"  # subject access requests and packs (issue 13 §4): the IG lead


CORE_ROLES = frozenset({Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.SUBSTANCE_MISUSE, Role.COORDINATOR, Role.CHAIR})
ALL_SECTIONS = frozenset(Section)
CORE_SECTIONS = ALL_SECTIONS - {Section.INTELLIGENCE}
PARTNER_CHANGEABLE = frozenset({Section.CONTACT, Section.PLAN, Section.HEALTH, Section.SAFEGUARDING, Section.ASSESSMENTS, Section.TIMELINE})
EXPORT_ROLES = frozenset({Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.COORDINATOR, Role.CHAIR, Role.IG_LEAD})
USER_VIEW_ROLES = frozenset({Role.IG_LEAD, Role.SYSTEM_ADMIN, Role.COORDINATOR})
ENROL_ROLES = frozenset({Role.IG_LEAD, Role.SYSTEM_ADMIN})
REFERRER_ROLES = CORE_ROLES | {Role.PARTNER_WORKER}
REFERRAL_OVERSIGHT_ROLES = frozenset({Role.COORDINATOR, Role.CHAIR})
RAG_ROLES = REFERRAL_OVERSIGHT_ROLES | {Role.POLICE_IOM_OFFICER}
# Merging a duplicate record, and undoing a merge (issue 5 §2): the coordinator keeps the
# partnership's records (002 §2) and the information governance lead answers for their accuracy
# (subject access, audit). Nobody else: a wrong merge shows one person's history on another's record.
MERGE_ROLES = frozenset({Role.COORDINATOR, Role.IG_LEAD})
# Reports (issue 16): the performance lead, evaluator, coordinator and chair read aggregate figures;
# only the coordinator and chair (who see people) drill down to the people behind one.
REPORT_ROLES = frozenset({Role.PERFORMANCE_LEAD, Role.EVALUATOR, Role.COORDINATOR, Role.CHAIR})
REPORT_DRILL_ROLES = REFERRAL_OVERSIGHT_ROLES
REFERRAL_ACTIONS = frozenset({"referral.create", "referral.view", "referral.decide"})


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    break_glass: bool = False
    # The chair's recorded reason, when the person is seen only by breaking glass: every read under
    # it is audited as break-glass with this reason (``audit.record_read``; ADR 0003, 0013).
    glass_reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def _active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def agreement_in_force(agreement: SharingAgreement | None, today: datetime.date | None = None) -> bool:
    """An agreement shares only while it is in force: one past its review date shares nothing until the
    information governance lead reviews it (issue 9 §2; 000 §5.10.2)."""
    if agreement is None:
        return False
    today = today or clock.today()
    return agreement.review_by is None or agreement.review_by >= today


def partner_sections(user: User) -> frozenset[str]:
    """The sections a partner worker's organisation's agreement in force shares. Police intelligence
    is shared only with a police organisation, whatever an agreement says (issue 6 §5)."""
    if not user.has_role(Role.PARTNER_WORKER) or user.organisation_id is None:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_partner_sections", None)
    if cached is None:
        agreement = SharingAgreement.objects.filter(organisation_id=user.organisation_id).select_related("organisation").first()
        shared = set(agreement.sections if agreement and agreement_in_force(agreement) else []) & ALL_SECTIONS
        if agreement is not None and agreement.organisation.kind != "police":
            shared.discard(Section.INTELLIGENCE)
        cached = frozenset(shared)
        user._partner_sections = cached  # type: ignore[attr-defined]
    return cached


def sections_for(user: User) -> frozenset[str]:
    """The sections of a visible person's record this user may read: the sharing table, in one place.

    Police IOM officers read every section; the rest of the core IOM team every section but police
    intelligence; partner workers their agreement's; information governance leads identities only;
    everyone else nothing.
    """
    if user.has_role(Role.POLICE_IOM_OFFICER):
        return ALL_SECTIONS
    if user.role_codes & CORE_ROLES:
        return CORE_SECTIONS
    sections: set[str] = set(partner_sections(user))
    if user.has_role(Role.IG_LEAD):
        sections.add(Section.IDENTITY)
    return frozenset(sections)


def sees_intelligence(user: User) -> bool:
    """Intelligence notes on the case timeline are for the police (issue 6 §5)."""
    return Section.INTELLIGENCE in sections_for(user)


def has_person_access(user: User) -> bool:
    return bool(user.role_codes & CORE_ROLES or user.has_role(Role.IG_LEAD) or partner_sections(user))


def active_break_glass(user: User, person: Subject) -> BreakGlassAccess | None:
    """The chair's break-glass access to ``person`` in force now, if any (one at a time)."""
    return BreakGlassAccess.objects.filter(user=user, person_id=person.pk, expires_at__gt=timezone.now()).order_by("-expires_at").first()


def _sees_person_normally(user: User, person: Subject) -> bool:
    if not has_person_access(user):
        return False
    if person.restriction and not PersonAccessGrant.objects.filter(person_id=person.pk, user=user).exists():
        return False
    if user.role_codes & CORE_ROLES or user.has_role(Role.IG_LEAD):
        return True
    if user.organisation_id is None:
        return False
    involved = involved_person_ids(user.organisation_id)
    return involved is not None and involved.filter(person_id=person.pk).exists()


def decide(user: User | None, action: Action | str, obj: Any = None, *, section: str | None = None) -> Decision:
    """Decide one request; ``can`` is the yes/no form. Default deny."""
    if not _active(user):
        return Decision(False, "not signed in")
    assert user is not None
    action = Action(action)
    roles = user.role_codes
    by_role = _decide_by_role(user, action, roles)
    if by_role is not None:
        return by_role
    if action in REFERRAL_ACTIONS:
        return _decide_referral(user, action, obj)
    if action is Action.PERSON_MERGE:
        if not roles & MERGE_ROLES:
            return Decision(False, "only a coordinator or information governance lead merges records")
        if obj is None:
            return Decision(True, "coordinator or information governance lead")
        return Decision(_sees_person_normally(user, obj), "coordinator or information governance lead who sees the person")
    if obj is None:
        return Decision(False, f"{action} needs a person")
    person: Subject = obj
    wanted = section or Section.IDENTITY
    if action is Action.PERSON_BREAK_GLASS:
        return Decision(user.has_role(Role.CHAIR) and not _sees_person_normally(user, person), "chair may break glass")
    return _decide_on_person(user, action, person, wanted, roles)


def _decide_by_role(user: User, action: Action, roles: frozenset[str]) -> Decision | None:
    """The actions decided by the user's roles alone (no person involved); None for the others."""
    if action is Action.SERVICE_USE or action is Action.ORGANISATION_VIEW or action is Action.TOKEN_MANAGE:
        return Decision(bool(roles), "any role" if roles else "no role")
    if action is Action.USER_VIEW:
        return Decision(bool(roles & USER_VIEW_ROLES), "role may list users")
    if action is Action.USER_ENROL or action is Action.USER_MANAGE:
        return Decision(bool(roles & ENROL_ROLES), "system administrator or information governance lead")
    if action in (Action.AUDIT_VIEW, Action.AUDIT_EXPORT):
        return Decision(user.has_role(Role.IG_LEAD), "information governance only")
    if action is Action.AGREEMENT_MANAGE:  # sharing agreements are the IG lead's (issue 9 §2)
        return Decision(user.has_role(Role.IG_LEAD), "information governance only")
    if action in (Action.RETENTION_MANAGE, Action.SUBJECT_ACCESS):  # issue 13 §3, §4; ADR 0021, 0022
        return Decision(user.has_role(Role.IG_LEAD), "information governance only")
    if action is Action.REPORT_VIEW:
        return Decision(bool(roles & REPORT_ROLES), "performance lead, evaluator, coordinator or chair")
    if action is Action.REPORT_DRILL:
        return Decision(bool(roles & REPORT_DRILL_ROLES) and has_person_access(user), "coordinator or chair")
    if action is Action.REPORT_EXTRACT:
        return Decision(user.has_role(Role.EVALUATOR), "the independent evaluator")
    if action is Action.PERSON_SEARCH:
        return Decision(has_person_access(user), "role may search people")
    if action is Action.PERSON_CREATE:
        return Decision(bool(roles & CORE_ROLES), "core IOM team creates people")
    if action is Action.COHORT_MANAGE:
        return Decision(bool(roles & REFERRAL_OVERSIGHT_ROLES), "coordinator or chair")
    if action is Action.COHORT_RAG:
        return Decision(bool(roles & RAG_ROLES), "coordinator, chair or police IOM officer")
    if action is Action.COHORT_DECIDE:
        return Decision(user.has_role(Role.CHAIR), "the chair decides")
    return None


def _decide_on_person(user: User, action: Action, person: Subject, wanted: str, roles: frozenset[str]) -> Decision:
    """An action on a person the user sees (normally, or by breaking glass) in the section wanted."""
    glass_reason = ""
    if _sees_person_normally(user, person):
        glass = False
    elif user.has_role(Role.CHAIR) and (access := active_break_glass(user, person)) is not None:
        glass, glass_reason = True, access.reason
    else:
        return Decision(False, "person not visible to this user")
    sections = sections_for(user)
    if wanted not in sections:
        return Decision(False, f"section {wanted} not shared with this user", glass, glass_reason)
    if action is Action.PERSON_VIEW:
        return Decision(True, "visible", glass, glass_reason)
    if action is Action.PERSON_CHANGE:
        if glass:
            return Decision(False, "break-glass access is read-only", glass, glass_reason)
        if roles & CORE_ROLES:
            return Decision(True, "core IOM team")
        return Decision(wanted in PARTNER_CHANGEABLE, "partner may change shared working sections")
    if action is Action.PERSON_EXPORT:
        return Decision(bool(roles & EXPORT_ROLES) and not glass, "role may export")
    return Decision(False, "unknown action")


def _may_refer(user: User) -> bool:
    if user.role_codes & CORE_ROLES:
        return True
    return user.has_role(Role.PARTNER_WORKER) and user.organisation_id is not None


def _decide_referral(user: User, action: Action, referral: Any) -> Decision:
    """Referrals: ``referral`` is None for "any referral at all" (lists, new ones) or a Referral."""
    oversight = bool(user.role_codes & REFERRAL_OVERSIGHT_ROLES)
    if referral is None:
        if action is Action.REFERRAL_DECIDE:
            return Decision(user.has_role(Role.CHAIR), "the chair records referral decisions")
        return Decision(_may_refer(user), "partner agencies and the IOM team refer")
    own = user.organisation_id is not None and referral.referring_organisation_id == user.organisation_id
    if not (_may_refer(user) and (own or (oversight and referral.status != "draft"))):
        return Decision(False, "referral not visible to this user")
    person = referral.person
    if person is not None and not _sees_person_normally(user, person):
        return Decision(False, "person not visible to this user")
    if action is Action.REFERRAL_VIEW:
        return Decision(True, "coordinator or chair" if oversight else "referring organisation")
    if action is Action.REFERRAL_CREATE:  # completing a draft: the referring organisation only
        return Decision(own, "referring organisation completes its referral")
    if action is Action.REFERRAL_DECIDE:
        return Decision(user.has_role(Role.CHAIR), "the chair records referral decisions")
    return Decision(False, "unknown action")


def team_scope(user: User) -> int | None:
    """The local team whose administration (meetings, the team dashboard) a user works on, or None
    for someone partnership-wide: a user placed in a team sees and changes that team's meetings and
    team pages only; one with no team serves the whole partnership (ADR 0013)."""
    return user.team_id


def in_team_scope(user: User, team_id: int | None) -> bool:
    """Whether a record of ``team_id`` (a meeting) is within the user's team scope."""
    scope = team_scope(user)
    return scope is None or team_id == scope


def may_attempt(user: User | None, action: Action | str) -> bool:
    """The coarse gate every route applies before its view runs: could this user ever be allowed
    ``action`` on some record? (The view then decides for the particular record.)"""
    if not _active(user):
        return False
    assert user is not None
    action = Action(action)
    if action is Action.PERSON_VIEW:
        return has_person_access(user)
    if action is Action.PERSON_CHANGE:
        return bool(user.role_codes & CORE_ROLES) or bool(partner_sections(user) & PARTNER_CHANGEABLE)
    if action is Action.PERSON_EXPORT:
        return bool(user.role_codes & EXPORT_ROLES) and has_person_access(user)
    if action is Action.PERSON_BREAK_GLASS:
        return user.has_role(Role.CHAIR)
    return decide(user, action).allowed


def can(user: User | None, action: Action | str, obj: Any = None, *, section: str | None = None) -> bool:
    return decide(user, action, obj, section=section).allowed


def people_filter(user: User | None) -> Q:
    """The people ``user`` sees without breaking glass, as a filter on Person."""
    if not _active(user):
        return Q(pk__in=[])
    assert user is not None
    if not has_person_access(user):
        return Q(pk__in=[])
    granted = Exists(PersonAccessGrant.objects.filter(person=OuterRef("pk"), user=user))
    visible = Q(restriction="") | Q(granted)
    if user.role_codes & CORE_ROLES or user.has_role(Role.IG_LEAD):
        return visible
    if user.organisation_id is None:
        return Q(pk__in=[])
    # Whom a partner's organisation is involved with is casework's record, read through the reader
    # casework installs (``access.subjects``): the policy names no app above it (ADR 0032).
    involved = involved_person_ids(user.organisation_id)
    return Q(pk__in=[]) if involved is None else visible & Q(pk__in=involved)
