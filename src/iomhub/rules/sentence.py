"""Release, licence, sentence-expiry, top-up supervision and HDC dates for a standard determinate
sentence, and fixed-term recall.

Sources:
- Seed 002 §5 (Offender Rehabilitation Act 2014): licence plus post-sentence supervision make
  12 months for sentences of more than 1 day and less than 2 years; fixed-term recall 14 days
  under 12 months, 28 days otherwise.
- CJA 2003 s.243A, s.244 (release at one half), s.256AA (PSS: ends 12 months after release),
  ORA 2014 s.1-2 (in force 1 February 2015, SI 2015/40); SI 2024/844 (SDS40: 40 per cent for
  sentences imposed from 10 September 2024, and for sentences under 5 years already being served
  from that date, 5 years or more from 22 October 2024); s.246 HDC (window 135 days before
  6 June 2023, 180 days from then (SI 2023/390), 365 days from 3 June 2025 (SI 2024/1331);
  requisite custodial period at least 6 weeks; sentences of 4 years or more excluded).
- The method of the Ministry of Justice's calculate-release-dates service (instruments.md §6.2):
  length in days per PSI 5.5; release after ceil(length x fraction) days; release date = sentence
  date + release days - 1 - remand - tagged bail, never before the sentence date; expiry = sentence
  end - remand - tagged bail; HDC = sentence date + max(28, ceil(release days / 2)) - credit below
  the window's midpoint, else release date - (window - 1) days.
Only a single standard determinate sentence (SDS) is calculated; extended, indeterminate,
consecutive or concurrent sentences, DTOs, SDS+ and sentences from 1 October 2026 (when a new
release framework may apply) are refused: "enter the prison's dates".
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from iomhub.rules._dates import add_months, last_day_of_month, require_date, require_int, whole_years_between

ORA_COMMENCEMENT = datetime.date(2015, 2, 1)
SDS40_TRANCHE_1 = datetime.date(2024, 9, 10)
SDS40_TRANCHE_2 = datetime.date(2024, 10, 22)
HDC_180_COMMENCEMENT = datetime.date(2023, 6, 6)
HDC_365_COMMENCEMENT = datetime.date(2025, 6, 3)
UNSUPPORTED_FROM = datetime.date(2026, 10, 1)
HDC_MINIMUM_RELEASE_DAYS = 42
HDC_MINIMUM_DAYS_BEFORE_RELEASE = 14
NOT_SUPPORTED = "not supported — enter the prison's dates"


@dataclass(frozen=True, slots=True)
class SentenceDates:
    length_days: int
    release_type: str
    release_date: datetime.date
    expiry_type: str
    expiry_date: datetime.date
    tused: datetime.date | None
    hdced: datetime.date | None
    breakdown: tuple[str, ...]


def sentence_end(*, sentence_date: datetime.date, years: int = 0, months: int = 0, weeks: int = 0, days: int = 0) -> datetime.date:
    """The last day of the sentence (PSI 5.5 "Converting a sentence into days")."""
    if sentence_date.day == 1 and (years or months):
        end = last_day_of_month(add_months(sentence_date, years * 12 + months - 1))
    else:
        end = add_months(sentence_date - datetime.timedelta(days=1), years * 12 + months)
    return end + datetime.timedelta(weeks=weeks, days=days)


def _hdc_window(sentence_date: datetime.date) -> int:
    if sentence_date >= HDC_365_COMMENCEMENT:
        return 365
    if sentence_date >= HDC_180_COMMENCEMENT:
        return 180
    return 135


def sentence_dates(
    *,
    sentenced_on: datetime.date,
    offence_committed_on: datetime.date,
    date_of_birth: datetime.date,
    years: int = 0,
    months: int = 0,
    weeks: int = 0,
    days: int = 0,
    remand_days: int = 0,
    tagged_bail_days: int = 0,
    sentence_type: str = "SDS",
    sds40_excluded: bool = False,
    hdc_excluded: bool = False,
) -> SentenceDates:
    """Dates for one standard determinate sentence.

    ``sds40_excluded``: the offence is listed in the Schedule to SI 2024/844 (or SI 2024/1331), so
    release stays at one half. ``hdc_excluded``: a statutory HDC exclusion the caller knows of
    (for example the sex offenders register).
    """
    if sentence_type != "SDS":
        raise ValueError(f"sentence_type {sentence_type!r}: {NOT_SUPPORTED}")
    require_date("sentenced_on", sentenced_on)
    require_date("offence_committed_on", offence_committed_on)
    require_date("date_of_birth", date_of_birth)
    for name, value in (
        ("years", years),
        ("months", months),
        ("weeks", weeks),
        ("days", days),
        ("remand_days", remand_days),
        ("tagged_bail_days", tagged_bail_days),
    ):
        require_int(name, value, minimum=0)
    if not (years or months or weeks or days):
        raise ValueError("the sentence length is missing: give years, months, weeks or days")
    if offence_committed_on > sentenced_on:
        raise ValueError(f"offence_committed_on ({offence_committed_on}) is after sentenced_on ({sentenced_on})")
    if date_of_birth >= offence_committed_on:
        raise ValueError(f"date_of_birth ({date_of_birth}) must be before offence_committed_on ({offence_committed_on})")
    if sentenced_on >= UNSUPPORTED_FROM:
        raise ValueError(f"sentences imposed from {UNSUPPORTED_FROM}: {NOT_SUPPORTED}")

    end = sentence_end(sentence_date=sentenced_on, years=years, months=months, weeks=weeks, days=days)
    length = (end - sentenced_on).days + 1
    credit = remand_days + tagged_bail_days
    if credit >= length:
        raise ValueError(f"remand_days + tagged_bail_days ({credit}) must be less than the sentence length ({length} days)")
    under_12_months = end < sentence_end(sentence_date=sentenced_on, months=12)
    under_2_years = end < sentence_end(sentence_date=sentenced_on, years=2)
    under_5_years = end < sentence_end(sentence_date=sentenced_on, years=5)
    breakdown = [f"sentence of {length} days, {sentenced_on} to {end} (PSI 5.5)"]

    half_days = math.ceil(length / 2)
    fraction = "one half"
    release_days = half_days
    floor: datetime.date | None = None
    if not sds40_excluded:
        forty_days = math.ceil(length * 0.4)
        if sentenced_on >= SDS40_TRANCHE_1:
            release_days, fraction = forty_days, "40 per cent (SDS40, SI 2024/844)"
        else:
            tranche = SDS40_TRANCHE_1 if under_5_years else SDS40_TRANCHE_2
            half_release = sentenced_on + datetime.timedelta(days=half_days - 1 - credit)
            if half_release >= tranche:
                release_days, fraction, floor = forty_days, f"40 per cent (SDS40), not before {tranche}", tranche
    elif sentenced_on >= SDS40_TRANCHE_1:
        breakdown.append("offence excluded from SDS40: release at one half")
    release = sentenced_on + datetime.timedelta(days=release_days - 1 - credit)
    if floor is not None and release < floor:
        release = floor
        breakdown.append(f"release moved to the SDS40 commencement date {floor}")
    breakdown.append(f"release after {release_days} days ({fraction}), less {credit} days remand and tagged bail")
    if release < sentenced_on:
        release = sentenced_on
        breakdown.append("release date cannot be before the sentence date")
    expiry = end - datetime.timedelta(days=credit)

    age_on_release = whole_years_between(date_of_birth, release)
    no_licence_reason = None
    if length <= 1:
        no_licence_reason = "a sentence of 1 day: released without licence (CJA 2003 s.243A as amended by ORA 2014 s.1)"
    elif under_12_months and offence_committed_on < ORA_COMMENCEMENT:
        no_licence_reason = "under 12 months for an offence before 1 February 2015: no licence (pre-ORA s.243A)"
    elif under_12_months and age_on_release < 18:
        no_licence_reason = "under 12 months and under 18 on release: no licence (s.243A(1A))"
    if no_licence_reason:
        release_type, expiry_type = "ARD", "SED"
        breakdown.append(no_licence_reason)
    else:
        release_type, expiry_type = "CRD", "SLED"
        breakdown.append("released on licence until the sentence and licence expiry date")

    tused = None
    if offence_committed_on >= ORA_COMMENCEMENT and length > 1 and under_2_years and age_on_release >= 18:
        tused = add_months(release, 12)
        breakdown.append("post-sentence supervision to 12 months after release (CJA 2003 s.256AA; 002 §5)")
    else:
        breakdown.append("no post-sentence supervision")

    hdced = None
    window = _hdc_window(sentenced_on)
    hdc_no = None
    if hdc_excluded:
        hdc_no = "statutory HDC exclusion"
    elif not under_5_years or end >= sentence_end(sentence_date=sentenced_on, years=4):
        hdc_no = "sentence of 4 years or more"
    elif release_days < HDC_MINIMUM_RELEASE_DAYS:
        hdc_no = "requisite custodial period under 6 weeks"
    else:
        if release_days < 2 * window:
            candidate = sentenced_on + datetime.timedelta(days=max(28, math.ceil(release_days / 2)) - credit)
            rule = f"half the custodial period (at least 28 days), {window}-day window"
        else:
            candidate = release - datetime.timedelta(days=window - 1)
            rule = f"{window} days before release"
        if (release - sentenced_on).days < HDC_MINIMUM_DAYS_BEFORE_RELEASE:
            hdc_no = "released within 14 days of sentence"
        else:
            earliest = sentenced_on + datetime.timedelta(days=HDC_MINIMUM_DAYS_BEFORE_RELEASE)
            hdced = max(candidate, earliest)
            breakdown.append(f"HDC eligibility: {rule} (CJA 2003 s.246)")
            if candidate < earliest:
                breakdown.append("HDC eligibility moved to 14 days after sentence")
            later = [d for d, w in ((HDC_180_COMMENCEMENT, 180), (HDC_365_COMMENCEMENT, 365)) if w > window and release >= d]
            if later:
                breakdown.append(
                    f"HDC window of {window} days in force on the sentence date; a longer window began on {later[-1]}"
                    " before this release, so the prison's HDC date may be earlier - check it"
                )
    if hdc_no:
        breakdown.append(f"no HDC: {hdc_no}")

    return SentenceDates(
        length_days=length,
        release_type=release_type,
        release_date=release,
        expiry_type=expiry_type,
        expiry_date=expiry,
        tused=tused,
        hdced=hdced,
        breakdown=tuple(breakdown),
    )


@dataclass(frozen=True, slots=True)
class RecallDates:
    recall_days: int
    release_date: datetime.date
    breakdown: tuple[str, ...]


def fixed_term_recall(*, sentence_under_12_months: bool, returned_to_custody_on: datetime.date, sled: datetime.date) -> RecallDates:
    """Fixed-term recall: 14 days for sentences under 12 months, 28 otherwise (002 §5); the day of
    return counts as day 1; never released later than the sentence and licence expiry date."""
    if not isinstance(sentence_under_12_months, bool):
        raise ValueError(f"sentence_under_12_months must be True or False, not {sentence_under_12_months!r}")
    require_date("returned_to_custody_on", returned_to_custody_on)
    require_date("sled", sled)
    if returned_to_custody_on > sled:
        raise ValueError(f"returned_to_custody_on ({returned_to_custody_on}) is after the sled ({sled}): no licence to recall on")
    recall_days = 14 if sentence_under_12_months else 28
    release = returned_to_custody_on + datetime.timedelta(days=recall_days - 1)
    term = "under 12 months" if sentence_under_12_months else "12 months or more"
    why = [f"fixed-term recall of {recall_days} days: sentence {term} (002 §5)"]
    if release > sled:
        release = sled
        why.append("release capped at the sentence and licence expiry date")
    return RecallDates(recall_days=recall_days, release_date=release, breakdown=tuple(why))
