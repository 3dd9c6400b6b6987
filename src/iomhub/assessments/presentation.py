"""What the pages say about a stored instrument: its questions with the answers given, the result
and the action it calls for (000 §6.3.2, appendix 3; instruments.md §1.3, §2.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from iomhub.assessments.models import FRAMES, AlcoholScreening, DashChecklist, Instrument, Zone
from iomhub.assessments.questions import AUDIT, DASH, DASH_ANSWERS

if TYPE_CHECKING:
    from iomhub.assessments.selectors import HealthRecord

MARAC_REASONS = {
    "visible-high-risk": "Visible high risk: 14 or more \u2018yes\u2019 answers",
    "professional-judgement": "Professional judgement",
    "potential-escalation": "Potential escalation: incidents in the last 12 months at or over the local threshold",
    "repeat": "Repeat: a further incident within 12 months of the last MARAC referral",
}
FRAMES_LABELS = dict(FRAMES)


def action(s: AlcoholScreening) -> str:
    """The action the result calls for, in the words of 000 §6.3.2 and appendix 3."""
    if s.instrument == Instrument.AUDIT_C:
        if s.full_audit_advised:
            return "Offer brief advice, and complete the full AUDIT (AUDIT-C of 5 or more)"
        return "Lower risk: encourage them to keep to this level of drinking"
    return {
        Zone.LOWER: "Lower risk: no intervention; encourage them to keep to this level of drinking",
        Zone.INCREASING: "Offer brief advice",
        Zone.HIGHER: "Offer brief advice and continue monitoring",
        Zone.DEPENDENCE: "Possible dependence: refer to a specialist treatment service or advise them to consult their GP (no brief advice)",
    }[Zone(s.zone)]


@dataclass(frozen=True)
class ScreeningView:
    screening: AlcoholScreening
    maximum: int
    zone: str
    action: str
    answers: list[tuple[int, str, str]]  # number, question, the answer given

    def __getattr__(self, name: str) -> Any:
        return getattr(self.screening, name)


def screening_view(s: AlcoholScreening) -> ScreeningView:
    answers = []
    for number, score in enumerate(s.answers, start=1):
        question, options = AUDIT[number - 1]
        answers.append((number, question, f"{dict(options)[score]} (scores {score})"))
    return ScreeningView(s, 12 if s.instrument == Instrument.AUDIT_C else 40, s.get_zone_display(), action(s), answers)


@dataclass(frozen=True)
class ChecklistView:
    checklist: DashChecklist
    reasons: list[str]
    answers: list[tuple[int, str, str]]
    referral: Any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.checklist, name)


def checklist_view(c: DashChecklist) -> ChecklistView:
    labels = dict(DASH_ANSWERS)
    return ChecklistView(
        c,
        [MARAC_REASONS[r] for r in c.reasons],
        [(n, q, labels[a]) for n, (q, a) in enumerate(zip(DASH, c.answers, strict=True), start=1)],
        getattr(c, "marac_referral", None),
    )


def record_view(record: HealthRecord) -> dict[str, Any]:
    return {
        "screenings": [screening_view(s) for s in record.screenings],
        "checklists": [checklist_view(c) for c in record.checklists],
        "frames": FRAMES_LABELS,
    }
