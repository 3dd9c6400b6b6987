"""``audit.jsonable``: what an event's ``changes`` hold, whether the value is already plain JSON
(answered first, issue 11) or not. The expected values are written out by hand."""

from __future__ import annotations

import datetime
import decimal
import uuid

from iomhub.access import audit
from iomhub.access.models import AuditAction, Section

WHEN = datetime.datetime(2026, 5, 1, 9, 30, tzinfo=datetime.UTC)


def test_plain_json_comes_back_equal_and_a_copy():
    value = {"section": "justice", "n": 3, "x": 1.5, "ok": True, "none": None, "list": ["a", [1, {"b": False}]], "d": {"after": "z"}}
    found = audit.jsonable(value)
    assert found == {
        "section": "justice",
        "n": 3,
        "x": 1.5,
        "ok": True,
        "none": None,
        "list": ["a", [1, {"b": False}]],
        "d": {"after": "z"},
    }
    value["list"][1].append(2)
    value["d"]["after"] = "changed"
    assert found["list"] == ["a", [1, {"b": False}]] and found["d"] == {"after": "z"}


def test_everything_else_is_made_json_at_any_depth():
    value = {
        1: datetime.date(2026, 1, 2),
        "when": WHEN,
        "id": uuid.UUID(int=1),
        "amount": decimal.Decimal("2.50"),
        "tuple": (datetime.date(2025, 12, 31), ("x", 2)),
        "nested": [{"on": datetime.date(2024, 2, 29), 7: None}],
        Section.JUSTICE: "enum key",
    }
    assert audit.jsonable(value) == {
        "1": "2026-01-02",
        "when": "2026-05-01T09:30:00+00:00",
        "id": "00000000-0000-0000-0000-000000000001",
        "amount": "2.50",
        "tuple": ["2025-12-31", ["x", 2]],
        "nested": [{"on": "2024-02-29", "7": None}],
        str(Section.JUSTICE): "enum key",
    }


def test_a_str_subclass_is_kept_as_it_is_and_the_diff_of_an_arrest_is_unchanged():
    assert audit.jsonable(AuditAction.CREATE) is AuditAction.CREATE
    after = {
        "arrested_on": datetime.date(2026, 8, 1),
        "custody_suite": "Northbridge",
        "outcome": "charge",
        "offence_codes": ["28E", "105A"],
    }
    assert audit.jsonable({"section": Section.JUSTICE, **audit.diff({}, after)}) == {
        "section": Section.JUSTICE,
        "arrested_on": {"before": None, "after": "2026-08-01"},
        "custody_suite": {"before": None, "after": "Northbridge"},
        "outcome": {"before": None, "after": "charge"},
        "offence_codes": {"before": None, "after": ["28E", "105A"]},
    }
