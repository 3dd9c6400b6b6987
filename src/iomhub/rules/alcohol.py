"""AUDIT and AUDIT-C alcohol screening: score, risk zone and the action it calls for.

Sources:
- Seed 000 (Hampshire IOM service specification) §6.3.2 and appendices 2-3: alcohol identification
  and brief advice with AUDIT-C, "5+" leading to the full AUDIT and brief advice.
- The UK AUDIT form (units): questions 1-8 score 0-4; questions 9 and 10 score 0, 2 or 4; total 0-40
  (reference/instruments.md §1.1).
- Zones: 0-7 lower risk, 8-15 increasing risk (hazardous), 16-19 higher risk (harmful), 20-40 possible
  dependence (WHO, Babor et al. 2001; UK labels), instruments.md §1.3.
- Actions: brief advice for increasing and higher risk; referral for specialist assessment at
  possible dependence, and no brief intervention then (OHID, UK clinical guidelines for alcohol
  treatment, ch. 3).
- AUDIT-C: 5 or more is positive ("increasing or higher risk"): brief advice, and the remaining
  seven questions (the full AUDIT) should be asked. AUDIT-C alone never refers to a specialist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

AUDIT_ZONES: tuple[tuple[int, int, str], ...] = (
    (0, 7, "lower-risk"),
    (8, 15, "increasing-risk"),
    (16, 19, "higher-risk"),
    (20, 40, "possible-dependence"),
)
AUDIT_C_THRESHOLD = 5


@dataclass(frozen=True, slots=True)
class AlcoholScreen:
    score: int
    zone: str
    brief_advice: bool
    refer_specialist: bool
    full_audit_advised: bool
    breakdown: tuple[str, ...]


def _check_answers(answers: Sequence[int], count: int, instrument: str) -> list[int]:
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError(f"{instrument} answers must be a sequence of {count} scores, not {answers!r}")
    if len(answers) != count:
        raise ValueError(f"{instrument} needs exactly {count} answers, not {len(answers)}")
    checked = []
    for number, answer in enumerate(answers, start=1):
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise ValueError(f"{instrument} question {number}: answer must be a whole number, not {answer!r}")
        allowed = (0, 2, 4) if instrument == "AUDIT" and number >= 9 else (0, 1, 2, 3, 4)
        if answer not in allowed:
            raise ValueError(f"{instrument} question {number}: answer must be one of {', '.join(map(str, allowed))}, not {answer}")
        checked.append(answer)
    return checked


def audit_c(answers: Sequence[int]) -> AlcoholScreen:
    """AUDIT-C: the first three AUDIT questions, each 0-4 (000 §6.3.2, appendix 3)."""
    score = sum(_check_answers(answers, 3, "AUDIT-C"))
    positive = score >= AUDIT_C_THRESHOLD
    return AlcoholScreen(
        score=score,
        zone="increasing-or-higher-risk" if positive else "lower-risk",
        brief_advice=positive,
        refer_specialist=False,
        full_audit_advised=positive,
        breakdown=("AUDIT-C 5+: brief advice and complete the full AUDIT (000 §6.3.2)",)
        if positive
        else ("AUDIT-C 0-4: lower risk (000 §6.3.2)",),
    )


def audit(answers: Sequence[int]) -> AlcoholScreen:
    """The full AUDIT: ten questions as printed on the UK form (000 appendix 2)."""
    score = sum(_check_answers(answers, 10, "AUDIT"))
    zone = next(name for low, high, name in AUDIT_ZONES if low <= score <= high)
    brief = zone in ("increasing-risk", "higher-risk")
    refer = zone == "possible-dependence"
    rule = {
        "lower-risk": "AUDIT 0-7: lower risk, no intervention",
        "increasing-risk": "AUDIT 8-15: increasing risk (hazardous), brief advice",
        "higher-risk": "AUDIT 16-19: higher risk (harmful), brief advice and monitoring",
        "possible-dependence": "AUDIT 20+: possible dependence, refer for specialist assessment",
    }[zone]
    return AlcoholScreen(score=score, zone=zone, brief_advice=brief, refer_specialist=refer, full_audit_advised=False, breakdown=(rule,))
