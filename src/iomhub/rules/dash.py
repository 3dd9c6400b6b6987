"""The SafeLives DASH risk identification checklist (24 questions) and the MARAC referral criteria.

Sources: seed 000 §6.7 (MARAC and DASH in the IOM service); SafeLives Dash risk checklist (24
questions, "the thresholds for referral to Marac"); MARAC referral criteria (instruments.md §2.4):
1. visible high risk: 14 or more "yes" answers;
2. professional judgement, on its own;
3. potential escalation: incidents in the past 12 months at or over a locally set threshold
   (commonly 3; configurable);
4. repeat: any further incident within 12 months of the last MARAC referral.
"not-known" counts as not "yes". Professional judgement never downgrades a visible high risk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

QUESTIONS = 24
HIGH_RISK_YES = 14
ANSWERS = ("yes", "no", "not-known")


@dataclass(frozen=True, slots=True)
class DashResult:
    yes_count: int
    high_risk: bool
    refer_to_marac: bool
    reasons: tuple[str, ...]
    breakdown: tuple[str, ...]


def dash(
    answers: Sequence[str],
    *,
    professional_judgement: bool = False,
    incidents_last_12_months: int = 0,
    escalation_threshold: int = 3,
    repeat_within_12_months_of_last_marac: bool = False,
) -> DashResult:
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError(f"DASH answers must be a sequence of {QUESTIONS} answers, not {answers!r}")
    if len(answers) != QUESTIONS:
        raise ValueError(f"DASH needs exactly {QUESTIONS} answers, not {len(answers)}")
    for number, answer in enumerate(answers, start=1):
        if answer not in ANSWERS:
            raise ValueError(f"DASH question {number}: answer must be yes, no or not-known, not {answer!r}")
    flags: tuple[tuple[str, object], ...] = (
        ("professional_judgement", professional_judgement),
        ("repeat_within_12_months_of_last_marac", repeat_within_12_months_of_last_marac),
    )
    for flag, setting in flags:
        if not isinstance(setting, bool):
            raise ValueError(f"{flag} must be True or False, not {setting!r}")
    for name, value in (("incidents_last_12_months", incidents_last_12_months), ("escalation_threshold", escalation_threshold)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")
    if escalation_threshold < 1:
        raise ValueError(f"escalation_threshold must be 1 or more, not {escalation_threshold}")

    yes = sum(1 for a in answers if a == "yes")
    reasons: list[str] = []
    breakdown: list[str] = []
    if yes >= HIGH_RISK_YES:
        reasons.append("visible-high-risk")
        breakdown.append(f"{yes} 'yes' answers: 14 or more is visible high risk")
    if professional_judgement:
        reasons.append("professional-judgement")
        breakdown.append("referral on professional judgement (reasons to be recorded)")
    if incidents_last_12_months >= escalation_threshold:
        reasons.append("potential-escalation")
        breakdown.append(f"{incidents_last_12_months} incidents in 12 months: threshold {escalation_threshold}")
    if repeat_within_12_months_of_last_marac:
        reasons.append("repeat")
        breakdown.append("further incident within 12 months of the last MARAC referral")
    if not reasons:
        breakdown.append(f"{yes} 'yes' answers and no other criterion: no MARAC referral")
    return DashResult(
        yes_count=yes,
        high_risk=yes >= HIGH_RISK_YES,
        refer_to_marac=bool(reasons),
        reasons=tuple(reasons),
        breakdown=tuple(breakdown),
    )
