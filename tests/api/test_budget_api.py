"""Budget returns over the API (issue 16 §5, ADR 0031): a clean return is stored once and read back
with the totals worked out by hand below; a return with a problem is refused naming the row and
column and nothing is stored; the same policy as the budget page, every call audited."""

from __future__ import annotations

import base64

import pytest

from iomhub.access.models import AuditEvent, Role
from iomhub.reporting.budget import HEADER_ROW
from iomhub.reporting.models import StoredBudgetReturn
from iomhub.rules import budget
from tests.reporting.test_budget import _filled

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/budget-returns"
GOOD = {
    "hcc-a": (None, None, 60000),
    "partner-contributions": (None, None, "£5,000.00"),
    "operational-staff": (2, None, 40000),
    "management-staff": (1, None, 12000),
    "drug-testing": (None, None, 850.5),
    "interventions": (None, "Acupuncture sessions", 1200),
}


def _body(data: bytes, filename: str = "q2.xlsx") -> dict[str, str]:
    return {"filename": filename, "content_base64": base64.b64encode(data).decode()}


def test_a_clean_return_is_stored_once_and_read_back(client, partnership):
    lead = partnership.users[Role.PERFORMANCE_LEAD]
    client.force_login(lead)
    data = _filled(GOOD)
    made = client.post(URL, _body(data), content_type="application/json")
    assert made.status_code == 201, made.content
    got = made.json()
    # income 60000 + 5000; expenditure 40000 + 12000 + 850.50 + 1200
    assert (got["income_total"], got["expenditure_total"]) == ("65000.00", "54050.50")
    assert (got["organisation"], got["period"], got["uploaded_by"]) == ("Hampshire IOM Service", "Quarterly", lead.username)
    lines = {line["key"]: line for line in got["lines"]}
    assert {key for key, line in lines.items() if line["amount"] is not None} == set(GOOD)
    assert lines["operational-staff"]["staff"] == 2 and lines["operational-staff"]["amount"] == "40000.00"
    assert lines["interventions"]["specify"] == "Acupuncture sessions"
    assert [line["key"] for line in got["lines"]] == [line.key for line in budget.LINES]  # every line, the template's order

    assert client.get(URL).json() == [got]
    assert client.get(f"{URL}/{got['id']}").json() == got

    again = client.post(URL, _body(data, "copy.xlsx"), content_type="application/json")
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    assert str(got["id"]) in again.json()["detail"]
    assert StoredBudgetReturn.objects.count() == 1
    done = set(AuditEvent.objects.filter(object_type="budget-return").values_list("action", "object_id"))
    assert {("create", str(got["id"])), ("search", "list"), ("view", str(got["id"]))} <= done


def test_a_return_with_a_problem_is_refused_by_row_and_column_and_nothing_is_stored(client, partnership):
    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    data = _filled({"hcc-a": (None, None, 60000), "own-funds": (None, None, "lots")})
    refused = client.post(URL, _body(data), content_type="application/json")
    assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
    row = HEADER_ROW + 1 + [line.key for line in budget.LINES].index("own-funds")
    assert refused.json()["errors"] == {
        f"rows[{row}].Amount (£)": [f"Row {row}, Amount (£): must be an amount in pounds, like 1250.00, not 'lots'"]
    }
    assert not StoredBudgetReturn.objects.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [("not base64!", "is not base64"), ("", "blank"), (base64.b64encode(b"just text").decode(), "is not an XLSX spreadsheet")],
)
def test_a_file_that_is_not_a_return_is_refused_naming_the_field(client, partnership, content, words):
    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    refused = client.post(URL, {"filename": "x.xlsx", "content_base64": content}, content_type="application/json")
    assert refused.status_code == 400
    errors = refused.json().get("errors", {})
    assert any(words in message for message in errors.get("content_base64", [])), refused.json()
    assert not StoredBudgetReturn.objects.exists()


def test_roles_that_do_not_read_reports_are_refused_and_nothing_is_stored(client, partnership):
    client.force_login(partnership.users[Role.PERFORMANCE_LEAD])
    stored = client.post(URL, _body(_filled(GOOD)), content_type="application/json").json()
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/{stored['id']}").status_code == 403
    assert client.post(URL, _body(_filled({"hcc-a": (None, None, 1)})), content_type="application/json").status_code == 403
    assert StoredBudgetReturn.objects.count() == 1
    assert AuditEvent.objects.filter(action="denied").exists()
