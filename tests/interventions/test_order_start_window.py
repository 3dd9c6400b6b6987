"""A DRR or ATR starts within 3 years of the date the court made it (Sentencing Act 2020 s.209(2);
``rules.date_windows.ORDER_START_MONTHS``): the same message from the service, the page and the
API. Made on 2 March 2026, the last start accepted is 2 March 2029 (by hand)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from iomhub.access.models import Role
from iomhub.interventions import services
from iomhub.interventions.models import TreatmentOrder
from tests.interventions.test_orders import ORDER

pytestmark = pytest.mark.django_db
D = datetime.date
TOO_LATE = "The start date must be on or before 2 March 2029, within 3 years of the date the order was made"


def test_an_order_starting_on_the_windows_last_day_is_recorded(registered, today):
    order = services.order_record(
        acting_user=registered.users[Role.SUBSTANCE_MISUSE], person=registered.ordinary, **ORDER | {"starts_on": D(2029, 3, 2)}
    )
    assert order.starts_on == D(2029, 3, 2)


@pytest.mark.parametrize("starts", [D(2029, 3, 3), D(2099, 1, 1), D(9999, 12, 31)])
def test_an_order_starting_later_is_refused_naming_the_field(registered, today, starts):
    with pytest.raises(ValidationError) as caught:
        services.order_record(
            acting_user=registered.users[Role.SUBSTANCE_MISUSE], person=registered.ordinary, **ORDER | {"starts_on": starts}
        )
    assert caught.value.message_dict["starts_on"] == [TOO_LATE]
    assert not TreatmentOrder.objects.exists()


def _date(prefix, d):
    return {f"{prefix}_day": str(d.day), f"{prefix}_month": str(d.month), f"{prefix}_year": str(d.year)}


def test_the_same_start_refused_alike_on_the_page_and_in_the_api(client, registered, today):
    p = registered
    client.force_login(p.users[Role.SUBSTANCE_MISUSE])
    pid = p.ordinary.pk
    form = {k: v for k, v in ORDER.items() if k not in ("made_on", "starts_on")}
    page = client.post(
        f"/people/{pid}/interventions/orders/new/", form | _date("made_on", ORDER["made_on"]) | _date("starts_on", D(2029, 3, 3))
    )
    assert page.status_code == 400  # this app's form pages answer a refused form with 400
    assert page.context["form"].errors["starts_on"] == [TOO_LATE]
    api = client.post(
        f"/api/v1/people/{pid}/treatment-orders",
        {**ORDER, "made_on": "2026-03-02", "starts_on": "2029-03-03"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["errors"]["starts_on"] == [TOO_LATE]
    assert not TreatmentOrder.objects.exists()
