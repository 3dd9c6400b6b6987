"""The prison releases feed (issue 11 §1; ``docs/feeds/releases.md``): the prisons' "anticipated
release dates" (002 §4), so the live list prompt (12 weeks before release, 002 §2) and the
caseload's release prompts work from the prison's own date.

A row is about someone already on IOM Hub (a release creates nobody: it means nothing without the
sentence). Linked by prison number first, then PNC ID, then exact name and date of birth. It is
written through the record's own services:

- the prison number goes on the person's identifiers (``people.services.person_update``) when they
  have none; a different one on record refuses the row (a person corrects it);
- the expected release date is the prison's calculation on the person's latest sentence passed on
  or before it, entered as the sentence's release date override with the release type, prison and
  file as the reason (``justice.services.sentence_override``: the prison's date wins, the computed
  one stays beside it). Other overrides already entered are kept. No sentence on record refuses the
  row: record the sentence, then import again.

Natural key: person + prison number + expected release date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from iomhub.feeds.records import Written, record_once
from iomhub.feeds.rows import IDENTITY_MAX_LENGTH, FeedRow, Identity, RowFaults, choice, event_date
from iomhub.feeds.spec import Checked, FeedSpec
from iomhub.justice.models import Sentence
from iomhub.justice.services import sentence_override
from iomhub.people.services import person_update

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.feeds.linkage import Link
    from iomhub.feeds.models import ImportRun
    from iomhub.people.models import Person

COLUMNS = (
    "prison_number",
    "pnc_id",
    "family_name",
    "given_name",
    "date_of_birth",
    "prison",
    "expected_release_date",
    "release_type",
)
RELEASE_TYPES = {
    "CRD": "conditional release (CRD)",
    "ARD": "automatic release (ARD)",
    "HDC": "home detention curfew (HDC)",
    "PAR": "parole (PAR)",
    "SED": "end of sentence (SED)",
}
_WORDS = {
    **{code.lower(): code for code in RELEASE_TYPES},
    "conditional release": "CRD",
    "automatic release": "ARD",
    "home detention curfew": "HDC",
    "parole": "PAR",
    "end of sentence": "SED",
    "sentence expiry": "SED",
}
RELEASE_WORDING = "CRD, ARD, HDC, PAR (parole) or SED (end of sentence)"


def check(clean: dict[str, str], found: RowFaults, who: Identity | None, catalogue: frozenset[str]) -> Checked | None:
    expected = event_date(clean, "expected_release_date", found, who, future=True)
    release_type = choice(clean, "release_type", found, _WORDS, RELEASE_WORDING)
    if found.faults or expected is None or who is None:
        return None
    prison = " ".join(clean["prison"].split())
    facts = {"prison": prison, "expected": expected, "release_type": release_type}
    return (who.prison_number, expected.isoformat()), facts, (release_type, prison)


def _sentence_for(person: Person, row: FeedRow) -> Sentence:
    sentence = Sentence.objects.filter(person=person, sentenced_on__lte=row.facts["expected"]).order_by("sentenced_on", "id").last()
    if sentence is None:
        raise ValidationError(
            {
                "release_date": [
                    "No sentence passed on or before this date is recorded for this person on IOM Hub: "
                    "record the sentence on their Justice tab, then import the file again"
                ]
            }
        )
    return sentence


def record(row: FeedRow, link: Link, run: ImportRun, acting_user: User) -> bool:
    facts = row.facts
    number = row.identity.prison_number

    def write(person: Person) -> Written:
        if person.prison_number and person.prison_number != number:
            raise ValidationError({"prison_number": [f"The record holds the prison number {person.prison_number}; the file says {number}"]})
        if not person.prison_number:
            person = person_update(acting_user=acting_user, person=person, changes={"prison_number": number})
        sentence = _sentence_for(person, row)
        reason = (
            f"Prison release feed ({run.file_name}, line {row.line}): {RELEASE_TYPES[facts['release_type']]} "
            f"expected on {facts['expected']:%-d %B %Y} from {facts['prison']}, prison number {number}"
        )
        written = sentence_override(
            acting_user=acting_user,
            sentence=sentence,
            reason=reason[:1000],
            release_date=facts["expected"],
            expiry_date=sentence.override_expiry_date,
            tused=sentence.override_tused,
            hdced=sentence.override_hdced,
        )
        return Written(sentence.pk, written.overridden_at)  # the override in force is this row's while the sentence holds this time

    return record_once(row, link, run, object_type="sentence-override", column="release_type", write=write)


SPEC = FeedSpec(
    feed="releases",
    title="prison releases",
    doc="docs/feeds/releases.md",
    columns=COLUMNS,
    may_be_blank=frozenset({"pnc_id"}),
    max_length={**IDENTITY_MAX_LENGTH, "prison": 200, "expected_release_date": 10, "release_type": 40},
    dates=frozenset({"date_of_birth", "expected_release_date"}),
    check=check,
    record=record,
    service_columns={
        "release_date": "expected_release_date",
        "reason": "",
        "prison_number": "prison_number",
    },
    duplicate_words="the same person, prison number and expected release date",
    creates_people=False,
    help_text="Anticipated release dates from the prisons (002 §4), for people already on IOM Hub.",
)
