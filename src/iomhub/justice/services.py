"""Every change to the justice record goes through here: authorise, validate, write, audit.

Each service takes ``acting_user``, refuses (audited) anyone who may not change the person's
justice section, raises ``ValidationError`` with field-level messages for bad input (storing
nothing), writes in a transaction and audits with before/after values.

Rules and their sources:
- Sentence dates: ``iomhub.rules.sentence`` (002 §5; CJA 2003 s.243A/244/256AA; instruments.md §6;
  the Sentencing Act 2026 progression model, reference/release-dates-2026.md); the prison's own
  calculation, entered as an override with a reason, wins; sentences the rules refuse keep a note.
- Recall: the recall type is asked for, never guessed (reference/release-dates-2026.md §2.2): FTR56
  (56 days) for adults, FTR14/FTR28 for young offenders (s.250/s.91 detention) by sentence length;
  an adult recall decided before 31 March 2026 may still be FTR14/28. Never released after the
  licence expiry; the recall report is due 24 hours after the recall decision.
- Breach of post-sentence supervision (002 §5): the magistrates' court may take no action, fine up
  to £1,000 (level 3), commit to custody for up to 14 days, or make a supervision default order of
  20-60 hours' unpaid work or an electronically monitored curfew of at least 20 days; no sanction
  except committal may run beyond the end of post-sentence supervision.
- MAPPA level (002 §4 "MAPPA Cases", 002 §2): one record per change, from a date, with the category
  when managed (000 §6.6.1), who recorded it and where it was decided; never edited.
- Licence conditions and post-sentence supervision requirements (002 §5): the standard licence
  conditions are given to everyone on licence; additional conditions to some, with their wording;
  supervision requirements come only from the list of 002 §5 (additional conditions are not
  available for supervision); drug testing needs the drug-misuse criteria of 002 §5.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, decide
from iomhub.justice.catalogue import CATALOGUE_VERSION, normalise_code
from iomhub.justice.models import (
    DATE_FIELDS,
    AdditionalCondition,
    Arrest,
    ArrestOutcome,
    CourtOutcome,
    CustodyEpisode,
    Disposal,
    LicenceCondition,
    MappaCategory,
    MappaManagement,
    Offence,
    OffenceCode,
    ProgressionModelExclusion,
    PssBreach,
    PssRequirement,
    Recall,
    Requirement,
    Sentence,
    SentenceType,
    SupervisionConditions,
    Warrant,
)
from iomhub.rules._dates import whole_years_between

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person

PSS_FINE_LIMIT_POUNDS = 1000  # level 3 (002 §5)
PSS_COMMITTAL_LIMIT_DAYS = 14
PSS_UNPAID_WORK_HOURS = (20, 60)
PSS_CURFEW_MINIMUM_DAYS = 20
RECALL_REPORT_HOURS = 24
MAX_TEXT = 200
REQUIREMENT_DISPOSALS = {Disposal.COMMUNITY, Disposal.SUSPENDED}


def authorise_change(acting_user: User, person: Person) -> None:
    decision = decide(acting_user, Action.PERSON_CHANGE, person, section=Section.JUSTICE)
    if not decision:
        deny(
            user=acting_user,
            action=Action.PERSON_CHANGE,
            reason=decision.reason,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
        )


def _record(acting_user: User, kind: str, obj: Any, person: Person, before: dict[str, Any], after: dict[str, Any]) -> None:
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE if not before else AuditAction.CHANGE,
        object_type=kind,
        object_id=obj.pk,
        person_id=person.pk,
        changes={"section": Section.JUSTICE, **audit.diff(before, after)},
    )


def _check_date(errors: dict[str, list[str]], name: str, value: Any, label: str, person: Person, *, future: bool = False) -> None:
    if not isinstance(value, datetime.date):
        errors.setdefault(name, []).append(f"Enter the {label}")
        return
    if not future and value > clock.today():
        errors.setdefault(name, []).append(f"The {label} must be today or in the past")
    if value < person.date_of_birth:
        errors.setdefault(name, []).append(f"The {label} must be after the person's date of birth")


def _check_text(errors: dict[str, list[str]], name: str, value: str, label: str, *, required: bool = True) -> str:
    value = " ".join(str(value or "").split())
    if required and not value:
        errors.setdefault(name, []).append(f"Enter the {label}")
    elif len(value) > MAX_TEXT:
        errors.setdefault(name, []).append(f"The {label} must be {MAX_TEXT} characters or fewer")
    elif "\x00" in value:
        errors.setdefault(name, []).append(f"The {label} must not contain null characters")
    return value


def offence_codes_lookup(codes: Sequence[str], *, field: str = "offence_codes") -> list[OffenceCode]:
    """The catalogue entries for ``codes``; unknown codes are refused by name, never guessed."""
    wanted = [normalise_code(c) for c in codes if normalise_code(c)]
    found = {o.code: o for o in OffenceCode.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        listed = ", ".join(sorted(set(unknown)))
        raise ValidationError(
            {field: [f"Unknown Home Office offence code {listed}: not in the offence catalogue (version {CATALOGUE_VERSION})"]}
        )
    return [found[c] for c in wanted]


def arrest_record(
    *,
    acting_user: User,
    person: Person,
    arrested_on: datetime.date,
    custody_suite: str,
    outcome: str,
    offence_codes: Sequence[str],
    offence_committed_on: datetime.date | None = None,
) -> Arrest:
    """An arrest with the offence(s) it was for (issue 4 §2)."""
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    _check_date(errors, "arrested_on", arrested_on, "date of arrest", person)
    suite = _check_text(errors, "custody_suite", custody_suite, "custody suite")
    if outcome not in ArrestOutcome.values:
        errors["outcome"] = ["Select the outcome of the arrest"]
    committed = offence_committed_on or arrested_on
    if offence_committed_on is not None:
        _check_date(errors, "offence_committed_on", offence_committed_on, "offence date", person)
        if isinstance(arrested_on, datetime.date) and offence_committed_on > arrested_on:
            errors.setdefault("offence_committed_on", []).append("The offence date must be on or before the date of arrest")
    codes: list[OffenceCode] = []
    if not [c for c in offence_codes if normalise_code(c)]:
        errors["offence_codes"] = ["Enter the Home Office code of at least one offence"]
    else:
        try:
            codes = offence_codes_lookup(offence_codes)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        arrest = Arrest.objects.create(person=person, arrested_on=arrested_on, custody_suite=suite, outcome=outcome)
        for code in codes:
            Offence.objects.create(person=person, code=code, committed_on=committed, arrest=arrest)
        _record(
            acting_user,
            "arrest",
            arrest,
            person,
            {},
            {"arrested_on": arrested_on, "custody_suite": suite, "outcome": outcome, "offence_codes": [c.code for c in codes]},
        )
    return arrest


def offence_record(*, acting_user: User, person: Person, code: str, committed_on: datetime.date) -> Offence:
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    _check_date(errors, "committed_on", committed_on, "offence date", person)
    found: list[OffenceCode] = []
    if not normalise_code(code or ""):
        errors["code"] = ["Enter the Home Office offence code"]
    else:
        try:
            found = offence_codes_lookup([code], field="code")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        offence = Offence.objects.create(person=person, code=found[0], committed_on=committed_on)
        _record(acting_user, "offence", offence, person, {}, {"code": found[0].code, "committed_on": committed_on})
    return offence


def court_outcome_record(
    *,
    acting_user: User,
    person: Person,
    decided_on: datetime.date,
    disposal: str,
    court: str = "",
    requirements: Sequence[str] = (),
    fine_pounds: int | None = None,
    offence_ids: Sequence[int] = (),
) -> CourtOutcome:
    """A conviction (or caution) and its disposal; community order requirements such as DRR, ATR
    and RAR (000 §6; 002 §5)."""
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    _check_date(errors, "decided_on", decided_on, "date of conviction or caution", person)
    court = _check_text(errors, "court", court, "court", required=False)
    if disposal not in Disposal.values:
        errors["disposal"] = ["Select the disposal"]
    reqs = list(dict.fromkeys(requirements))
    bad = [r for r in reqs if r not in Requirement.values]
    if bad:
        errors["requirements"] = [f"Unknown requirement {', '.join(bad)}"]
    elif reqs and disposal not in REQUIREMENT_DISPOSALS:
        errors["requirements"] = ["Requirements only apply to a community order or a suspended sentence order"]
    elif disposal == Disposal.COMMUNITY and not reqs:
        errors["requirements"] = ["Select at least one requirement of the community order"]
    if disposal == Disposal.FINE:
        if fine_pounds is None or fine_pounds < 1:
            errors["fine_pounds"] = ["Enter the amount of the fine in pounds"]
    elif fine_pounds is not None:
        errors["fine_pounds"] = ["Only enter an amount for a fine"]
    offences = list(Offence.objects.filter(person=person, pk__in=list(offence_ids)))
    if len(offences) != len(set(offence_ids)):
        errors["offence_ids"] = ["Select offences from this person's record"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        outcome = CourtOutcome.objects.create(
            person=person, decided_on=decided_on, court=court, disposal=disposal, requirements=reqs, fine_pounds=fine_pounds
        )
        outcome.offences.set(offences)
        _record(
            acting_user,
            "court-outcome",
            outcome,
            person,
            {},
            {
                "decided_on": decided_on,
                "court": court,
                "disposal": disposal,
                "requirements": reqs,
                "fine_pounds": fine_pounds,
                "offences": [o.pk for o in offences],
            },
        )
    return outcome


def warrant_record(*, acting_user: User, person: Person, kind: str, issued_on: datetime.date, issued_by: str = "") -> Warrant:
    """A warrant: feeds the Red Alert prompt (002 appendix 1: wanted)."""
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    if kind not in Warrant.Kind.values:
        errors["kind"] = ["Select the kind of warrant"]
    _check_date(errors, "issued_on", issued_on, "date the warrant was issued", person)
    issued_by = _check_text(errors, "issued_by", issued_by, "issuing court or force", required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        warrant = Warrant.objects.create(person=person, kind=kind, issued_on=issued_on, issued_by=issued_by)
        _record(acting_user, "warrant", warrant, person, {}, {"kind": kind, "issued_on": issued_on, "issued_by": issued_by})
    return warrant


def warrant_execute(*, acting_user: User, warrant: Warrant, executed_on: datetime.date) -> Warrant:
    person = warrant.person
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    _check_date(errors, "executed_on", executed_on, "date the warrant was executed", person)
    if not errors and executed_on < warrant.issued_on:
        errors["executed_on"] = ["The warrant cannot be executed before it was issued"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Warrant.objects.select_for_update().get(pk=warrant.pk)
        if current.executed_on is not None:
            raise ValidationError({"executed_on": ["This warrant has already been executed"]})
        current.executed_on = executed_on
        current.save(update_fields=["executed_on"])
        _record(acting_user, "warrant", current, person, {"executed_on": None}, {"executed_on": executed_on})
    return current


def mappa_record(
    *,
    acting_user: User,
    person: Person,
    level: int | None,
    category: str = "",
    from_date: datetime.date,
    source: str = "",
) -> MappaManagement:
    """Record the person's MAPPA management level from ``from_date`` (``level`` None: MAPPA
    management ended). The one record of MAPPA level that screening and deregistration read."""
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    if level is not None and (isinstance(level, bool) or level not in (1, 2, 3)):
        errors["level"] = ["Select MAPPA level 1, 2 or 3, or that MAPPA management has ended"]
    category = str(category or "")
    if level is not None and category not in MappaCategory.values:
        errors["category"] = ["Select the MAPPA category"]
    elif level is None and category:
        errors["category"] = ["Leave the category empty when MAPPA management has ended"]
    _check_date(errors, "from_date", from_date, "date the level applies from", person)
    source = _check_text(errors, "source", source, "meeting or source", required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        previous = MappaManagement.objects.filter(person=person, from_date__lte=from_date).order_by("from_date", "id").last()
        if previous is None and level is None:
            raise ValidationError({"level": ["No MAPPA level is recorded before this date, so there is nothing to end"]})
        record = MappaManagement.objects.create(
            person=person,
            level=level,
            category=category,
            from_date=from_date,
            source=source,
            recorded_by=acting_user,
            recorded_by_name=acting_user.get_full_name() or acting_user.get_username(),
        )
        before = {"level": previous.level, "category": previous.category} if previous is not None else {"level": None, "category": ""}
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            object_type="mappa-level",
            object_id=record.pk,
            person_id=person.pk,
            changes={
                "section": Section.JUSTICE,
                **audit.diff(before, {"level": level, "category": category}),
                "from_date": from_date,
                "source": source,
            },
        )
    return record


def custody_episode_record(
    *, acting_user: User, person: Person, kind: str, prison: str, started_on: datetime.date, ended_on: datetime.date | None = None
) -> CustodyEpisode:
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    if kind not in CustodyEpisode.Kind.values:
        errors["kind"] = ["Select remand or sentenced custody"]
    prison = _check_text(errors, "prison", prison, "prison")
    _check_date(errors, "started_on", started_on, "date custody began", person)
    if ended_on is not None:
        _check_date(errors, "ended_on", ended_on, "date custody ended", person)
        if isinstance(started_on, datetime.date) and ended_on < started_on:
            errors.setdefault("ended_on", []).append("The date custody ended must be on or after the date it began")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        episode = CustodyEpisode.objects.create(person=person, kind=kind, prison=prison, started_on=started_on, ended_on=ended_on)
        _record(
            acting_user,
            "custody-episode",
            episode,
            person,
            {},
            {"kind": kind, "prison": prison, "started_on": started_on, "ended_on": ended_on},
        )
    return episode


# Which form field a message from iomhub.rules.sentence is about.
_RULE_FIELDS = (
    ("offence_committed_on", "offence_committed_on"),
    ("date_of_birth", "offence_committed_on"),
    ("remand_days", "remand_days"),
    ("tagged_bail_days", "tagged_bail_days"),
    ("unlawfully_at_large_days", "unlawfully_at_large_days"),
    ("progression_model_exclusion", "progression_model_exclusion"),
    ("offence on the Sentencing Act 2026", "progression_model_exclusion"),
    ("a sentence imposed from", "sentence_type"),
    ("sentence_type", "sentence_type"),
    ("sentence length", "years"),
    ("years", "years"),
    ("months", "months"),
    ("weeks", "weeks"),
    ("days", "days"),
    ("sentenced_on", "sentenced_on"),
)


def _rule_error_field(message: str) -> str:
    for needle, field in _RULE_FIELDS:
        if message.startswith(needle) or needle in message.split(":")[0]:
            return field
    return "sentenced_on"


def compute_dates(sentence: Sentence, date_of_birth: datetime.date) -> None:
    """Fill the computed dates from ``iomhub.rules.sentence`` (issue 3 §4). Inputs the rules call
    invalid raise ``ValidationError`` on the field concerned; sentences the rules do not support
    are kept without dates and a note ("enter the prison's dates")."""
    from iomhub.rules import sentence as rules  # imported lazily: the rules are another engineer's module

    try:
        dates = rules.sentence_dates(
            sentenced_on=sentence.sentenced_on,
            offence_committed_on=sentence.offence_committed_on,
            date_of_birth=date_of_birth,
            years=sentence.years,
            months=sentence.months,
            weeks=sentence.weeks,
            days=sentence.days,
            remand_days=sentence.remand_days,
            tagged_bail_days=sentence.tagged_bail_days,
            unlawfully_at_large_days=sentence.unlawfully_at_large_days,
            sentence_type=sentence.sentence_type,
            sds40_excluded=sentence.sds40_excluded,
            hdc_excluded=sentence.hdc_excluded,
            progression_model_exclusion=sentence.progression_model_exclusion,
        )
    except ValueError as exc:
        message = str(exc)
        if rules.NOT_SUPPORTED in message:
            for name, _ in DATE_FIELDS:
                setattr(sentence, name, None)
            sentence.length_days, sentence.release_type, sentence.expiry_type, sentence.breakdown = None, "", "", []
            sentence.calculation_note = message
            return
        raise ValidationError({_rule_error_field(message): [message[0].upper() + message[1:]]}) from exc
    sentence.length_days = dates.length_days
    sentence.release_type = dates.release_type
    sentence.release_date = dates.release_date
    sentence.expiry_type = dates.expiry_type
    sentence.expiry_date = dates.expiry_date
    sentence.tused = dates.tused
    sentence.hdced = dates.hdced
    sentence.breakdown = list(dates.breakdown)
    sentence.calculation_note = ""


SENTENCE_INPUTS = (
    "prison",
    "sentenced_on",
    "offence_committed_on",
    "years",
    "months",
    "weeks",
    "days",
    "remand_days",
    "tagged_bail_days",
    "unlawfully_at_large_days",
    "sentence_type",
    "sds40_excluded",
    "hdc_excluded",
    "progression_model_exclusion",
)
SENTENCE_AUDITED = (*SENTENCE_INPUTS, "release_type", "release_date", "expiry_type", "expiry_date", "tused", "hdced")


def _sentence_snapshot(sentence: Sentence) -> dict[str, Any]:
    return {name: getattr(sentence, name) for name in SENTENCE_AUDITED}


def sentence_record(
    *,
    acting_user: User,
    person: Person,
    sentenced_on: datetime.date,
    offence_committed_on: datetime.date,
    years: int = 0,
    months: int = 0,
    weeks: int = 0,
    days: int = 0,
    remand_days: int = 0,
    tagged_bail_days: int = 0,
    unlawfully_at_large_days: int = 0,
    prison: str = "",
    sentence_type: str = "SDS",
    sds40_excluded: bool = False,
    hdc_excluded: bool = False,
    progression_model_exclusion: str = "",
    court_outcome: CourtOutcome | None = None,
    offence: Offence | None = None,
) -> Sentence:
    """A determinate sentence with its dates computed (issue 4 §3; issue 10)."""
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    _check_date(errors, "sentenced_on", sentenced_on, "date of sentence", person)
    _check_date(errors, "offence_committed_on", offence_committed_on, "offence date", person)
    prison = _check_text(errors, "prison", prison, "prison", required=False)
    for name, value in (
        ("years", years),
        ("months", months),
        ("weeks", weeks),
        ("days", days),
        ("remand_days", remand_days),
        ("tagged_bail_days", tagged_bail_days),
        ("unlawfully_at_large_days", unlawfully_at_large_days),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[name] = ["Enter a whole number, 0 or more"]
        elif value > 36500:
            errors[name] = ["Enter a number no larger than 36500"]
    if sentence_type not in SentenceType.values:
        errors["sentence_type"] = ["Select the type of sentence"]
    elif (
        sentence_type in (SentenceType.S250, SentenceType.S250_PLUS)
        and isinstance(offence_committed_on, datetime.date)
        and person.date_of_birth is not None
        and whole_years_between(person.date_of_birth, offence_committed_on) >= 18
    ):
        age = whole_years_between(person.date_of_birth, offence_committed_on)
        errors["sentence_type"] = [f"Detention under section 250 or 91 is for people under 18: this person was {age} on the offence date"]
    if progression_model_exclusion not in ProgressionModelExclusion.values:
        errors["progression_model_exclusion"] = ["Select an exclusion from the progression model, or none"]
    for name, obj in (("court_outcome", court_outcome), ("offence", offence)):
        if obj is not None and obj.person_id != person.pk:
            errors[name] = ["Select one of this person's records"]
    if errors:
        raise ValidationError(errors)
    sentence = Sentence(
        person=person,
        court_outcome=court_outcome,
        offence=offence,
        prison=prison,
        sentenced_on=sentenced_on,
        offence_committed_on=offence_committed_on,
        years=years,
        months=months,
        weeks=weeks,
        days=days,
        remand_days=remand_days,
        tagged_bail_days=tagged_bail_days,
        unlawfully_at_large_days=unlawfully_at_large_days,
        sentence_type=sentence_type,
        sds40_excluded=sds40_excluded,
        hdc_excluded=hdc_excluded,
        progression_model_exclusion=progression_model_exclusion,
    )
    compute_dates(sentence, person.date_of_birth)
    sentence.effective_release_date = sentence.effective("release_date")
    with transaction.atomic():
        sentence.save()
        _record(acting_user, "sentence", sentence, person, {}, _sentence_snapshot(sentence))
    return sentence


COMPUTED_FIELDS = (
    "length_days",
    "release_type",
    "release_date",
    "expiry_type",
    "expiry_date",
    "tused",
    "hdced",
    "breakdown",
    "calculation_note",
)
RULES_UPDATE = "release-date-rules"


def sentences_recompute(*, batch_size: int = 1000) -> dict[str, int]:
    """Work out again the calculated dates of every recorded sentence under the rules in force
    (issue 10: sentences passed from 1 October 2026, stored as "not supported", get their dates;
    sentences being served on that day move to the progression model's tranches). The prison's
    dates (overrides) stay in force; each sentence whose calculated dates change is audited with
    before and after, by the rules update rather than a user. Idempotent: a second run changes
    nothing. Run by ``python -m iomhub justice_recompute_dates`` after a rules change."""
    counts = {"changed": 0, "unchanged": 0, "refused": 0}
    for sentence in Sentence.objects.select_related("person").order_by("pk").iterator(chunk_size=batch_size):
        before = {name: getattr(sentence, name) for name in COMPUTED_FIELDS}
        try:
            compute_dates(sentence, sentence.person.date_of_birth)
        except ValidationError:
            counts["refused"] += 1  # inputs the rules now call invalid: left as they were, for a person to look at
            continue
        after = {name: getattr(sentence, name) for name in COMPUTED_FIELDS}
        if after == before:
            counts["unchanged"] += 1
            continue
        sentence.effective_release_date = sentence.effective("release_date")
        with transaction.atomic():
            sentence.save(update_fields=[*COMPUTED_FIELDS, "effective_release_date"])
            audit.record(
                actor=None,
                username=RULES_UPDATE,
                action=AuditAction.CHANGE,
                object_type="sentence",
                object_id=sentence.pk,
                person_id=sentence.person_id,
                reason="Release-date rules of the Sentencing Act 2026 (issue 10, ADR 0011)",
                changes={"section": Section.JUSTICE, **audit.diff(before, after)},
            )
        counts["changed"] += 1
    return counts


OVERRIDE_FIELDS = tuple(override for _, override in DATE_FIELDS)


def sentence_override(
    *,
    acting_user: User,
    sentence: Sentence,
    reason: str,
    release_date: datetime.date | None = None,
    expiry_date: datetime.date | None = None,
    tused: datetime.date | None = None,
    hdced: datetime.date | None = None,
) -> Sentence:
    """Enter the prison's own calculation: it takes the place of the computed dates (the computed
    ones stay on record beside it). A reason is required; before and after are audited."""
    person = sentence.person
    authorise_change(acting_user, person)
    values = {"override_release_date": release_date, "override_expiry_date": expiry_date, "override_tused": tused, "override_hdced": hdced}
    errors: dict[str, list[str]] = {}
    reason = " ".join(str(reason or "").split())
    if len(reason) < 10:
        errors["reason"] = [
            "Say why the prison's dates differ, in at least 10 characters (for example, the prison's calculation of 3 March)"
        ]
    elif len(reason) > 1000:
        errors["reason"] = ["The reason must be 1000 characters or fewer"]
    if not any(values.values()):
        errors["release_date"] = ["Enter at least one of the prison's dates"]
    for name, value in values.items():
        if value is not None and value < sentence.sentenced_on:
            errors[name.removeprefix("override_")] = ["The date must be on or after the date of sentence"]
    if release_date and expiry_date and expiry_date < release_date:
        errors["expiry_date"] = ["The expiry date must be on or after the release date"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Sentence.objects.select_for_update().get(pk=sentence.pk)
        before = {**{k: getattr(current, k) for k in OVERRIDE_FIELDS}, "override_reason": current.override_reason}
        for name, value in values.items():
            setattr(current, name, value)
        current.override_reason = reason
        current.overridden_by = acting_user
        current.overridden_at = timezone.now()
        current.effective_release_date = current.effective("release_date")
        current.save()
        after = {**values, "override_reason": reason}
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="sentence-override",
            object_id=current.pk,
            person_id=person.pk,
            reason=reason,
            changes={
                "section": Section.JUSTICE,
                "computed": {name: getattr(current, name) for name, _ in DATE_FIELDS},
                **audit.diff(before, after),
            },
        )
    return current


FTR56_FROM = datetime.date(2026, 3, 31)  # iomhub.rules.sentence.FTR56_COMMENCEMENT (SA 2026 s.32)


def _recall_type_errors(sentence: Sentence, recall_type: str, recalled_on: datetime.date | None) -> list[str]:
    """Whether ``recall_type`` can apply to ``sentence`` (the reference §2.2: CRDS validates the
    recorded type; RecordARecallDecisionService.kt L269-315 expects FTR56 or standard for adults,
    FTR14/FTR28 only for s.250/s.91 detention; CJA 2003 s.255B(1A), s.255BA)."""
    if recall_type not in Recall.Type.values:
        return ["Select the recall type: FTR56, FTR14, FTR28 or standard"]
    if recall_type == Recall.Type.STANDARD:
        return []
    young = sentence.sentence_type in (SentenceType.S250, SentenceType.S250_PLUS)
    if recall_type == Recall.Type.FTR56:
        if young:
            return [
                "FTR56 is for adults: a young offender's fixed-term recall is FTR14 (sentence under 12 months) or FTR28 (CJA 2003 s.255B(1A))"
            ]
        return []
    legal = "FTR14" if sentence.under_12_months else "FTR28"
    if recall_type != legal:
        term = "less than 12 months" if legal == "FTR14" else "12 months or more"
        return [f"The sentence is {term}, so a 14- or 28-day recall is {legal}, not {recall_type} (002 §5)"]
    if not young and recalled_on is not None and recalled_on >= FTR56_FROM:
        return [
            "Adults recalled from 31 March 2026 serve 56 days: select FTR56, or standard recall "
            "(Sentencing Act 2026 s.32, CJA 2003 s.255BA)"
        ]
    return []


def recall_record(
    *,
    acting_user: User,
    sentence: Sentence,
    recalled_at: datetime.datetime,
    reason: str,
    recall_type: str = "",
    returned_to_custody_on: datetime.date | None = None,
    kind: str | None = None,
) -> Recall:
    """Recall to custody from licence, of the type the prison recorded (FTR56, FTR14, FTR28 or
    standard; issue 10): a fixed-term recall is released after its days from the return to custody
    (``iomhub.rules.sentence.fixed_term_recall``), never after the sentence and licence expiry
    date; a type that cannot apply to the sentence is refused. The recall report is due 24 hours
    after the recall decision. ``kind="standard"`` is kept for callers written before issue 10; a
    fixed-term recall must give its ``recall_type`` (it is not guessed)."""
    from iomhub.rules import sentence as rules

    if not recall_type and kind == Recall.Kind.STANDARD:
        recall_type = Recall.Type.STANDARD
    person = sentence.person
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    reason = " ".join(str(reason or "").split())
    if not reason:
        errors["reason"] = ["Enter the reason for recall"]
    elif len(reason) > 2000:
        errors["reason"] = ["The reason must be 2000 characters or fewer"]
    if not isinstance(recalled_at, datetime.datetime):
        errors["recalled_at"] = ["Enter the date of the recall decision"]
        recalled_on = None
    else:
        recalled_on = timezone.localdate(recalled_at) if timezone.is_aware(recalled_at) else recalled_at.date()
    type_errors = _recall_type_errors(sentence, recall_type, recalled_on)
    if type_errors:
        errors["recall_type"] = type_errors
    release = sentence.effective("release_date")
    sled = sentence.effective("expiry_date")
    if sentence.release_type == "ARD" and not sentence.override_expiry_date:
        errors["recalled_at"] = ["This sentence has no licence (released without licence), so there is nothing to recall on"]
    elif release is None or sled is None:
        errors["recalled_at"] = ["The sentence has no release and expiry dates: enter the prison's dates first"]
    elif recalled_on is not None:
        if recalled_on < release:
            errors["recalled_at"] = [f"The recall must be on or after release on licence ({release:%-d %B %Y})"]
        elif recalled_on > sled:
            errors["recalled_at"] = [f"The licence ended on {sled:%-d %B %Y}: there is nothing to recall on after that"]
        elif recalled_on > clock.today():
            errors["recalled_at"] = ["The recall decision must be today or in the past"]
    if returned_to_custody_on is not None and recalled_on is not None and returned_to_custody_on < recalled_on:
        errors["returned_to_custody_on"] = ["The return to custody must be on or after the recall"]
    if returned_to_custody_on is not None and sled is not None and returned_to_custody_on > sled:
        errors["returned_to_custody_on"] = [f"The return to custody must be on or before the licence expiry ({sled:%-d %B %Y})"]
    if errors:
        raise ValidationError(errors)
    assert isinstance(recalled_at, datetime.datetime) and sled is not None
    fixed = recall_type != Recall.Type.STANDARD
    recall = Recall(
        person=person,
        sentence=sentence,
        kind=Recall.Kind.FIXED_TERM if fixed else Recall.Kind.STANDARD,
        recall_type=recall_type,
        recalled_at=recalled_at,
        report_due_at=recalled_at + datetime.timedelta(hours=RECALL_REPORT_HOURS),
        returned_to_custody_on=returned_to_custody_on,
        reason=reason,
    )
    breakdown = [f"recall report due {RECALL_REPORT_HOURS} hours after the recall decision"]
    if fixed:
        recall.recall_days = rules.RECALL_DAYS[recall_type]
        if returned_to_custody_on is not None:
            length = sentence.length_days or (sled - sentence.sentenced_on).days + 1
            dates = rules.fixed_term_recall(
                recall_type=recall_type,
                returned_to_custody_on=returned_to_custody_on,
                sled=sled,
                sentence_length_days=length,
                revoked_on=recalled_on,
            )
            recall.release_date = dates.release_date
            breakdown += list(dates.breakdown)
        else:
            breakdown.append(f"{recall_type}: {recall.recall_days} days from the return to custody, once it is recorded")
    else:
        breakdown.append(
            "standard recall: held until the Parole Board or the Secretary of State releases, at the latest the licence expiry"
        )
    recall.breakdown = breakdown
    with transaction.atomic():
        recall.save()
        _record(
            acting_user,
            "recall",
            recall,
            person,
            {},
            {
                "sentence": sentence.pk,
                "kind": recall.kind,
                "recall_type": recall_type,
                "recalled_at": recalled_at.isoformat(),
                "returned_to_custody_on": returned_to_custody_on,
                "recall_days": recall.recall_days,
                "release_date": recall.release_date,
                "reason": reason,
            },
        )
    return recall


def pss_breach_record(
    *,
    acting_user: User,
    sentence: Sentence,
    heard_on: datetime.date,
    outcome: str,
    fine_pounds: int | None = None,
    committal_days: int | None = None,
    unpaid_work_hours: int | None = None,
    curfew_days: int | None = None,
) -> PssBreach:
    """The magistrates' court's decision on a breach of post-sentence supervision, validated
    against the limits of 002 §5 (ORA 2014 s.256AC)."""
    person = sentence.person
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    tused = sentence.effective("tused")
    release = sentence.effective("release_date")
    if tused is None:
        errors["outcome"] = ["This sentence has no post-sentence supervision, so it cannot be breached"]
    _check_date(errors, "heard_on", heard_on, "date of the hearing", person)
    if "heard_on" not in errors and release is not None and heard_on < release:
        errors["heard_on"] = [f"The hearing must be after release ({release:%-d %B %Y})"]
    if outcome not in PssBreach.Outcome.values:
        errors["outcome"] = ["Select the court's decision"]
    amounts = {
        "fine_pounds": fine_pounds,
        "committal_days": committal_days,
        "unpaid_work_hours": unpaid_work_hours,
        "curfew_days": curfew_days,
    }
    needed = {
        PssBreach.Outcome.FINE: "fine_pounds",
        PssBreach.Outcome.COMMITTAL: "committal_days",
        PssBreach.Outcome.SDO_UNPAID_WORK: "unpaid_work_hours",
        PssBreach.Outcome.SDO_CURFEW: "curfew_days",
    }.get(outcome)  # type: ignore[call-overload]
    for name, value in amounts.items():
        if name != needed and value is not None:
            errors[name] = ["Only enter this for the sanction the court imposed (the court imposes one sanction at a time)"]
    if needed is not None:
        value = amounts[needed]
        if value is None:
            errors[needed] = [
                "Enter the "
                + {
                    "fine_pounds": "amount of the fine",
                    "committal_days": "days of committal",
                    "unpaid_work_hours": "hours of unpaid work",
                    "curfew_days": "days of curfew",
                }[needed]
            ]
        elif needed == "fine_pounds" and not 1 <= value <= PSS_FINE_LIMIT_POUNDS:
            errors[needed] = [f"A fine for breach of supervision must be between £1 and £{PSS_FINE_LIMIT_POUNDS:,} (level 3, 002 §5)"]
        elif needed == "committal_days" and not 1 <= value <= PSS_COMMITTAL_LIMIT_DAYS:
            errors[needed] = [f"Committal for breach of supervision must be between 1 and {PSS_COMMITTAL_LIMIT_DAYS} days (002 §5)"]
        elif needed == "unpaid_work_hours" and not PSS_UNPAID_WORK_HOURS[0] <= value <= PSS_UNPAID_WORK_HOURS[1]:
            low, high = PSS_UNPAID_WORK_HOURS
            errors[needed] = [f"A supervision default order of unpaid work must be between {low} and {high} hours (002 §5)"]
        elif needed == "curfew_days":
            if value < PSS_CURFEW_MINIMUM_DAYS:
                errors[needed] = [f"A supervision default order curfew must be at least {PSS_CURFEW_MINIMUM_DAYS} days (002 §5)"]
            elif (
                tused is not None
                and "heard_on" not in errors
                and isinstance(heard_on, datetime.date)
                and heard_on + datetime.timedelta(days=value - 1) > tused
            ):
                errors[needed] = [f"The curfew cannot run beyond the end of post-sentence supervision ({tused:%-d %B %Y}, 002 §5)"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        breach = PssBreach.objects.create(person=person, sentence=sentence, heard_on=heard_on, outcome=outcome, **amounts)
        _record(
            acting_user, "pss-breach", breach, person, {}, {"sentence": sentence.pk, "heard_on": heard_on, "outcome": outcome, **amounts}
        )
    return breach


class StaleConditions(ValidationError):
    """Someone else changed the conditions since the form was opened."""


def _has_licence(sentence: Sentence) -> bool | None:
    """True if released on licence, False if released without one (ARD), None if the dates are
    not known (neither calculated nor entered by the prison)."""
    if sentence.release_type == "ARD" and not sentence.override_expiry_date:
        return False
    if sentence.effective("release_date") is None or sentence.effective("expiry_date") is None:
        return None
    return True


def conditions_set(
    *,
    acting_user: User,
    sentence: Sentence,
    set_on: datetime.date,
    licence_standard: Sequence[str] = (),
    licence_additional: Sequence[str] = (),
    additional_wording: str = "",
    pss_requirements: Sequence[str] = (),
    drug_test_criteria_met: bool = False,
    expected_version: int | None = None,
) -> SupervisionConditions:
    """Record (or vary) the licence conditions and supervision requirements of ``sentence`` as the
    governor of the releasing prison set them (issue 4 §4; 002 §5). Refused by field, storing
    nothing: every standard condition on a licence (they are given to everyone), wording for
    additional conditions, supervision requirements only where the sentence has post-sentence
    supervision and only from the list of 002 §5, and drug testing only where the criteria are met."""
    person = sentence.person
    authorise_change(acting_user, person)
    errors: dict[str, list[str]] = {}
    _check_date(errors, "set_on", set_on, "date the conditions were set", person)
    if "set_on" not in errors and set_on < sentence.sentenced_on:
        errors["set_on"] = [f"The conditions must be set on or after the date of sentence ({sentence.sentenced_on:%-d %B %Y})"]
    standard = list(dict.fromkeys(licence_standard))
    additional = list(dict.fromkeys(licence_additional))
    pss = list(dict.fromkeys(pss_requirements))
    for name, chosen, allowed, what in (
        ("licence_standard", standard, LicenceCondition.values, "standard licence condition"),
        ("licence_additional", additional, AdditionalCondition.values, "additional licence condition"),
        ("pss_requirements", pss, PssRequirement.values, "post-sentence supervision requirement"),
    ):
        bad = [c for c in chosen if c not in allowed]
        if bad:
            extra = " (additional licence conditions are not available for supervision, 002 §5)" if name == "pss_requirements" else ""
            errors[name] = [f"Unknown {what}: {', '.join(map(str, bad))}{extra}"]
    wording = " ".join(str(additional_wording or "").split())
    has_licence = _has_licence(sentence)
    if (standard or additional) and has_licence is False:
        errors["licence_standard"] = ["This sentence has no licence (released without licence), so it has no licence conditions"]
    elif (standard or additional) and has_licence is None:
        errors["licence_standard"] = ["The sentence has no release and expiry dates: enter the prison's dates first"]
    elif (standard or additional) and "licence_standard" not in errors:
        missing = [LicenceCondition(c).label for c in LicenceCondition.values if c not in standard]
        if missing:
            errors["licence_standard"] = [
                "The standard licence conditions are given to everyone on licence (002 §5): select all of them. Missing: "
                + "; ".join(missing)
            ]
    if pss and sentence.effective("tused") is None:
        errors["pss_requirements"] = ["This sentence has no post-sentence supervision, so it has no supervision requirements"]
    non_drug = [c for c in additional if c not in {"drug-testing", "drug-appointments"}]
    if non_drug and not wording:
        errors["additional_wording"] = ["Enter the wording of the additional licence conditions, as the licence gives it"]
    elif wording and not non_drug:
        errors["additional_wording"] = ["Only enter wording when an additional condition (other than the drug conditions) is selected"]
    elif len(wording) > 4000:
        errors["additional_wording"] = ["The wording must be 4000 characters or fewer"]
    elif "\x00" in wording:
        errors["additional_wording"] = ["The wording must not contain null characters"]
    drug_testing = "drug-testing" in additional or "drug-testing" in pss
    if drug_testing and not drug_test_criteria_met:
        errors["drug_test_criteria_met"] = [
            "Drug testing needs the criteria of 002 §5: confirm the person has a propensity to misuse Class A or B drugs "
            "that caused or contributed to an offence, or is likely to cause or contribute to further offences"
        ]
    elif drug_test_criteria_met and not drug_testing:
        errors["drug_test_criteria_met"] = ["Only confirm the drug-testing criteria when drug testing is a condition"]
    if not (standard or additional or pss) and not errors:
        errors["licence_standard"] = ["Select the licence conditions or supervision requirements the governor set"]
    if errors:
        raise ValidationError(errors)
    after = {
        "set_on": set_on,
        "licence_standard": standard,
        "licence_additional": additional,
        "additional_wording": wording,
        "pss_requirements": pss,
        "drug_test_criteria_met": bool(drug_test_criteria_met),
    }
    with transaction.atomic():
        Sentence.objects.select_for_update().get(pk=sentence.pk)  # one writer at a time per sentence
        current = SupervisionConditions.objects.filter(sentence=sentence).first()
        if expected_version is not None and (current.version if current else 0) != expected_version:
            raise StaleConditions(
                "Someone else changed these conditions while you were editing them. Your changes have not been saved: reload and try again."
            )
        before = {name: getattr(current, name) for name in after} if current else {}
        if current is None:
            current = SupervisionConditions(person=person, sentence=sentence, version=1, **after)
        else:
            for name, value in after.items():
                setattr(current, name, value)
            current.version += 1
        current.updated_by = acting_user
        current.save()
        _record(acting_user, "supervision-conditions", current, person, before, {**after, "sentence": sentence.pk} if not before else after)
    return current
