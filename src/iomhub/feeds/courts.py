"""The court outcomes feed (issue 11 §1; ``docs/feeds/court-outcomes.md``): one row per offence
disposed of, recorded as the offence (``justice.services.offence_record``) and its court outcome
(``justice.services.court_outcome_record``), so community order requirements such as DRR, ATR and
RAR reach the record as if keyed on the Justice tab (000 §6; 002 §5). Natural key: person +
date of conviction + court + offence code + offence date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from iomhub.feeds.records import Written, record_once
from iomhub.feeds.rows import (
    IDENTITY_MAX_LENGTH,
    FeedRow,
    Identity,
    RowFaults,
    choice,
    event_date,
    offence_code,
    text_key,
    whole_number,
)
from iomhub.feeds.spec import Checked, FeedSpec
from iomhub.justice.models import Disposal, Requirement
from iomhub.justice.services import court_outcome_record, offence_record

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.feeds.linkage import Link
    from iomhub.feeds.models import ImportRun
    from iomhub.people.models import Person

COLUMNS = (
    "pnc_id",
    "family_name",
    "given_name",
    "date_of_birth",
    "court",
    "decided_on",
    "offence_code",
    "offence_date",
    "disposal",
    "requirements",
    "fine_pounds",
)
DISPOSALS = {
    **{d.label.lower(): str(d.value) for d in Disposal},
    **{str(d.value): str(d.value) for d in Disposal},
    "custody": str(Disposal.CUSTODY),
    "imprisonment": str(Disposal.CUSTODY),
    "sso": str(Disposal.SUSPENDED),
    "suspended sentence": str(Disposal.SUSPENDED),
    "co": str(Disposal.COMMUNITY),
}
DISPOSAL_WORDING = ", ".join(str(d.label) for d in Disposal)
REQUIREMENTS = {
    **{str(r.value): str(r.value) for r in Requirement},
    **{r.label.lower(): str(r.value) for r in Requirement},
    "unpaid work": str(Requirement.UNPAID_WORK),
    "curfew": str(Requirement.CURFEW),
    "mental health": str(Requirement.MENTAL_HEALTH),
    "programme": str(Requirement.PROGRAMME),
}
REQUIREMENT_WORDING = "DRR, ATR, RAR, Unpaid work, Curfew, Mental health or Programme, separated by ;"
MAX_FINE_POUNDS = 10_000_000


def _requirements(clean: dict[str, str], found: RowFaults) -> list[str]:
    found.at = "requirements"
    found_values = []
    for part in (p.strip() for p in clean.get("requirements", "").split(";")):
        if not part:
            continue
        value = REQUIREMENTS.get(" ".join(part.split()).lower())
        if value is None:
            found.add("requirements", f"{part!r} is not a requirement: use {REQUIREMENT_WORDING}")
        elif value not in found_values:
            found_values.append(value)
    found.at = ""
    return sorted(found_values)


def _fine(clean: dict[str, str], found: RowFaults) -> int | None:
    """Whole pounds, from £1 to £10,000,000 (``£`` and ``,`` allowed), read by ``rows.whole_number``:
    "²", "٣٠٠", "12.50", "NaN" or "1e3" is the row's fault, named, never a number or a crash."""
    text = clean.get("fine_pounds", "").replace(",", "").removeprefix("£")
    if not text:
        return None
    found.at = "fine_pounds"
    pounds, why = whole_number(text, minimum=1, maximum=MAX_FINE_POUNDS)
    if pounds is None:
        found.add("fine_pounds", f"{clean['fine_pounds']!r} is not an amount in whole pounds: {why}")
    found.at = ""
    return pounds


def check(clean: dict[str, str], found: RowFaults, who: Identity | None, catalogue: frozenset[str]) -> Checked | None:
    decided_on = event_date(clean, "decided_on", found, who)
    committed_on = event_date(clean, "offence_date", found, who)
    if decided_on and committed_on and committed_on > decided_on:
        found.add("offence_date", "The offence date must be on or before the date of conviction")
    code = offence_code(clean, "offence_code", found, catalogue)
    disposal = choice(clean, "disposal", found, DISPOSALS, DISPOSAL_WORDING)
    requirements = _requirements(clean, found)
    fine = _fine(clean, found)
    if found.faults or decided_on is None or committed_on is None:
        return None
    court = " ".join(clean["court"].split())
    key = (decided_on.isoformat(), text_key(court), code, committed_on.isoformat())
    facts = {
        "decided_on": decided_on,
        "court": court,
        "code": code,
        "committed_on": committed_on,
        "disposal": disposal,
        "requirements": requirements,
        "fine_pounds": fine,
    }
    fingerprint = (Disposal(disposal).label, *(Requirement(r).label for r in requirements), *([f"£{fine}"] if fine else []))
    return key, facts, fingerprint


def record(row: FeedRow, link: Link, run: ImportRun, acting_user: User) -> bool:
    facts = row.facts

    def write(person: Person) -> Written:
        offence = offence_record(acting_user=acting_user, person=person, code=facts["code"], committed_on=facts["committed_on"])
        outcome = court_outcome_record(
            acting_user=acting_user,
            person=person,
            decided_on=facts["decided_on"],
            disposal=facts["disposal"],
            court=facts["court"],
            requirements=facts["requirements"],
            fine_pounds=facts["fine_pounds"],
            offence_ids=[offence.pk],
        )
        return Written(outcome.pk)

    return record_once(row, link, run, object_type="court-outcome", column="disposal", write=write)


SPEC = FeedSpec(
    feed="court-outcomes",
    title="court outcomes",
    doc="docs/feeds/court-outcomes.md",
    columns=COLUMNS,
    may_be_blank=frozenset({"pnc_id", "requirements", "fine_pounds"}),
    max_length={
        **IDENTITY_MAX_LENGTH,
        "court": 200,
        "decided_on": 10,
        "offence_code": 10,
        "offence_date": 10,
        "disposal": 40,
        "requirements": 200,
        "fine_pounds": 12,
    },
    dates=frozenset({"date_of_birth", "decided_on", "offence_date"}),
    check=check,
    record=record,
    service_columns={
        "decided_on": "decided_on",
        "court": "court",
        "disposal": "disposal",
        "requirements": "requirements",
        "fine_pounds": "fine_pounds",
        "code": "offence_code",
        "committed_on": "offence_date",
    },
    duplicate_words="the same person, date of conviction, court, offence and offence date",
    help_text="Convictions and cautions from the courts, one row per offence disposed of.",
)
