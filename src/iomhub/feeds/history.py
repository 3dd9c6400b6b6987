"""The offending history feed (issue 11 §1; ``docs/feeds/offending-history.md``): a person's past
offences (a PNC print, a force's records), each recorded once through
``justice.services.offence_record``, so screening's offence counts (002 §2) read them as if keyed
on the Justice tab. Natural key: person + offence code + offence date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from iomhub.feeds.records import Written, record_once
from iomhub.feeds.rows import IDENTITY_MAX_LENGTH, FeedRow, Identity, RowFaults, event_date, offence_code
from iomhub.feeds.spec import Checked, FeedSpec
from iomhub.justice.services import offence_record

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.feeds.linkage import Link
    from iomhub.feeds.models import ImportRun
    from iomhub.people.models import Person

COLUMNS = ("pnc_id", "family_name", "given_name", "date_of_birth", "offence_code", "offence_date")


def check(clean: dict[str, str], found: RowFaults, who: Identity | None, catalogue: frozenset[str]) -> Checked | None:
    committed_on = event_date(clean, "offence_date", found, who)
    code = offence_code(clean, "offence_code", found, catalogue)
    if found.faults or committed_on is None:
        return None
    return (code, committed_on.isoformat()), {"code": code, "committed_on": committed_on}, ()


def record(row: FeedRow, link: Link, run: ImportRun, acting_user: User) -> bool:
    def write(person: Person) -> Written:
        offence = offence_record(acting_user=acting_user, person=person, code=row.facts["code"], committed_on=row.facts["committed_on"])
        return Written(offence.pk)

    return record_once(row, link, run, object_type="offence", column="offence_code", write=write)


SPEC = FeedSpec(
    feed="offending-history",
    title="offending history",
    doc="docs/feeds/offending-history.md",
    columns=COLUMNS,
    may_be_blank=frozenset({"pnc_id"}),
    max_length={**IDENTITY_MAX_LENGTH, "offence_code": 10, "offence_date": 10},
    dates=frozenset({"date_of_birth", "offence_date"}),
    check=check,
    record=record,
    service_columns={"code": "offence_code", "committed_on": "offence_date"},
    duplicate_words="the same person, offence and offence date",
    help_text="Past offences (a PNC print or a force's records), one row per offence.",
)
