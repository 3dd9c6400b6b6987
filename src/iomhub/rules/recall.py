"""Fixed-term recall: the release date of a person recalled to custody on licence.

Sources: seed 002 §5 (fixed-term recall 14 days under 12 months, 28 days otherwise, for young
offenders: CJA 2003 s.255B(1A)); Sentencing Act 2026 s.31-33 (new s.255BA): adults on fixed-term
recall serve 56 days from the return to custody; recalls returned by 31 March 2026 move over in six
tranches (reference/release-dates-2026.md §2.2: `application-calculation-params.yml` L53-88,
`SentenceCalculation.kt` L88-118).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from iomhub.rules.dates import require_date, require_int
from iomhub.rules.sentence import REFERENCE, tranche

# Fixed-term recall of 56 days for adults (SA 2026 s.32, CJA s.255BA), and its six tranches for
# recalls returned to custody by 31 March 2026 (the reference §2.2).
FTR56_COMMENCEMENT = datetime.date(2026, 3, 31)
FTR56_TRANCHES: tuple[tuple[int | None, datetime.date], ...] = (
    (1701, datetime.date(2026, 3, 31)),
    (2128, datetime.date(2026, 4, 14)),
    (2576, datetime.date(2026, 4, 21)),
    (3304, datetime.date(2026, 4, 28)),
    (4438, datetime.date(2026, 5, 5)),
    (None, datetime.date(2026, 5, 12)),
)
RECALL_TYPES = ("FTR14", "FTR28", "FTR56")
RECALL_DAYS = {"FTR14": 14, "FTR28": 28, "FTR56": 56}


def ftr56_tranche(*, sentence_length_days: int) -> tuple[int, datetime.date]:
    """The FTR56 tranche of a recall returned to custody by 31 March 2026 (the reference §2.2:
    `application-calculation-params.yml` L53-88): (tranche number, tranche date)."""
    return tranche(require_int("sentence_length_days", sentence_length_days, minimum=1), FTR56_TRANCHES)


@dataclass(frozen=True, slots=True)
class RecallDates:
    recall_type: str
    recall_days: int
    release_date: datetime.date
    breakdown: tuple[str, ...]


def fixed_term_recall(
    *,
    recall_type: str,
    returned_to_custody_on: datetime.date,
    sled: datetime.date,
    sentence_length_days: int,
    revoked_on: datetime.date | None = None,
) -> RecallDates:
    """Fixed-term recall: FTR14 and FTR28 (young offenders, CJA 2003 s.255B(1A); 002 §5) and FTR56
    (adults, Sentencing Act 2026 s.32, new CJA s.255BA: "the period of 56 days beginning with the
    day on which P returns to custody"). The day of return counts as day 1. An FTR56 recall returned
    to custody by 31 March 2026 (licence not revoked on that day) is not released before its
    tranche date, by the length of the recalled sentence (the reference §2.2:
    `application-calculation-params.yml` L53-88, `FTR56TrancheSelectionStrategy.kt` L30-46,
    `SentenceCalculation.kt` L88-118). Never released later than the sentence and licence expiry
    date. Which type applies is decided by the caller (the service records it; CRDS validates it)."""
    if recall_type not in RECALL_TYPES:
        raise ValueError(f"recall_type must be one of {', '.join(RECALL_TYPES)}, not {recall_type!r}")
    require_date("returned_to_custody_on", returned_to_custody_on)
    require_date("sled", sled)
    require_int("sentence_length_days", sentence_length_days, minimum=1)
    if revoked_on is not None:
        require_date("revoked_on", revoked_on)
        if revoked_on > returned_to_custody_on:
            raise ValueError(f"revoked_on ({revoked_on}) is after returned_to_custody_on ({returned_to_custody_on})")
    if returned_to_custody_on > sled:
        raise ValueError(f"returned_to_custody_on ({returned_to_custody_on}) is after the sled ({sled}): no licence to recall on")
    recall_days = RECALL_DAYS[recall_type]
    release = returned_to_custody_on + datetime.timedelta(days=recall_days - 1)
    if recall_type == "FTR56":
        why = [
            f"{recall_type}: fixed-term recall of 56 days from the return to custody, day 1 the day of return "
            f"(Sentencing Act 2026 s.32, CJA 2003 s.255BA; UnadjustedReleaseDate.kt L95-107; {REFERENCE} §2.2)"
        ]
        if returned_to_custody_on <= FTR56_COMMENCEMENT and revoked_on != FTR56_COMMENCEMENT:
            number, tranche = ftr56_tranche(sentence_length_days=sentence_length_days)
            why.append(
                f"returned to custody by {FTR56_COMMENCEMENT}: FTR56 tranche {number} ({tranche}, sentences of "
                f"{sentence_length_days} days; application-calculation-params.yml L53-88)"
            )
            if release < tranche:
                release = tranche
                why.append(f"release moved to the tranche date {tranche}")
    else:
        why = [
            f"{recall_type}: fixed-term recall of {recall_days} days, day 1 the day of return (young offender, CJA 2003 s.255B(1A); 002 §5)"
        ]
    if release > sled:
        release = sled
        why.append("release capped at the sentence and licence expiry date")
    return RecallDates(recall_type=recall_type, recall_days=recall_days, release_date=release, breakdown=tuple(why))
