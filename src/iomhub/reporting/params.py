"""Reading a report's parameters from a query string or the command line, each error naming the
parameter (the pages show it, the API answers 400, the command exits with it)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from iomhub import clock
from iomhub.rules.quarters import Quarter
from iomhub.validation import NotWhole, whole_number


class BadParameter(ValueError):
    pass


@dataclass(frozen=True)
class ReportParams:
    quarter: Quarter
    team_id: int | None


def team_id_from(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        return whole_number(value, minimum=1, maximum=999_999_999)  # ASCII digits only: "²" is no number
    except NotWhole:
        raise BadParameter(f"team must be a local team's number, not {str(value)[:40]!r}") from None


def quarter_from(value: str | None) -> Quarter:
    if value in (None, ""):
        return Quarter.containing(clock.today()).previous()
    try:
        return Quarter.parse(str(value))
    except ValueError as error:
        raise BadParameter(str(error)) from error


def date_from(name: str, value: str | None, default: datetime.date) -> datetime.date:
    if value in (None, ""):
        return default
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise BadParameter(f"{name} must be a date written like 2025-04-01, not {value!r}") from error


def report_params(query: Mapping[str, str]) -> ReportParams:
    return ReportParams(quarter=quarter_from(query.get("quarter")), team_id=team_id_from(query.get("team")))
