"""Sentences and their dates (``iomhub.rules.sentence``; ADR 0011), the rules-update recompute and the
prison's own calculation entered as an override."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.models import AuditAction, Section
from iomhub.justice import screening_table
from iomhub.justice.models import (
    COUNT_LIMITS,
    DATE_FIELDS,
    CourtOutcome,
    Offence,
    ProgressionModelExclusion,
    Sentence,
    SentenceType,
)
from iomhub.justice.services._common import audit_write, authorise_change, check_date, check_text
from iomhub.rules.date_windows import Term, latest_release_served_with, latest_supervision
from iomhub.rules.dates import whole_years_between
from iomhub.validation import not_after, text_direction_errors

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person


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
    check_date(errors, "sentenced_on", sentenced_on, "date of sentence", person)
    check_date(errors, "offence_committed_on", offence_committed_on, "offence date", person)
    prison = check_text(errors, "prison", prison, "prison", required=False)
    counts = {"years": years, "months": months, "weeks": weeks, "days": days, "remand_days": remand_days}
    _check_counts(errors, {**counts, "tagged_bail_days": tagged_bail_days, "unlawfully_at_large_days": unlawfully_at_large_days})
    _check_kind(errors, person, sentence_type, offence_committed_on, progression_model_exclusion)
    _check_own(errors, person, court_outcome=court_outcome, offence=offence)
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
        audit_write(acting_user, "sentence", sentence, person, {}, _sentence_snapshot(sentence))
        screening_table.refresh([person.pk])
    return sentence


def _check_own(errors: dict[str, list[str]], person: Person, **records: CourtOutcome | Offence | None) -> None:
    for name, obj in records.items():
        if obj is not None and obj.person_id != person.pk:
            errors[name] = ["Select one of this person's records"]


def _check_counts(errors: dict[str, list[str]], counts: dict[str, Any]) -> None:
    """The sentence's length and the days credited or added: whole numbers from 0 to their limit."""
    for name, value in counts.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[name] = ["Enter a whole number, 0 or more"]
        elif value > COUNT_LIMITS[name]:
            errors[name] = [f"Enter a number no larger than {COUNT_LIMITS[name]}"]


def _check_kind(
    errors: dict[str, list[str]], person: Person, sentence_type: str, offence_committed_on: datetime.date, progression_model_exclusion: str
) -> None:
    """The type of sentence (s.250/s.91 detention only for an offence under 18) and its progression-model exclusion."""
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
            screening_table.refresh([sentence.person_id])
        counts["changed"] += 1
    return counts


OVERRIDE_FIELDS = tuple(override for _, override in DATE_FIELDS)
OVERRIDE_LABELS = {
    "override_release_date": "the release date",
    "override_expiry_date": "the sentence and licence expiry date",
    "override_tused": "the top-up supervision expiry date",
    "override_hdced": "the HDC eligibility date",
}


def _check_within_sentence(errors: dict[str, list[str]], sentence: Sentence, values: dict[str, datetime.date | None]) -> None:
    """The prison's dates bounded by the sentence (``rules.date_windows.latest_release_served_with``):
    release, HDC and expiry on or before the sentence's last day plus its days unlawfully at large,
    or the end of the person's other sentences on record served back to back with it when later;
    top-up supervision 12 months after that. Whatever the source (the override page, the API, the prison
    release feed), the same message on the same field. A date already on record and sent again
    unchanged is not checked again (the feed re-sends the overrides it leaves in force)."""
    fields = ("sentenced_on", "years", "months", "weeks", "days", "unlawfully_at_large_days")
    term = Term(**{name: getattr(sentence, name) for name in fields})
    others = [Term(**row) for row in Sentence.objects.filter(person_id=sentence.person_id).exclude(pk=sentence.pk).values(*fields)]
    latest = latest_release_served_with(term, others)
    end = "the end of the sentence"
    if latest > latest_release_served_with(term):
        end = "the end of this person's sentences on record served one after another"
    elif sentence.unlawfully_at_large_days:
        end += f" with its {sentence.unlawfully_at_large_days} days unlawfully at large"
    for name, value in values.items():
        field = name.removeprefix("override_")
        if value is None or field in errors or value == getattr(sentence, name):
            continue
        if name == "override_tused":
            not_after(errors, field, value, OVERRIDE_LABELS[name], latest_supervision(latest), f"12 months after {end}")
        else:
            not_after(errors, field, value, OVERRIDE_LABELS[name], latest, end)


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
    _check_within_sentence(errors, sentence, values)
    text_direction_errors(errors, {"reason": (reason, "the reason")})
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
