"""Release, licence, sentence-expiry, top-up supervision and HDC dates for a standard determinate
sentence, and fixed-term recall.

Sources:
- Seed 002 §5 (Offender Rehabilitation Act 2014): licence plus post-sentence supervision make
  12 months for sentences of more than 1 day and less than 2 years; fixed-term recall 14 days
  under 12 months, 28 days otherwise.
- CJA 2003 s.243A, s.244 (release at one half), s.244ZA (SDS+: two thirds), s.256AA (PSS: ends
  12 months after release), ORA 2014 s.1-2 (in force 1 February 2015, SI 2015/40); SI 2024/844
  (SDS40: 40 per cent for sentences imposed from 10 September 2024, and for sentences under 5 years
  already being served from that date, 5 years or more from 22 October 2024); s.246 HDC (window
  135 days before 6 June 2023, 180 days from then (SI 2023/390), 365 days from 3 June 2025
  (SI 2024/1331); requisite custodial period at least 6 weeks; sentences of 4 years or more
  excluded).
- Sentencing Act 2026 (reference/release-dates-2026.md, "the reference"):
  s.23 (new CJA s.244(3)(a)/(aa), s.244ZA(8)): the progression model - release at one third (SDS)
  or one half (SDS+) for sentences imposed from 1 October 2026, whatever the SDS40 exclusion; s.91
  and s.250 detention keep one half (40 per cent under SDS40), S250+ two thirds. People already
  serving on 1 October 2026 move over in ten tranches by sentence length, never released before
  their tranche date unless the earlier rules already release them before it (the reference §2.1:
  calculate-release-dates-api `application-sds-progression-model-october.yml` L7-63,
  `TrancheAllocationService.kt` L41-89, `SDSProgressionModelFinalDatesService.kt` L38-78).
  s.26 (new s.246(1)): HDC only for s.91/s.250 detention; the service suppresses an adult HDC date
  on or after 2 September 2026 or on a sentence the progression model affects
  (`HdcedExtractionService.kt` L91-99). s.34: top-up supervision repealed (`TusedCalculator.kt`
  L20-23); s.31-33 (new s.255BA): adults on fixed-term recall serve 56 days from the return to
  custody, young offenders 14 or 28 (s.255B(1A)); recalls returned by 31 March 2026 move over in
  six tranches (`application-calculation-params.yml` L53-88, `SentenceCalculation.kt` L88-118).
  Sentences for offences on the Act's excluded-offences schedule are refused: the schedule was not
  retrieved and the service routes them to manual calculation (ADR 0011).
- The method of the Ministry of Justice's calculate-release-dates service (instruments.md §6.2):
  length in days per PSI 5.5; release after ceil(length x fraction) days; release date = sentence
  date + release days - 1 - remand - tagged bail + unlawfully-at-large days, never before the
  sentence date; expiry = sentence end - remand - tagged bail + unlawfully-at-large days; HDC =
  sentence date + max(28, ceil(release days / 2)) - credit below the window's midpoint, else
  release date - (window - 1) days.
Only a single determinate sentence (SDS, SDS+, s.250 detention) is calculated; extended,
indeterminate, consecutive or concurrent sentences and DTOs are refused: "enter the prison's dates".
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
HDC_MINIMUM_RELEASE_DAYS = 42
HDC_MINIMUM_DAYS_BEFORE_RELEASE = 14
NOT_SUPPORTED = "not supported — enter the prison's dates"
REFERENCE = "reference/release-dates-2026.md"

# Sentencing Act 2026 s.23, the progression model (the reference §2.1): commencement for new
# sentences, and the tranche dates of people already serving, by sentence length in days (inclusive).
PROGRESSION_MODEL_COMMENCEMENT = datetime.date(2026, 10, 1)
PROGRESSION_MODEL_TRANCHES: tuple[tuple[int | None, datetime.date], ...] = (
    (574, datetime.date(2026, 10, 1)),
    (882, datetime.date(2026, 10, 13)),
    (1162, datetime.date(2026, 11, 10)),
    (1561, datetime.date(2026, 12, 8)),
    (2121, datetime.date(2027, 1, 12)),
    (2758, datetime.date(2027, 2, 9)),
    (3283, datetime.date(2027, 3, 9)),
    (3654, datetime.date(2027, 4, 13)),
    (4396, datetime.date(2027, 5, 11)),
    (None, datetime.date(2027, 6, 8)),
)
# The service's "clean stop" of adult HDC (SA 2026 s.26; the reference §2.3, ImportantDates.kt L24).
HDC_CLEAN_STOP = datetime.date(2026, 9, 2)
# The day the service stopped producing top-up supervision dates (SA 2026 s.34; the reference §2.3:
# APPLY_POST_RECALL_REPEAL_RULES in every environment from commit 23bb3594c). ADR 0011.
PSS_REPEAL_APPLIED_FROM = datetime.date(2026, 5, 8)
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

# SDS: standard determinate sentence; SDS+: one within CJA s.244ZA (serious offences, two thirds);
# S250 / S250+: detention under s.250 (or s.91) of a person under 18, the same without and with s.244ZA.
SENTENCE_TYPES = ("SDS", "SDS+", "S250", "S250+")
# Exclusions from the progression model (the reference §2.1, SDSEarlyReleaseExclusionType.kt L23-24,
# SDSReleaseArrangements.kt L12): the Sentencing Act 2026 excluded-offences schedule (refused: the
# service routes it to manual calculation), Schedule 13 Part 3 (sentences imposed before 1 October
# 2026 only) and a sentence before 1 October 2026 that would be SDS+ if imposed today (both keep
# the earlier rules).
PM_EXCLUSIONS = ("", "sa2026-schedule", "schedule-13-part-3", "would-be-sds-plus")


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
    progression_model: bool = False
    tranche_date: datetime.date | None = None


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


def _tranche(length: int, tranches: tuple[tuple[int | None, datetime.date], ...]) -> tuple[int, datetime.date]:
    """The first tranche whose length limit (inclusive) the sentence is within: (number, date)."""
    for number, (limit, day) in enumerate(tranches, start=1):
        if limit is None or length <= limit:
            return number, day
    raise AssertionError("the last tranche has no limit")  # pragma: no cover


def progression_model_tranche(*, length_days: int) -> tuple[int, datetime.date]:
    """The progression-model tranche of a sentence already being served on 1 October 2026 (SA 2026
    s.23; the reference §2.1: `application-sds-progression-model-october.yml` L7-63, limit inclusive
    per `TrancheAllocationService.kt` L41): (tranche number, tranche date)."""
    return _tranche(require_int("length_days", length_days, minimum=1), PROGRESSION_MODEL_TRANCHES)


def ftr56_tranche(*, sentence_length_days: int) -> tuple[int, datetime.date]:
    """The FTR56 tranche of a recall returned to custody by 31 March 2026 (the reference §2.2:
    `application-calculation-params.yml` L53-88): (tranche number, tranche date)."""
    return _tranche(require_int("sentence_length_days", sentence_length_days, minimum=1), FTR56_TRANCHES)


def _ceil_third(days: int) -> int:
    return -(-days // 3)


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
    unlawfully_at_large_days: int = 0,
    sentence_type: str = "SDS",
    sds40_excluded: bool = False,
    hdc_excluded: bool = False,
    progression_model_exclusion: str = "",
) -> SentenceDates:
    """Dates for one determinate sentence.

    ``sentence_type``: one of ``SENTENCE_TYPES``. ``sds40_excluded``: the offence is listed in the
    Schedule to SI 2024/844 (or SI 2024/1331), so release stays at one half before the progression
    model. ``hdc_excluded``: a statutory HDC exclusion the caller knows of (for example the sex
    offenders register). ``progression_model_exclusion``: one of ``PM_EXCLUSIONS``; where the
    progression model would apply, "sa2026-schedule" (the Act's excluded-offences schedule) is refused
    (calculate-release-dates-api routes it to manual calculation; ADR 0011), and the other two keep a
    sentence imposed before 1 October 2026 on the earlier rules.
    ``unlawfully_at_large_days``: days unlawfully at large, which move release and expiry later.
    """
    if sentence_type not in SENTENCE_TYPES:
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
        ("unlawfully_at_large_days", unlawfully_at_large_days),
    ):
        require_int(name, value, minimum=0)
    for name, flag in (
        ("sds40_excluded", sds40_excluded),
        ("hdc_excluded", hdc_excluded),
    ):
        if not isinstance(flag, bool):
            raise ValueError(f"{name} must be True or False, not {flag!r}")
    if progression_model_exclusion not in PM_EXCLUSIONS:
        raise ValueError(f"progression_model_exclusion must be one of {PM_EXCLUSIONS}, not {progression_model_exclusion!r}")
    if not (years or months or weeks or days):
        raise ValueError("the sentence length is missing: give years, months, weeks or days")
    if offence_committed_on > sentenced_on:
        raise ValueError(f"offence_committed_on ({offence_committed_on}) is after sentenced_on ({sentenced_on})")
    if date_of_birth >= offence_committed_on:
        raise ValueError(f"date_of_birth ({date_of_birth}) must be before offence_committed_on ({offence_committed_on})")

    end = sentence_end(sentence_date=sentenced_on, years=years, months=months, weeks=weeks, days=days)
    length = (end - sentenced_on).days + 1
    credit = remand_days + tagged_bail_days
    ual = unlawfully_at_large_days
    if credit >= length:
        raise ValueError(f"remand_days + tagged_bail_days ({credit}) must be less than the sentence length ({length} days)")
    under_12_months = end < sentence_end(sentence_date=sentenced_on, months=12)
    under_2_years = end < sentence_end(sentence_date=sentenced_on, years=2)
    under_5_years = end < sentence_end(sentence_date=sentenced_on, years=5)
    youth = sentence_type in ("S250", "S250+")
    plus = sentence_type in ("SDS+", "S250+")
    new_sentence = sentenced_on >= PROGRESSION_MODEL_COMMENCEMENT
    breakdown = [f"{sentence_type}: sentence of {length} days, {sentenced_on} to {end} (PSI 5.5)"]

    def release_after(release_days: int) -> datetime.date:
        return sentenced_on + datetime.timedelta(days=release_days - 1 - credit + ual)

    expiry = end - datetime.timedelta(days=credit - ual)

    # The release point before the progression model ("standard": CJA s.244, s.244ZA, SDS40).
    floor: datetime.date | None = None
    if plus:
        release_days, fraction = math.ceil(length * 2 / 3), "two thirds (SDS+, CJA 2003 s.244ZA)"
    else:
        half_days = math.ceil(length / 2)
        release_days, fraction = half_days, "one half (CJA 2003 s.244)"
        if not sds40_excluded:
            forty_days = math.ceil(length * 0.4)
            if sentenced_on >= SDS40_TRANCHE_1:
                release_days, fraction = forty_days, "40 per cent (SDS40, SI 2024/844)"
            else:
                tranche = SDS40_TRANCHE_1 if under_5_years else SDS40_TRANCHE_2
                if release_after(half_days) - datetime.timedelta(days=ual) >= tranche:
                    release_days, fraction, floor = forty_days, f"40 per cent (SDS40), not before {tranche}", tranche
        elif sentenced_on >= SDS40_TRANCHE_1:
            fraction = "one half (offence excluded from SDS40)"
    standard = release_after(release_days)
    standard_rule = f"release after {release_days} days ({fraction}), less {credit} days remand and tagged bail"
    if ual:
        standard_rule += f", plus {ual} days unlawfully at large"
    if floor is not None and standard < floor:
        standard = floor
        standard_rule += f"; moved to the SDS40 commencement date {floor}"
    standard = max(standard, sentenced_on)

    # The progression model (SA 2026 s.23): adult SDS and SDS+, not s.250/s.91 detention.
    pm_days = length // 2 + length % 2 if plus else _ceil_third(length)
    pm_fraction = "one half (SDS+)" if plus else "one third"
    pm_rule = f"release after {pm_days} days ({pm_fraction}: Sentencing Act 2026 s.23, CJA 2003 s.244(3)(aa)/s.244ZA(8); {REFERENCE} §2.1)"
    progression = False
    tranche_number: int | None = None
    tranche_date: datetime.date | None = None
    if youth:
        release = standard
        breakdown.append(standard_rule)
        if new_sentence or standard >= PROGRESSION_MODEL_COMMENCEMENT:
            breakdown.append(
                "detention under s.250 or s.91: outside the progression model (SA 2026 s.23 keeps one half; "
                f"the service keeps SDS40 for it, commit 0069b5a2c; {REFERENCE} §2.1)"
            )
    elif new_sentence:
        if progression_model_exclusion == "would-be-sds-plus":
            raise ValueError(
                f"a sentence imposed from {PROGRESSION_MODEL_COMMENCEMENT} that the SDS+ rules cover is an SDS+: "
                "record it as SDS+ (the progression model releases it at one half)"
            )
        if progression_model_exclusion == "sa2026-schedule":
            raise ValueError(
                "offence on the Sentencing Act 2026 excluded-offences schedule: the schedule's release rule is not known "
                f"(the Ministry of Justice's service routes it to manual calculation; ADR 0011): {NOT_SUPPORTED}"
            )
        progression = True
        release = max(release_after(pm_days), sentenced_on)
        breakdown.append(f"sentenced from {PROGRESSION_MODEL_COMMENCEMENT}: the progression model applies")
        if sds40_excluded:
            breakdown.append(f"the SDS40 exclusion does not exclude from the progression model ({REFERENCE} §2.1)")
        breakdown.append(pm_rule)
        breakdown.append(f"less {credit} days remand and tagged bail" + (f", plus {ual} days unlawfully at large" if ual else ""))
    elif (
        standard >= PROGRESSION_MODEL_COMMENCEMENT
        and expiry >= PROGRESSION_MODEL_COMMENCEMENT
        and progression_model_exclusion
        in (
            "schedule-13-part-3",
            "would-be-sds-plus",
        )
    ):
        release = standard
        breakdown.append(standard_rule)
        why = "Schedule 13 Part 3 offence" if progression_model_exclusion == "schedule-13-part-3" else "would be SDS+ if sentenced today"
        breakdown.append(
            f"serving on {PROGRESSION_MODEL_COMMENCEMENT} but excluded from the progression model ({why}): the earlier rules stand "
            f"(SDSEarlyReleaseExclusionMappingService.kt L48-54, SDSReleaseArrangements.kt L12; {REFERENCE} §2.1)"
        )
    elif standard >= PROGRESSION_MODEL_COMMENCEMENT and expiry >= PROGRESSION_MODEL_COMMENCEMENT:
        if progression_model_exclusion == "sa2026-schedule":
            raise ValueError(
                "offence on the Sentencing Act 2026 excluded-offences schedule, serving on 1 October 2026: the schedule's "
                f"release rule is not known (the Ministry of Justice's service routes it to manual calculation; ADR 0011): {NOT_SUPPORTED}"
            )
        progression = True
        tranche_number, tranche_date = progression_model_tranche(length_days=length)
        pm_release = max(release_after(pm_days), sentenced_on)
        breakdown.append(standard_rule + f": {standard} before the progression model")
        breakdown.append(
            f"serving on {PROGRESSION_MODEL_COMMENCEMENT}: the progression model applies from tranche {tranche_number} "
            f"({tranche_date}, sentences of {length} days; {REFERENCE} §2.1, TrancheAllocationService.kt L41-89)"
        )
        breakdown.append(pm_rule + f": {pm_release}")
        if standard < tranche_date:
            release = standard
            breakdown.append(f"release {standard} under the earlier rules is before the tranche date: it stands")
        elif pm_release < tranche_date:
            release = tranche_date
            breakdown.append(f"release moved to the tranche date {tranche_date} (SDSProgressionModelFinalDatesService.kt L38-58)")
        else:
            release = pm_release
    else:
        release = standard
        breakdown.append(standard_rule)
    if release < sentenced_on:
        release = sentenced_on
    if release == sentenced_on and credit:
        breakdown.append("release date cannot be before the sentence date")

    age_on_release = whole_years_between(date_of_birth, release)
    no_licence_reason = None
    if length <= 1:
        no_licence_reason = "a sentence of 1 day: released without licence (CJA 2003 s.243A as amended by ORA 2014 s.1)"
    elif under_12_months and offence_committed_on < ORA_COMMENCEMENT and not progression:
        no_licence_reason = "under 12 months for an offence before 1 February 2015: no licence (pre-ORA s.243A)"
    elif under_12_months and age_on_release < 18:
        no_licence_reason = "under 12 months and under 18 on release: no licence (s.243A(1A))"
    if no_licence_reason:
        release_type, expiry_type = "ARD", "SED"
        breakdown.append(no_licence_reason)
    else:
        release_type, expiry_type = "CRD", "SLED"
        breakdown.append("released on licence until the sentence and licence expiry date")
        if under_12_months and offence_committed_on < ORA_COMMENCEMENT:
            breakdown.append(
                f"under the progression model a pre-2015 offence under 12 months has a licence (SDSLegislation.kt L143-157; {REFERENCE} §2.1)"
            )

    tused = None
    pss_due = offence_committed_on >= ORA_COMMENCEMENT and length > 1 and under_2_years and age_on_release >= 18
    if pss_due and progression:
        breakdown.append(
            f"no post-sentence supervision: repealed by the Sentencing Act 2026 s.34 (TusedCalculator.kt L20-23; {REFERENCE} §2.3)"
        )
    elif pss_due:
        tused = add_months(release, 12)
        breakdown.append("post-sentence supervision to 12 months after release (CJA 2003 s.256AA; 002 §5)")
        if tused >= PSS_REPEAL_APPLIED_FROM:
            breakdown.append(
                "top-up supervision is repealed by the Sentencing Act 2026 s.34, also for supervision already imposed; the "
                f"commencement date was not retrieved and the Ministry of Justice's service shows none since {PSS_REPEAL_APPLIED_FROM}: "
                "check with the prison or probation and enter their dates (ADR 0011)"
            )
    else:
        breakdown.append("no post-sentence supervision")

    hdced = None
    window = _hdc_window(sentenced_on)
    hdc_no = None
    if hdc_excluded:
        hdc_no = "statutory HDC exclusion"
    elif plus:
        hdc_no = "SDS+ sentence (HdcedCalculator.kt)"
    elif not under_5_years or end >= sentence_end(sentence_date=sentenced_on, years=4):
        hdc_no = "sentence of 4 years or more"
    elif release_days < HDC_MINIMUM_RELEASE_DAYS:
        hdc_no = "requisite custodial period under 6 weeks"
    elif not youth and new_sentence:
        hdc_no = (
            f"adults sentenced from {PROGRESSION_MODEL_COMMENCEMENT}: HDC is only for s.91/s.250 detention (SA 2026 s.26, new CJA s.246(1))"
        )
    else:
        if release_days < 2 * window:
            candidate = sentenced_on + datetime.timedelta(days=max(28, math.ceil(release_days / 2)) - credit + ual)
            rule = f"half the custodial period (at least 28 days), {window}-day window"
        else:
            candidate = standard - datetime.timedelta(days=window - 1)
            rule = f"{window} days before release"
        if (standard - sentenced_on).days < HDC_MINIMUM_DAYS_BEFORE_RELEASE:
            hdc_no = "released within 14 days of sentence"
        else:
            earliest = sentenced_on + datetime.timedelta(days=HDC_MINIMUM_DAYS_BEFORE_RELEASE)
            candidate = max(candidate, earliest)
            if not youth and candidate >= HDC_CLEAN_STOP:
                hdc_no = (
                    "adult HDC ended (SA 2026 s.26): the Ministry of Justice's service drops an adult HDC date on or after "
                    f"{HDC_CLEAN_STOP} (HdcedExtractionService.kt L91-99)"
                )
            else:
                hdced = candidate
                breakdown.append(f"HDC eligibility: {rule} (CJA 2003 s.246)")
                if candidate == earliest:
                    breakdown.append("HDC eligibility no earlier than 14 days after sentence")
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
        progression_model=progression,
        tranche_date=tranche_date,
    )


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
