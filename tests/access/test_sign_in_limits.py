"""Sign-in limits and enrolment (issue 9 findings 14 and 15, ADR 0012): a username from one address
is locked after five failures, without locking anyone else behind that address; a username from
anywhere and an address for every username have slower limits a good sign-in does not reset; the
first authenticator app is set up only through a one-time link an administrator issues; every
step is audited in order."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from iomhub.access.models import EnrolmentLink, Role
from iomhub.access.sign_in import enrolment_link_issue
from tests.access.support import code_for, events_since, last_event_id
from tests.factories import PASSWORD, UserFactory

OFFICE = "198.51.100.7"  # one proxy or office: many users behind one address
ELSEWHERE = "203.0.113.50"


def attempt(username: str, password: str = PASSWORD, address: str = OFFICE, client: Client | None = None):
    return (client or Client()).post("/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_one_users_failures_do_not_lock_another_user_behind_the_same_address(partnership, settings):
    for _ in range(settings.IOMHUB_LOCKOUT_FAILURES):
        attempt("chair", "wrong password here")
    assert attempt("chair").status_code == 429  # that pair is locked, even with the right password
    assert attempt("probation-officer").status_code == 302  # a colleague in the same office is not
    assert attempt("chair", address=ELSEWHERE).status_code == 302  # nor the chair elsewhere


def test_the_pair_lock_lasts_thirty_minutes(partnership, settings):
    from iomhub.access.models import SignInFailure

    for _ in range(settings.IOMHUB_LOCKOUT_FAILURES):
        attempt("chair", "wrong password here")
    assert attempt("chair").status_code == 429
    SignInFailure.objects.update(occurred_at=timezone.now() - datetime.timedelta(minutes=31))
    assert attempt("chair").status_code == 302


def test_a_username_is_locked_after_failures_from_many_addresses(partnership, settings):
    settings.IOMHUB_LOCKOUT_USER_FAILURES = 8
    addresses = [f"203.0.113.{i}" for i in range(1, 5)]
    for address in addresses:
        for _ in range(2):
            attempt("chair", "wrong password here", address)  # the eighth is refused as locked
    since = last_event_id()
    assert attempt("chair", address="192.0.2.99").status_code == 429
    [event] = events_since(since, action="locked-out")
    assert (event.actor_username, event.reason) == ("chair", "username")
    assert attempt("probation-officer", address="192.0.2.99").status_code == 302


def test_a_good_sign_in_for_another_user_resets_nothing(partnership, settings):
    """A guesser with an account of their own cannot clear the counts by signing in between guesses."""
    settings.IOMHUB_LOCKOUT_USER_FAILURES = 6
    settings.IOMHUB_LOCKOUT_FAILURES = 100  # this test is about the username's own limit
    for _ in range(3):
        for _ in range(2):
            attempt("chair", "wrong password here")
        assert attempt("no-role").status_code == 302  # the guesser's own account
    assert attempt("chair", address=ELSEWHERE).status_code == 429


def test_guessing_across_usernames_from_one_address_is_locked(partnership, settings):
    settings.IOMHUB_LOCKOUT_ADDRESS_FAILURES = 12
    usernames = [f"guess{i}" for i in range(12)]
    for i, username in enumerate(usernames):
        assert attempt(username, "wrong password here").status_code == (429 if i == 11 else 200)
        if i % 3 == 2 and i < 11:
            assert attempt("no-role").status_code == 302  # a good sign-in in between
    since = last_event_id()
    assert attempt("chair").status_code == 429  # the address is locked for every username now
    assert attempt("chair", "wrong password here", OFFICE).status_code == 429
    assert events_since(since, action="locked-out")[0].reason == "address"
    assert attempt("chair", address=ELSEWHERE).status_code == 302


def test_a_good_sign_in_clears_its_own_pair_only(partnership, settings):
    for _ in range(settings.IOMHUB_LOCKOUT_FAILURES - 1):
        attempt("chair", "wrong password here")
    assert attempt("chair").status_code == 302
    for _ in range(settings.IOMHUB_LOCKOUT_FAILURES - 1):
        assert attempt("chair", "wrong password here").status_code == 200


def test_wrong_security_codes_count_towards_the_lock(client, partnership, settings):
    settings.DEMO_MODE = False
    user = UserFactory(username="real-officer", roles=[Role.POLICE_IOM_OFFICER], demo_account=False)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    attempt("real-officer", client=client)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    for _ in range(settings.IOMHUB_LOCKOUT_FAILURES):
        client.post("/sign-in/two-factor/", {"token": wrong}, REMOTE_ADDR=OFFICE)
    assert client.post("/sign-in/two-factor/", {"token": code_for(device)}, REMOTE_ADDR=OFFICE).status_code == 429
    assert client.get("/people/").status_code == 302


# ---- the order of the audit trail ------------------------------------------------------------------


@pytest.fixture
def strict(settings, db):
    settings.DEMO_MODE = False
    return settings


def test_sign_in_is_audited_only_after_the_second_factor(client, partnership, strict):
    user = UserFactory(username="real-officer", roles=[Role.POLICE_IOM_OFFICER], demo_account=False)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    since = last_event_id()
    attempt("real-officer", client=client)
    assert [e.action for e in events_since(since)] == ["password-ok"]
    client.post("/sign-in/two-factor/", {"token": code_for(device)}, REMOTE_ADDR=OFFICE)
    assert [e.action for e in events_since(since)] == ["password-ok", "second-factor-ok", "sign-in"]
    assert {e.actor for e in events_since(since)} == {user}


# ---- enrolment -------------------------------------------------------------------------------------


@pytest.fixture
def newcomer(partnership):
    return UserFactory(username="newcomer", roles=[Role.PROBATION_OFFICER], demo_account=False)


def test_without_a_link_a_password_alone_cannot_set_up_an_authenticator(client, newcomer, strict):
    response = attempt("newcomer", client=client)
    assert response["Location"].startswith("/sign-in/two-factor/set-up/")
    page = client.get("/sign-in/two-factor/set-up/")
    assert page.status_code == 200
    assert "ask your IOM Hub system administrator" in page.content.decode()
    assert "otpauth" not in page.content.decode()
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    client.post("/sign-in/two-factor/set-up/", {"token": "123456"})
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    assert client.get("/people/").status_code == 302


def test_an_administrator_issues_a_link_shown_once_and_audited(partnership, newcomer):
    admin = Client()
    admin.force_login(partnership.users[Role.SYSTEM_ADMIN])
    assert "Issue a set-up link" in admin.get("/users/").content.decode()
    since = last_event_id()
    response = admin.post(f"/users/{newcomer.pk}/set-up-link/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "/sign-in/set-up-link/" in page
    [event] = events_since(since, action="enrolment-link")
    assert (event.actor, event.object_id) == (partnership.users[Role.SYSTEM_ADMIN], str(newcomer.pk))
    link = EnrolmentLink.objects.get(user=newcomer)
    assert link.digest not in page  # only the digest is kept; the secret was shown once


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CHAIR, Role.PROBATION_OFFICER])
def test_only_an_administrator_or_ig_lead_issues_links(partnership, newcomer, role):
    client = Client()
    client.force_login(partnership.users[role])
    assert client.post(f"/users/{newcomer.pk}/set-up-link/").status_code == 403
    assert not EnrolmentLink.objects.exists()


def test_the_link_sets_up_one_authenticator_once_with_the_password(client, partnership, newcomer, strict):
    _, secret = enrolment_link_issue(acting_user=partnership.users[Role.IG_LEAD], user_id=newcomer.pk)
    opened = client.get(f"/sign-in/set-up-link/{secret}/")
    assert opened.status_code == 302
    assert opened["Location"].startswith("/sign-in/")  # the link alone signs nobody in
    assert client.get("/people/").status_code == 302
    since = last_event_id()
    signed = attempt("newcomer", client=client)
    assert signed["Location"].startswith("/sign-in/two-factor/set-up/")
    assert client.get("/sign-in/two-factor/set-up/").status_code == 200
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    response = client.post("/sign-in/two-factor/set-up/", {"token": code_for(device)})
    assert response.status_code == 302
    assert client.get("/people/").status_code == 200
    assert [e.action for e in events_since(since)] == ["password-ok", "second-factor-set-up", "second-factor-ok", "sign-in"]
    assert EnrolmentLink.objects.get(user=newcomer).used_at is not None
    # Used once: the same link does nothing for anyone now.
    again = Client()
    assert again.get(f"/sign-in/set-up-link/{secret}/").status_code == 404


def test_a_used_link_cannot_enrol_a_second_device(partnership, newcomer, strict):
    _, secret = enrolment_link_issue(acting_user=partnership.users[Role.IG_LEAD], user_id=newcomer.pk)
    first, second = Client(), Client()
    for c in (first, second):
        c.get(f"/sign-in/set-up-link/{secret}/")
        attempt("newcomer", client=c)
        c.get("/sign-in/two-factor/set-up/")
    devices = list(TOTPDevice.objects.filter(user=newcomer, confirmed=False))
    device = devices[0]
    assert first.post("/sign-in/two-factor/set-up/", {"token": code_for(device)}).status_code == 302
    # The other session presents the same link after it was used.
    rogue = TOTPDevice.objects.create(user=newcomer, name="rogue", confirmed=False)
    session = second.session
    assert session.get("iomhub_enrolment_link")
    second.post("/sign-in/two-factor/set-up/", {"token": code_for(rogue)})
    assert list(TOTPDevice.objects.filter(user=newcomer, confirmed=True)) == [TOTPDevice.objects.get(pk=device.pk)]


def test_an_expired_or_replaced_link_does_not_work(client, partnership, newcomer, strict):
    admin = partnership.users[Role.SYSTEM_ADMIN]
    link, secret = enrolment_link_issue(acting_user=admin, user_id=newcomer.pk)
    EnrolmentLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(f"/sign-in/set-up-link/{secret}/").status_code == 404
    _, older = enrolment_link_issue(acting_user=admin, user_id=newcomer.pk)
    _, newer = enrolment_link_issue(acting_user=admin, user_id=newcomer.pk)
    assert client.get(f"/sign-in/set-up-link/{older}/").status_code == 404
    assert client.get(f"/sign-in/set-up-link/{newer}/").status_code == 302


def test_a_link_for_one_user_does_not_enrol_another(partnership, newcomer, strict):
    other = UserFactory(username="other-newcomer", roles=[Role.PROBATION_OFFICER], demo_account=False)
    _, secret = enrolment_link_issue(acting_user=partnership.users[Role.IG_LEAD], user_id=newcomer.pk)
    client = Client()
    client.get(f"/sign-in/set-up-link/{secret}/")
    attempt("other-newcomer", client=client)
    page = client.get("/sign-in/two-factor/set-up/").content.decode()
    assert "ask your IOM Hub system administrator" in page
    assert not TOTPDevice.objects.filter(user=other).exists()
