"""Every read of drug tests and DRR / ATR orders: fetched, authorised and audited.

A drug test's record is health, its date the timeline's (the visit): the drug tests are read only
by a reader with both. Orders and their reviews are health. A reader without them is refused
(audited, ``access.errors.deny``); the person's existence is hidden from whoever may not see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.http import Http404

from iomhub.access import audit
from iomhub.access.models import Section
from iomhub.access.policy import Action, decide
from iomhub.access.projection import lens_for
from iomhub.access.refusals import require_person_view
from iomhub.interventions.models import DrugTest, OrderReview, TreatmentOrder
from iomhub.people.selectors import person_get_for
from iomhub.rules import interventions as rules

if TYPE_CHECKING:
    import datetime

    from iomhub.access.models import User
    from iomhub.people.models import Person

DRUG_TEST_SECTIONS = (Section.TIMELINE, Section.HEALTH)
ORDER_SECTIONS = (Section.HEALTH,)


def person_for_sections(*, user: User, person_id: int | str, sections: tuple[str, ...], what: str) -> Person:
    """The person, when ``user`` may read every one of ``sections`` of their record; otherwise
    refused and audited (404 when the person is not visible at all). The read is audited once,
    naming the sections and ``what`` was read."""
    person = person_get_for(user=user, person_id=person_id, audit_read=False)
    require_person_view(user, person, *sections, what=what)
    decision = decide(user, Action.PERSON_VIEW, person, section=sections[0])
    audit.record_read(
        actor=user,
        decision=decision,
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        changes={"section": sections[-1], "fields": [what]},
    )
    return person


def sees_drug_tests(user: User, person: Person) -> bool:
    return lens_for(user, person).sees(*DRUG_TEST_SECTIONS)


def sees_orders(user: User, person: Person) -> bool:
    return lens_for(user, person).sees(*ORDER_SECTIONS)


def drug_tests_for(*, user: User, person_id: int | str) -> tuple[Person, list[DrugTest]]:
    """The person's drug tests, newest first, with the result of each substance."""
    person = person_for_sections(user=user, person_id=person_id, sections=DRUG_TEST_SECTIONS, what="drug-tests")
    return person, list(DrugTest.objects.filter(person=person).select_related("order").prefetch_related("results"))


def drug_test_for(*, person: Person, test_id: int | str) -> DrugTest:
    try:
        return DrugTest.objects.select_related("order").prefetch_related("results").get(pk=int(test_id), person=person)
    except (DrugTest.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such drug test") from None


@dataclass(frozen=True)
class OrderView:
    order: TreatmentOrder
    ends_on: datetime.date
    reviews: list[OrderReview]
    tests: list[DrugTest]


def _view(order: TreatmentOrder) -> OrderView:
    return OrderView(
        order=order,
        ends_on=rules.order_ends(order.starts_on, order.months),
        reviews=list(order.reviews.all()),
        tests=list(order.drug_tests.all()),
    )


def orders_for(*, user: User, person_id: int | str) -> tuple[Person, list[OrderView]]:
    """The person's DRR and ATR orders, newest first, each with its reviews and the tests under it."""
    person = person_for_sections(user=user, person_id=person_id, sections=ORDER_SECTIONS, what="treatment-orders")
    orders = TreatmentOrder.objects.filter(person=person).prefetch_related(
        "reviews", Prefetch("drug_tests", queryset=DrugTest.objects.prefetch_related("results"))
    )
    return person, [_view(o) for o in orders]


def order_for(*, person: Person, order_id: int | str) -> OrderView:
    """One of ``person``'s orders (the caller has authorised the person); 404 otherwise."""
    try:
        order = TreatmentOrder.objects.prefetch_related("reviews", "drug_tests__results").get(pk=int(order_id), person=person)
    except (TreatmentOrder.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such order") from None
    return _view(order)


def review_for(*, order: TreatmentOrder, review_id: int | str) -> OrderReview:
    try:
        return OrderReview.objects.get(pk=int(review_id), order=order)
    except (OrderReview.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such review") from None
