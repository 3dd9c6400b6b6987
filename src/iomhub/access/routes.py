"""Routes declare how they are guarded; an undeclared route is refused (default deny).

``@guarded(Action.X, personal_data=True)`` on a view (or ``iomhub_route = ...`` on a class)
says which policy action protects it and whether it touches a person's data. ``@public`` marks the
few routes reachable without signing in. ``tests/access/test_routes.py`` walks every URL pattern
and fails if one is undeclared, and exercises each personal-data route for guarding and audit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from iomhub.access.policy import Action

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class RouteRule:
    action: Action | None
    personal_data: bool = False
    public: bool = False
    api: bool = False  # authenticated by DRF (token or session) inside the view


def guarded(action: Action, *, personal_data: bool = False, api: bool = False) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view.iomhub_route = RouteRule(action=action, personal_data=personal_data, api=api)  # type: ignore[attr-defined]
        return view

    return mark


def public(view: F) -> F:
    view.iomhub_route = RouteRule(action=None, public=True)  # type: ignore[attr-defined]
    return view


def rule_of(callback: Any) -> RouteRule | None:
    for candidate in (callback, getattr(callback, "cls", None), getattr(callback, "view_class", None)):
        rule = getattr(candidate, "iomhub_route", None)
        if isinstance(rule, RouteRule):
            return rule
    return None
