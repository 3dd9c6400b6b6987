"""Home detention curfew eligibility (CJA 2003 s.246) for a determinate sentence.

Window 135 days before 6 June 2023, 180 days from then (SI 2023/390), 365 days from 3 June 2025
(SI 2024/1331); requisite custodial period at least 6 weeks; HDC = sentence date + max(28,
ceil(release days / 2)) - credit below the window's midpoint, else release date - (window - 1)
days, never within 14 days of sentence. Sentencing Act 2026 s.26: the Ministry of Justice's service
drops an adult HDC date on or after 2 September 2026 (reference/release-dates-2026.md §2.3,
`HdcedExtractionService.kt` L91-99). Which sentences have no HDC at all is decided by
``iomhub.rules.sentence``.
"""

from __future__ import annotations

import datetime
import math

HDC_180_COMMENCEMENT = datetime.date(2023, 6, 6)
HDC_365_COMMENCEMENT = datetime.date(2025, 6, 3)
HDC_MINIMUM_RELEASE_DAYS = 42
HDC_MINIMUM_DAYS_BEFORE_RELEASE = 14
# The service's "clean stop" of adult HDC (SA 2026 s.26; the reference §2.3, ImportantDates.kt L24).
HDC_CLEAN_STOP = datetime.date(2026, 9, 2)


def hdc_window(sentence_date: datetime.date) -> int:
    if sentence_date >= HDC_365_COMMENCEMENT:
        return 365
    if sentence_date >= HDC_180_COMMENCEMENT:
        return 180
    return 135


def hdc_date(
    sentenced_on: datetime.date,
    standard: datetime.date,
    release: datetime.date,
    release_days: int,
    net_credit: int,
    refusal: str | None,
    *,
    youth: bool,
    breakdown: list[str],
) -> datetime.date | None:
    """The HDC eligibility date, or None with the reason added to ``breakdown``. ``standard`` is the
    release date before the progression model; ``net_credit`` remand and tagged bail less days
    unlawfully at large; ``refusal`` why the sentence has no HDC at all, if it has none."""
    window = hdc_window(sentenced_on)
    hdc_no = refusal
    hdced = None
    if hdc_no is None:
        if release_days < 2 * window:
            candidate = sentenced_on + datetime.timedelta(days=max(28, math.ceil(release_days / 2)) - net_credit)
            rule = f"half the custodial period (at least 28 days), {window}-day window"
        else:
            candidate = standard - datetime.timedelta(days=window - 1)
            rule = f"{window} days before release"
        earliest = sentenced_on + datetime.timedelta(days=HDC_MINIMUM_DAYS_BEFORE_RELEASE)
        candidate = max(candidate, earliest)
        if (standard - sentenced_on).days < HDC_MINIMUM_DAYS_BEFORE_RELEASE:
            hdc_no = "released within 14 days of sentence"
        elif not youth and candidate >= HDC_CLEAN_STOP:
            hdc_no = (
                "adult HDC ended (SA 2026 s.26): the Ministry of Justice's service drops an adult HDC date on or after "
                f"{HDC_CLEAN_STOP} (HdcedExtractionService.kt L91-99)"
            )
        else:
            hdced = candidate
            _eligible(breakdown, rule, candidate == earliest, window, release)
    if hdc_no:
        breakdown.append(f"no HDC: {hdc_no}")
    return hdced


def _eligible(breakdown: list[str], rule: str, at_earliest: bool, window: int, release: datetime.date) -> None:
    breakdown.append(f"HDC eligibility: {rule} (CJA 2003 s.246)")
    if at_earliest:
        breakdown.append("HDC eligibility no earlier than 14 days after sentence")
    later = [d for d, w in ((HDC_180_COMMENCEMENT, 180), (HDC_365_COMMENCEMENT, 365)) if w > window and release >= d]
    if later:
        breakdown.append(
            f"HDC window of {window} days in force on the sentence date; a longer window began on {later[-1]}"
            " before this release, so the prison's HDC date may be earlier - check it"
        )
