"""The merge pages: choose the record to keep, check your answers, merge; the record's merges and undo."""

from __future__ import annotations

import pytest

from iomhub.access.models import AuditEvent, Role
from iomhub.people.models import Person, PersonMerge
from tests.factories import PersonFactory, pnc
from tests.justice import factories as justice


@pytest.fixture
def duplicate(partnership):
    kept = partnership.ordinary
    dup = PersonFactory(first_name="Jordon", last_name="Example", date_of_birth=kept.date_of_birth, pnc_id="", crn="X765432")
    justice.arrest(user=partnership.users[Role.POLICE_IOM_OFFICER], person=dup)
    return dup


def test_a_coordinator_merges_a_duplicate_through_the_pages_and_undoes_it(client, partnership, duplicate):
    kept = partnership.ordinary
    client.force_login(partnership.users[Role.COORDINATOR])

    page = client.get(f"/people/{duplicate.pk}/")
    assert f"/people/{duplicate.pk}/merge/" in page.content.decode()

    choose = client.get(f"/people/{duplicate.pk}/merge/")
    assert choose.status_code == 200
    assert f'value="{kept.pk}"' in choose.content.decode()  # offered, with its reasons
    assert "same date of birth" in choose.content.decode()

    response = client.post(f"/people/{duplicate.pk}/merge/", {"into": str(kept.pk)})
    assert response.status_code == 302 and response["Location"].endswith(f"?into={kept.pk}")

    check = client.get(response["Location"])
    text = check.content.decode()
    assert "Check before merging these records" in text
    assert "1 arrests" in text and "probation CRN X765432" in text and "Merge records" in text

    refused = client.post(response["Location"], {"reason": ""})
    assert "Enter why these two records are the same person" in refused.content.decode()
    assert not PersonMerge.objects.exists()

    done = client.post(response["Location"], {"reason": "Same custody photo and date of birth"})
    assert done.status_code == 302 and done["Location"] == f"/people/{kept.pk}/"
    merge = PersonMerge.objects.get()
    assert kept.arrests.count() == 1 and not duplicate.arrests.exists()

    redirected = client.get(f"/people/{duplicate.pk}/")
    assert redirected.status_code == 302 and redirected["Location"] == f"/people/{kept.pk}/"

    listing = client.get(f"/people/{kept.pk}/merges/")
    assert f"?undo={merge.pk}" in listing.content.decode()
    confirm = client.get(f"/people/{kept.pk}/merges/?undo={merge.pk}")
    assert "Undo this merge" in confirm.content.decode() and "1 arrests" in confirm.content.decode()
    undone = client.post(f"/people/{kept.pk}/merges/?undo={merge.pk}", {"undo": merge.pk, "reason": "Twins, not one person"})
    assert undone.status_code == 302 and undone["Location"] == f"/people/{duplicate.pk}/"
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None and duplicate.arrests.count() == 1 and not kept.arrests.exists()
    assert AuditEvent.objects.filter(object_type="person-merge").count() == 4


def test_the_check_page_refuses_conflicting_identifiers_clearly(client, partnership, duplicate):
    Person.objects.filter(pk=duplicate.pk).update(pnc_id=pnc(2020, 4242))
    client.force_login(partnership.users[Role.IG_LEAD])
    page = client.get(f"/people/{duplicate.pk}/merge/?into={partnership.ordinary.pk}")
    text = page.content.decode()
    assert "These records cannot be merged" in text
    assert "Both records have a PNC ID and they differ" in text
    assert "Merge records" not in text
    response = client.post(f"/people/{duplicate.pk}/merge/?into={partnership.ordinary.pk}", {"reason": "Same"})
    assert response.status_code == 200 and not PersonMerge.objects.exists()


def test_a_record_number_can_be_entered_and_a_bad_one_is_explained(client, partnership, duplicate):
    client.force_login(partnership.users[Role.COORDINATOR])
    missing = client.post(f"/people/{duplicate.pk}/merge/", {"into": "other"})
    assert "Enter the record number of the record to keep" in missing.content.decode()
    response = client.post(f"/people/{duplicate.pk}/merge/", {"into": "other", "record_number": "999999"})
    assert response["Location"].endswith("?into=999999")
    gone = client.get(response["Location"], follow=True)
    assert "There is no record 999999 that you can see" in gone.content.decode()


@pytest.mark.parametrize("role", [Role.POLICE_IOM_OFFICER, Role.CHAIR, Role.PARTNER_WORKER])
def test_roles_that_may_not_merge_do_not_see_the_link_and_are_refused_the_pages(client, partnership, duplicate, role):
    user = partnership.users[role]
    client.force_login(user)
    if role != Role.PARTNER_WORKER:
        assert "/merge/" not in client.get(f"/people/{partnership.ordinary.pk}/").content.decode()
    for url in (f"/people/{duplicate.pk}/merge/?into={partnership.ordinary.pk}", f"/people/{partnership.ordinary.pk}/merges/"):
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "Same"}).status_code == 403
    assert not PersonMerge.objects.exists()
    assert AuditEvent.objects.filter(actor=user, action="denied").exists()


def test_the_api_says_which_record_a_merged_duplicate_went_into(client, partnership, duplicate):
    from iomhub.people import merging

    kept = partnership.ordinary
    merging.person_merge(acting_user=partnership.users[Role.COORDINATOR], duplicate=duplicate, kept=kept, reason="Same")
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    assert client.get(f"/api/v1/people/{duplicate.pk}").json()["merged_into"] == kept.pk
    assert client.get(f"/api/v1/people/{kept.pk}").json()["merged_into"] is None
