"""Release, licence, sentence-expiry, top-up supervision and HDC dates for a standard determinate
sentence (HDC eligibility is computed in ``iomhub.rules.hdc``, fixed-term recall in ``iomhub.rules.recall``).

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

from iomhub.rules.dates import add_months, last_day_of_month, require_date, require_int, whole_years_between
from iomhub.rules.hdc import HDC_MINIMUM_RELEASE_DAYS, hdc_date

ORA_COMMENCEMENT = datetime.date(2015, 2, 1)
SDS40_TRANCHE_1 = datetime.date(2024, 9, 10)
SDS40_TRANCHE_2 = datetime.date(2024, 10, 22)
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
# The day the service stopped producing top-up supervision dates (SA 2026 s.34; the reference §2.3:
# APPLY_POST_RECALL_REPEAL_RULES in every environment from commit 23bb3594c). ADR 0011.
PSS_REPEAL_APPLIED_FROM = datetime.date(2026, 5, 8)

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


def tranche(length: int, tranches: tuple[tuple[int | None, datetime.date], ...]) -> tuple[int, datetime.date]:
    """The first tranche whose length limit (inclusive) the sentence is within: (number, date)."""
    for number, (limit, day) in enumerate(tranches, start=1):
        if limit is None or length <= limit:
            return number, day
    raise AssertionError("the last tranche has no limit")  # pragma: no cover


def progression_model_tranche(*, length_days: int) -> tuple[int, datetime.date]:
    """The progression-model tranche of a sentence already being served on 1 October 2026 (SA 2026
    s.23; the reference §2.1: `application-sds-progression-model-october.yml` L7-63, limit inclusive
    per `TrancheAllocationService.kt` L41): (tranche number, tranche date)."""
    return tranche(require_int("length_days", length_days, minimum=1), PROGRESSION_MODEL_TRANCHES)


def _ceil_third(days: int) -> int:
    return -(-days // 3)


@dataclass(frozen=True, slots=True)
class _Term:
    """What the steps of ``sentence_dates`` share about the sentence: its dates, length and credit."""

    sentence_type: str
    sentenced_on: datetime.date
    end: datetime.date
    length: int
    credit: int  # remand and tagged bail days
    ual: int  # days unlawfully at large
    first_line: str  # the breakdown's first line

    @classmethod
    def of(cls, sentence_type: str, sentenced_on: datetime.date, length_of: dict[str, int], *, credit: int, ual: int) -> _Term:
        end = sentence_end(sentence_date=sentenced_on, **length_of)
        length = (end - sentenced_on).days + 1
        if credit >= length:
            raise ValueError(f"remand_days + tagged_bail_days ({credit}) must be less than the sentence length ({length} days)")
        return cls(
            sentence_type,
            sentenced_on,
            end,
            length,
            credit,
            ual,
            f"{sentence_type}: sentence of {length} days, {sentenced_on} to {end} (PSI 5.5)",
        )

    @property
    def youth(self) -> bool:
        return self.sentence_type in ("S250", "S250+")

    @property
    def plus(self) -> bool:
        return self.sentence_type in ("SDS+", "S250+")

    @property
    def new_sentence(self) -> bool:
        return self.sentenced_on >= PROGRESSION_MODEL_COMMENCEMENT

    def under(self, *, years: int = 0, months: int = 0) -> bool:
        return self.end < sentence_end(sentence_date=self.sentenced_on, years=years, months=months)

    def release_after(self, release_days: int) -> datetime.date:
        return self.sentenced_on + datetime.timedelta(days=release_days - 1 - self.credit + self.ual)

    @property
    def expiry(self) -> datetime.date:
        return self.end - datetime.timedelta(days=self.credit - self.ual)


def _check(
    *,
    sentence_type: str,
    dates: dict[str, datetime.date],
    counts: dict[str, int],
    flags: dict[str, bool],
    progression_model_exclusion: str,
) -> None:
    if sentence_type not in SENTENCE_TYPES:
        raise ValueError(f"sentence_type {sentence_type!r}: {NOT_SUPPORTED}")
    for name, day in dates.items():
        require_date(name, day)
    for name, value in counts.items():
        require_int(name, value, minimum=0)
    for name, flag in flags.items():
        if not isinstance(flag, bool):
            raise ValueError(f"{name} must be True or False, not {flag!r}")
    if progression_model_exclusion not in PM_EXCLUSIONS:
        raise ValueError(f"progression_model_exclusion must be one of {PM_EXCLUSIONS}, not {progression_model_exclusion!r}")
    if not (counts["years"] or counts["months"] or counts["weeks"] or counts["days"]):
        raise ValueError("the sentence length is missing: give years, months, weeks or days")
    sentenced_on, offence_committed_on, date_of_birth = dates["sentenced_on"], dates["offence_committed_on"], dates["date_of_birth"]
    if offence_committed_on > sentenced_on:
        raise ValueError(f"offence_committed_on ({offence_committed_on}) is after sentenced_on ({sentenced_on})")
    if date_of_birth >= offence_committed_on:
        raise ValueError(f"date_of_birth ({date_of_birth}) must be before offence_committed_on ({offence_committed_on})")


def _standard_release(term: _Term, *, sds40_excluded: bool) -> tuple[datetime.date, str, int]:
    """The release point before the progression model (CJA s.244, s.244ZA, SDS40): (date, the rule
    in words, release days)."""
    length, sentenced_on, ual = term.length, term.sentenced_on, term.ual
    floor: datetime.date | None = None
    if term.plus:
        release_days, fraction = math.ceil(length * 2 / 3), "two thirds (SDS+, CJA 2003 s.244ZA)"
    else:
        half_days = math.ceil(length / 2)
        release_days, fraction = half_days, "one half (CJA 2003 s.244)"
        if not sds40_excluded:
            forty_days = math.ceil(length * 0.4)
            if sentenced_on >= SDS40_TRANCHE_1:
                release_days, fraction = forty_days, "40 per cent (SDS40, SI 2024/844)"
            else:
                tranche = SDS40_TRANCHE_1 if term.under(years=5) else SDS40_TRANCHE_2
                if term.release_after(half_days) - datetime.timedelta(days=ual) >= tranche:
                    release_days, fraction, floor = forty_days, f"40 per cent (SDS40), not before {tranche}", tranche
        elif sentenced_on >= SDS40_TRANCHE_1:
            fraction = "one half (offence excluded from SDS40)"
    standard = term.release_after(release_days)
    standard_rule = f"release after {release_days} days ({fraction}), less {term.credit} days remand and tagged bail"
    if ual:
        standard_rule += f", plus {ual} days unlawfully at large"
    if floor is not None and standard < floor:
        standard = floor
        standard_rule += f"; moved to the SDS40 commencement date {floor}"
    return max(standard, sentenced_on), standard_rule, release_days


@dataclass(frozen=True, slots=True)
class _Release:
    date: datetime.date
    progression: bool = False
    tranche_date: datetime.date | None = None


def _progression_days(term: _Term) -> tuple[int, str]:
    """Release days under the progression model (SA 2026 s.23), and the rule in words."""
    pm_days = term.length // 2 + term.length % 2 if term.plus else _ceil_third(term.length)
    pm_fraction = "one half (SDS+)" if term.plus else "one third"
    return (
        pm_days,
        f"release after {pm_days} days ({pm_fraction}: Sentencing Act 2026 s.23, CJA 2003 s.244(3)(aa)/s.244ZA(8); {REFERENCE} §2.1)",
    )


def _new_sentence_release(term: _Term, exclusion: str, sds40_excluded: bool, breakdown: list[str]) -> _Release:
    """An adult sentence imposed from 1 October 2026: the progression model."""
    if exclusion == "would-be-sds-plus":
        raise ValueError(
            f"a sentence imposed from {PROGRESSION_MODEL_COMMENCEMENT} that the SDS+ rules cover is an SDS+: "
            "record it as SDS+ (the progression model releases it at one half)"
        )
    if exclusion == "sa2026-schedule":
        raise ValueError(
            "offence on the Sentencing Act 2026 excluded-offences schedule: the schedule's release rule is not known "
            f"(the Ministry of Justice's service routes it to manual calculation; ADR 0011): {NOT_SUPPORTED}"
        )
    pm_days, pm_rule = _progression_days(term)
    breakdown.append(f"sentenced from {PROGRESSION_MODEL_COMMENCEMENT}: the progression model applies")
    if sds40_excluded:
        breakdown.append(f"the SDS40 exclusion does not exclude from the progression model ({REFERENCE} §2.1)")
    breakdown.append(pm_rule)
    ual = term.ual
    breakdown.append(f"less {term.credit} days remand and tagged bail" + (f", plus {ual} days unlawfully at large" if ual else ""))
    return _Release(max(term.release_after(pm_days), term.sentenced_on), progression=True)


def _serving_release(term: _Term, standard: datetime.date, standard_rule: str, exclusion: str, breakdown: list[str]) -> _Release:
    """An adult sentence being served on 1 October 2026 and released after it: its tranche."""
    if exclusion == "sa2026-schedule":
        raise ValueError(
            "offence on the Sentencing Act 2026 excluded-offences schedule, serving on 1 October 2026: the schedule's "
            f"release rule is not known (the Ministry of Justice's service routes it to manual calculation; ADR 0011): {NOT_SUPPORTED}"
        )
    length = term.length
    pm_days, pm_rule = _progression_days(term)
    tranche_number, tranche_date = progression_model_tranche(length_days=length)
    pm_release = max(term.release_after(pm_days), term.sentenced_on)
    breakdown.append(standard_rule + f": {standard} before the progression model")
    breakdown.append(
        f"serving on {PROGRESSION_MODEL_COMMENCEMENT}: the progression model applies from tranche {tranche_number} "
        f"({tranche_date}, sentences of {length} days; {REFERENCE} §2.1, TrancheAllocationService.kt L41-89)"
    )
    breakdown.append(pm_rule + f": {pm_release}")
    if standard < tranche_date:
        breakdown.append(f"release {standard} under the earlier rules is before the tranche date: it stands")
        return _Release(standard, True, tranche_date)
    if pm_release < tranche_date:
        breakdown.append(f"release moved to the tranche date {tranche_date} (SDSProgressionModelFinalDatesService.kt L38-58)")
        return _Release(tranche_date, True, tranche_date)
    return _Release(pm_release, True, tranche_date)


def _release(
    term: _Term, standard: datetime.date, standard_rule: str, exclusion: str, sds40_excluded: bool, breakdown: list[str]
) -> _Release:
    """The release date: the progression model (SA 2026 s.23) for adult SDS and SDS+, not s.250/s.91
    detention, else the earlier rules."""
    serving_then = standard >= PROGRESSION_MODEL_COMMENCEMENT and term.expiry >= PROGRESSION_MODEL_COMMENCEMENT
    if term.youth:
        breakdown.append(standard_rule)
        if term.new_sentence or standard >= PROGRESSION_MODEL_COMMENCEMENT:
            breakdown.append(
                "detention under s.250 or s.91: outside the progression model (SA 2026 s.23 keeps one half; "
                f"the service keeps SDS40 for it, commit 0069b5a2c; {REFERENCE} §2.1)"
            )
        return _Release(standard)
    if term.new_sentence:
        return _new_sentence_release(term, exclusion, sds40_excluded, breakdown)
    if serving_then and exclusion in ("schedule-13-part-3", "would-be-sds-plus"):
        breakdown.append(standard_rule)
        why = "Schedule 13 Part 3 offence" if exclusion == "schedule-13-part-3" else "would be SDS+ if sentenced today"
        breakdown.append(
            f"serving on {PROGRESSION_MODEL_COMMENCEMENT} but excluded from the progression model ({why}): the earlier rules stand "
            f"(SDSEarlyReleaseExclusionMappingService.kt L48-54, SDSReleaseArrangements.kt L12; {REFERENCE} §2.1)"
        )
        return _Release(standard)
    if serving_then:
        return _serving_release(term, standard, standard_rule, exclusion, breakdown)
    breakdown.append(standard_rule)
    return _Release(standard)


def _licence(
    term: _Term, release: _Release, offence_committed_on: datetime.date, age_on_release: int, breakdown: list[str]
) -> tuple[str, str]:
    """(release type, expiry type): ARD and SED where there is no licence (s.243A), else CRD and SLED."""
    under_12_months = term.under(months=12)
    no_licence_reason = None
    if term.length <= 1:
        no_licence_reason = "a sentence of 1 day: released without licence (CJA 2003 s.243A as amended by ORA 2014 s.1)"
    elif under_12_months and offence_committed_on < ORA_COMMENCEMENT and not release.progression:
        no_licence_reason = "under 12 months for an offence before 1 February 2015: no licence (pre-ORA s.243A)"
    elif under_12_months and age_on_release < 18:
        no_licence_reason = "under 12 months and under 18 on release: no licence (s.243A(1A))"
    if no_licence_reason:
        breakdown.append(no_licence_reason)
        return "ARD", "SED"
    breakdown.append("released on licence until the sentence and licence expiry date")
    if under_12_months and offence_committed_on < ORA_COMMENCEMENT:
        breakdown.append(
            f"under the progression model a pre-2015 offence under 12 months has a licence (SDSLegislation.kt L143-157; {REFERENCE} §2.1)"
        )
    return "CRD", "SLED"


def _tused(
    term: _Term, release: _Release, offence_committed_on: datetime.date, age_on_release: int, breakdown: list[str]
) -> datetime.date | None:
    """The end of post-sentence supervision (CJA s.256AA), or None (and none under the progression model)."""
    pss_due = offence_committed_on >= ORA_COMMENCEMENT and term.length > 1 and term.under(years=2) and age_on_release >= 18
    if pss_due and release.progression:
        breakdown.append(
            f"no post-sentence supervision: repealed by the Sentencing Act 2026 s.34 (TusedCalculator.kt L20-23; {REFERENCE} §2.3)"
        )
        return None
    if not pss_due:
        breakdown.append("no post-sentence supervision")
        return None
    tused = add_months(release.date, 12)
    breakdown.append("post-sentence supervision to 12 months after release (CJA 2003 s.256AA; 002 §5)")
    if tused >= PSS_REPEAL_APPLIED_FROM:
        breakdown.append(
            "top-up supervision is repealed by the Sentencing Act 2026 s.34, also for supervision already imposed; the "
            f"commencement date was not retrieved and the Ministry of Justice's service shows none since {PSS_REPEAL_APPLIED_FROM}: "
            "check with the prison or probation and enter their dates (ADR 0011)"
        )
    return tused


def _hdc_refusal(term: _Term, release_days: int, hdc_excluded: bool) -> str | None:
    """Why there is no HDC date whatever the dates (CJA s.246 and SA 2026 s.26), or None."""
    if hdc_excluded:
        return "statutory HDC exclusion"
    if term.plus:
        return "SDS+ sentence (HdcedCalculator.kt)"
    if not term.under(years=5) or not term.under(years=4):
        return "sentence of 4 years or more"
    if release_days < HDC_MINIMUM_RELEASE_DAYS:
        return "requisite custodial period under 6 weeks"
    if not term.youth and term.new_sentence:
        return (
            f"adults sentenced from {PROGRESSION_MODEL_COMMENCEMENT}: HDC is only for s.91/s.250 detention (SA 2026 s.26, new CJA s.246(1))"
        )
    return None


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
    length_of = {"years": years, "months": months, "weeks": weeks, "days": days}
    counts = {**length_of, "remand_days": remand_days, "tagged_bail_days": tagged_bail_days}
    counts["unlawfully_at_large_days"] = unlawfully_at_large_days
    dates = {"sentenced_on": sentenced_on, "offence_committed_on": offence_committed_on, "date_of_birth": date_of_birth}
    flags = {"sds40_excluded": sds40_excluded, "hdc_excluded": hdc_excluded}
    _check(sentence_type=sentence_type, dates=dates, counts=counts, flags=flags, progression_model_exclusion=progression_model_exclusion)
    term = _Term.of(sentence_type, sentenced_on, length_of, credit=remand_days + tagged_bail_days, ual=unlawfully_at_large_days)
    breakdown = [term.first_line]
    standard, standard_rule, release_days = _standard_release(term, sds40_excluded=sds40_excluded)
    release = _release(term, standard, standard_rule, progression_model_exclusion, sds40_excluded, breakdown)
    release = _Release(max(release.date, sentenced_on), release.progression, release.tranche_date)
    if release.date == sentenced_on and term.credit:
        breakdown.append("release date cannot be before the sentence date")
    age_on_release = whole_years_between(date_of_birth, release.date)
    release_type, expiry_type = _licence(term, release, offence_committed_on, age_on_release, breakdown)
    tused = _tused(term, release, offence_committed_on, age_on_release, breakdown)
    refusal = _hdc_refusal(term, release_days, hdc_excluded)
    hdced = hdc_date(
        sentenced_on, standard, release.date, release_days, term.credit - term.ual, refusal, youth=term.youth, breakdown=breakdown
    )
    return SentenceDates(
        length_days=term.length,
        release_type=release_type,
        release_date=release.date,
        expiry_type=expiry_type,
        expiry_date=term.expiry,
        tused=tused,
        hdced=hdced,
        breakdown=tuple(breakdown),
        progression_model=release.progression,
        tranche_date=release.tranche_date,
    )
