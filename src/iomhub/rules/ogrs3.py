"""OGRS3: the Offender Group Reconviction Scale, one- and two-year probability of proven reoffending.

Source: Howard, Francis, Soothill & Humphreys (2009), *OGRS 3: the revised Offender Group
Reconviction Scale*, MoJ Research Summary 7/09. Seed 002 §4 asks every referral to weigh it.
Coefficients as cross-checked across four public implementations (NOMS rsr-calculator
coefficients.json, MoJ hmpps-arns-risk-actuarial-api, an R port, a Python port) in
reference/instruments.md §3.1-3.4:

    y_k = A_k + age/gender + sanction + 1.251124464 * ln(S / (10 + T)) + offence
    p_k = exp(y_k) / (1 + exp(y_k))

S is the number of sanctions including the current one; T the years between the first sanction and
the current conviction. Age/gender uses age at the start of follow-up.

Decisions on the discrepancies listed in instruments.md §3 / §9:
- female aged 10-15 use the negative coefficients (three sources; the MoJ Kotlin's positive signs
  look like a transcription error);
- "sexual (not against child)" uses 0.003276327 (NOMS JSON and the R port; the MoJ CSV has 0.0328);
- "drink driving" is -0.121439408 and "other motoring" 0.262228428 (the MoJ CSV maps HO 803 there).
Percentages: rounded to 5 decimal places, then half-up to a whole percent, clamped to 1-99; the
band comes from the two-year percentage (Low < 50, Medium 50-74, High 75-89, Very high 90+).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

INTERCEPT = {1: 1.402562384, 2: 2.121705678}
COPAS = 1.251124464
FIRST_SANCTION = 0.126142106
REPEAT_SANCTION = 0.463062792

AGE_GENDER: tuple[tuple[int, int | None, float, float], ...] = (
    # (from age, to age inclusive, male, female)
    (10, 11, 0.0, -0.785038489),
    (12, 13, 0.083922902, -0.613852078),
    (14, 15, 0.075775765, -0.669521331),
    (16, 17, -0.061594199, -0.959179629),
    (18, 20, -0.625103618, -0.897480934),
    (21, 24, -1.051515067, -1.028488454),
    (25, 29, -1.166679288, -1.052777806),
    (30, 34, -1.325976554, -1.129127959),
    (35, 39, -1.368045933, -1.421874940),
    (40, 49, -1.499690953, -1.524652221),
    (50, None, -2.025261458, -2.449837160),
)

OFFENCE_GROUPS: dict[str, float] = {
    "violence": 0.0,
    "robbery": -0.634795912,
    "public-order": 0.181917975,
    "sexual-not-against-child": 0.003276327,
    "sexual-against-child": -0.653434071,
    "soliciting-prostitution": 0.760608858,
    "burglary-domestic": -0.123943520,
    "burglary-other": 0.240604429,
    "theft-non-motor": 0.661244321,
    "handling-stolen-goods": 0.351866973,
    "fraud-forgery": 0.159910192,
    "absconding-bail": 0.733378677,
    "taking-driving-away": 0.380059431,
    "theft-from-vehicle": 0.427225615,
    "other-motoring": 0.262228428,
    "drink-driving": -0.121439408,
    "criminal-damage": 0.204960477,
    "drug-import-export-production": -0.795556373,
    "drug-possession-supply": 0.077165871,
    "other": -0.060667525,
}


@dataclass(frozen=True, slots=True)
class Ogrs3Result:
    one_year: float
    two_year: float
    one_year_percent: int
    two_year_percent: int
    band: str
    breakdown: tuple[str, ...]


def _percent(probability: float) -> int:
    rounded = Decimal(str(round(probability, 5))) * 100
    return max(1, min(99, int(rounded.quantize(Decimal(1), rounding=ROUND_HALF_UP))))


def _band(two_year_percent: int) -> str:
    if two_year_percent >= 90:
        return "very-high"
    if two_year_percent >= 75:
        return "high"
    if two_year_percent >= 50:
        return "medium"
    return "low"


def _whole(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {minimum} or more, not {value}")
    return value


def ogrs3(
    *,
    sex: str,
    age_at_start_of_followup: int,
    age_at_current_conviction: int,
    age_at_first_sanction: int,
    total_sanctions: int,
    offence_group: str,
) -> Ogrs3Result:
    if sex not in ("male", "female"):
        raise ValueError(f"sex must be 'male' or 'female', not {sex!r}")
    followup = _whole("age_at_start_of_followup", age_at_start_of_followup, 10)
    conviction = _whole("age_at_current_conviction", age_at_current_conviction, 10)
    first = _whole("age_at_first_sanction", age_at_first_sanction, 10)
    sanctions = _whole("total_sanctions", total_sanctions, 1)
    if first > conviction:
        raise ValueError(f"age_at_first_sanction ({first}) cannot be after age_at_current_conviction ({conviction})")
    if conviction > followup:
        raise ValueError(f"age_at_current_conviction ({conviction}) cannot be after age_at_start_of_followup ({followup})")
    if sanctions == 1 and first != conviction:
        raise ValueError(
            f"with 1 sanction (the current one) age_at_first_sanction ({first}) must equal age_at_current_conviction ({conviction})"
        )
    if offence_group not in OFFENCE_GROUPS:
        raise ValueError(f"offence_group {offence_group!r} is not an OGRS3 offence group; use one of: {', '.join(OFFENCE_GROUPS)}")

    band = next(b for b in AGE_GENDER if b[0] <= followup and (b[1] is None or followup <= b[1]))
    age_term = band[2] if sex == "male" else band[3]
    sanction_term = REPEAT_SANCTION if sanctions > 1 else FIRST_SANCTION
    years = conviction - first
    copas_term = COPAS * math.log(sanctions / (10 + years))
    offence_term = OFFENCE_GROUPS[offence_group]
    y = age_term + sanction_term + copas_term + offence_term
    one, two = (1 / (1 + math.exp(-(INTERCEPT[k] + y))) for k in (1, 2))
    two_percent = _percent(two)
    band_label = f"{band[0]}+" if band[1] is None else f"{band[0]}-{band[1]}"
    return Ogrs3Result(
        one_year=one,
        two_year=two,
        one_year_percent=_percent(one),
        two_year_percent=two_percent,
        band=_band(two_percent),
        breakdown=(
            f"age/gender: {sex} aged {band_label} at start of follow-up ({age_term:+.6f})",
            f"sanction: {'repeat' if sanctions > 1 else 'first'} ({sanction_term:+.6f})",
            f"Copas rate: ln({sanctions}/(10+{years})) x {COPAS} ({copas_term:+.6f})",
            f"offence group: {offence_group} ({offence_term:+.6f})",
            f"two-year band from {two_percent}%",
        ),
    )
