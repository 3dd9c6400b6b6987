"""Steps an app above installs into an app below it at start-up (ADR 0032, addendum).

Apps are in layers: an app imports only the apps below it. When an app below needs a fact or a step
that an app above owns (cohort needs casework's agencies; the policy needs people's restrictions),
the owner installs it from its ``AppConfig.ready`` into a :class:`Slot` of the app below. One
mechanism for every such point: a named slot, installed once, and one of two answers when nothing
is installed, chosen by the slot's owner where it is declared:

- ``slot.step()``: the step, or ``ImproperlyConfigured`` naming what is missing and who installs it
  (for a decision that cannot be made safely without it: refuse rather than guess);
- ``slot.step_or(default)``: the step, or a safe default (for a reader whose absence has a safe
  answer: nobody restricted shown, no periods drawn).
"""

from __future__ import annotations

from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

__all__ = ["Slot"]

Step = TypeVar("Step")


class Slot(Generic[Step]):
    """A place for one step, installed at start-up by the app named in ``installed_by``."""

    def __init__(self, what: str, *, installed_by: str) -> None:
        self.what = what
        self.installed_by = installed_by
        self._step: Step | None = None

    def install(self, step: Step) -> None:
        self._step = step

    @property
    def installed(self) -> bool:
        return self._step is not None

    def step(self) -> Step:
        if self._step is None:
            raise ImproperlyConfigured(f"No {self.what}: {self.installed_by} installs it (ADR 0032)")
        return self._step

    def step_or(self, default: Step) -> Step:
        return default if self._step is None else self._step

    def __repr__(self) -> str:
        return f"<Slot {self.what}: {'installed' if self.installed else 'empty'}>"
