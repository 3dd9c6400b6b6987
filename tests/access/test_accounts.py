"""User accounts (ADR 0045): added, changed, disabled and enabled by a system administrator or an
information governance lead, through the service, the pages and the API alike; a new account's
holder chooses their own password through the set-up link. Oracles: the rules as ADR 0045 states
them, read back from the database and the audit log, not from the service's own answers."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from iomhub import clock
from iomhub.access import accounts
from iomhub.access.models import ApiToken, AuditEvent, EnrolmentLink, Role, User
from iomhub.access.services import api_token_issue
from iomhub.access.sign_in import enrolment_link_issue, password_choose
from iomhub.casework.models import CaseRecord
from iomhub.cohort.models import Registration
from tests.access.support import code_for
from tests.access.test_sign_in import sign_in
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

MANAGERS = (Role.SYSTEM_ADMIN, Role.IG_LEAD)


def _new(p, by=Role.SYSTEM_ADMIN, **changes):
    fields = {
        "username": "nina.okafor",
        "first_name": "Nina",
        "last_name": "Okafor",
        "email": "nina.okafor@example.org",
        "organisation": p.police,
        "team": p.team,
        "roles": [Role.POLICE_IOM_OFFICER],
    }
    return accounts.user_create(acting_user=p.users[by], **{**fields, **changes})


def _fields_of(user, **changes):
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email or f"{user.username}@example.org",  # the factories' users have none
        "organisation": user.organisation,
        "team": user.team,
        "roles": sorted(user.role_codes),
        **changes,
    }


@pytest.mark.parametrize("by", MANAGERS)
def test_a_manager_adds_an_account_with_no_password_and_the_audit_log_says_what_it_holds(partnership, by):
    user = _new(partnership, by=by)
    stored = User.objects.get(username="nina.okafor")
    assert stored.pk == user.pk and stored.is_active and not stored.has_usable_password()
    assert set(stored.role_assignments.values_list("role", flat=True)) == {Role.POLICE_IOM_OFFICER}
    assert (stored.organisation, stored.team, stored.email) == (partnership.police, partnership.team, "nina.okafor@example.org")
    event = AuditEvent.objects.get(action="create", object_type="user", object_id=str(user.pk))
    assert event.actor_id == partnership.users[by].pk
    assert event.changes["roles"] == {"before": None, "after": ["police-iom-officer"]}
    assert event.changes["organisation"]["after"] == partnership.police.name


@pytest.mark.parametrize("role", [r for r in Role.values if r not in MANAGERS])
def test_no_other_role_may_add_change_or_disable_an_account(partnership, role):
    target = partnership.users[Role.POLICE_IOM_OFFICER if role != Role.POLICE_IOM_OFFICER else Role.CHAIR]
    actor = partnership.users[role]
    with pytest.raises(PermissionDenied):
        _new(partnership, by=role)
    with pytest.raises(PermissionDenied):
        accounts.user_change(acting_user=actor, user=target, **_fields_of(target, roles=[Role.SYSTEM_ADMIN]))
    with pytest.raises(PermissionDenied):
        accounts.user_disable(acting_user=actor, user=target, reason="trying")
    assert not User.objects.filter(username="nina.okafor").exists()
    target.refresh_from_db()
    assert target.is_active and set(target.role_assignments.values_list("role", flat=True)) != {Role.SYSTEM_ADMIN}
    assert AuditEvent.objects.filter(action="denied", actor=actor, object_type="user").count() == 3


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"username": "has space"}, "username", "no spaces"),
        ({"username": "ab"}, "username", "3 to 150"),
        ({"username": "POLICE-IOM-OFFICER"}, "username", "already taken"),  # the same as another, but for case
        ({"username": "system-feeds"}, "username", "already taken"),
        ({"first_name": "  "}, "first_name", "Enter the first name"),
        ({"last_name": "x" * 151}, "last_name", "150 characters or fewer"),
        ({"email": "not-an-address"}, "email", "correct format"),
        ({"email": ""}, "email", "Enter the e-mail address"),
        ({"organisation": None}, "organisation", "Select the organisation"),
        ({"roles": []}, "roles", "at least one role"),
        ({"roles": ["overlord"]}, "roles", "Unknown role: overlord"),
    ],
)
def test_a_bad_account_is_refused_naming_the_field_and_nothing_is_stored(partnership, changes, field, words):
    before, events = User.objects.count(), AuditEvent.objects.filter(action="create", object_type="user").count()
    with pytest.raises(ValidationError) as refused:
        _new(partnership, **changes)
    assert any(words in m for m in refused.value.message_dict[field]), refused.value.message_dict
    assert User.objects.count() == before
    assert AuditEvent.objects.filter(action="create", object_type="user").count() == events


def test_an_inactive_organisation_is_refused(partnership):
    partnership.dwp.active = False
    partnership.dwp.save()
    with pytest.raises(ValidationError) as refused:
        _new(partnership, organisation=partnership.dwp)
    assert "no longer an active partner organisation" in refused.value.message_dict["organisation"][0]


@pytest.mark.parametrize("guarded", [Role.SYSTEM_ADMIN, Role.IG_LEAD])
def test_only_a_system_administrator_grants_or_removes_the_roles_that_manage_accounts(partnership, guarded):
    with pytest.raises(ValidationError) as refused:
        _new(partnership, by=Role.IG_LEAD, roles=[Role.POLICE_IOM_OFFICER, guarded])
    assert "Only a system administrator" in refused.value.message_dict["roles"][0]
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    with pytest.raises(ValidationError) as refused:
        accounts.user_change(acting_user=partnership.users[Role.IG_LEAD], user=officer, **_fields_of(officer, roles=[guarded]))
    assert list(refused.value.message_dict) == ["roles"]
    assert not officer.role_assignments.filter(role=guarded).exists()
    # Removing it (or disabling its holder) is the system administrator's too.
    holder = _new(partnership, roles=[guarded])
    with pytest.raises(ValidationError) as refused:
        accounts.user_change(acting_user=partnership.users[Role.IG_LEAD], user=holder, **_fields_of(holder, roles=[Role.EVALUATOR]))
    assert list(refused.value.message_dict) == ["roles"]
    with pytest.raises(ValidationError) as refused:
        accounts.user_disable(acting_user=partnership.users[Role.IG_LEAD], user=holder, reason="left")
    assert "Only a system administrator" in refused.value.message_dict["roles"][0]
    holder.refresh_from_db()
    assert holder.is_active and holder.role_assignments.filter(role=guarded).exists()
    # The system administrator may.
    accounts.user_change(acting_user=partnership.users[Role.SYSTEM_ADMIN], user=holder, **_fields_of(holder, roles=[Role.EVALUATOR]))
    assert set(holder.role_assignments.values_list("role", flat=True)) == {Role.EVALUATOR}


@pytest.mark.parametrize("by", MANAGERS)
def test_nobody_changes_or_disables_their_own_account(partnership, by):
    me = partnership.users[by]
    with pytest.raises(ValidationError) as refused:
        accounts.user_change(acting_user=me, user=me, **_fields_of(me, roles=[by, Role.CHAIR]))
    assert "your own account" in refused.value.message_dict["__all__"][0]
    with pytest.raises(ValidationError):
        accounts.user_disable(acting_user=me, user=me, reason="testing")
    me.refresh_from_db()
    assert me.is_active and not me.role_assignments.filter(role=Role.CHAIR).exists()


def test_a_change_is_audited_field_by_field(partnership):
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    accounts.user_change(
        acting_user=partnership.users[Role.IG_LEAD],
        user=officer,
        **_fields_of(officer, last_name="Renamed", roles=[Role.POLICE_IOM_OFFICER, Role.CHAIR], team=None),
    )
    officer = User.objects.get(pk=officer.pk)
    assert officer.last_name == "Renamed" and officer.team is None and officer.role_codes == {Role.POLICE_IOM_OFFICER, Role.CHAIR}
    event = AuditEvent.objects.get(action="change", object_type="user", object_id=str(officer.pk))
    assert set(event.changes) == {"last_name", "email", "team", "roles"}
    assert event.changes["roles"] == {"before": ["police-iom-officer"], "after": ["chair", "police-iom-officer"]}


def test_the_feeds_system_account_is_not_managed_here(partnership):
    from iomhub.feeds.actors import feed_system_user

    system = feed_system_user()
    with pytest.raises(Http404):
        accounts.account_get(acting_user=partnership.users[Role.SYSTEM_ADMIN], user_id=system.pk)


def test_disabling_a_leaver_stops_their_session_and_tokens_at_once_and_keeps_the_reason(client, partnership):
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    token, secret = api_token_issue(acting_user=officer, name="phone", scope="read", second_factor_at=timezone.now())
    _, link = enrolment_link_issue(acting_user=partnership.users[Role.SYSTEM_ADMIN], user_id=officer.pk)
    client.force_login(officer)
    assert client.get("/people/").status_code == 200
    assert client.get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    accounts.user_disable(acting_user=partnership.users[Role.IG_LEAD], user=officer, reason="Left the force on 30 November 2026")

    assert not User.objects.get(pk=officer.pk).is_active
    assert client.get("/people/").status_code == 302  # signed out: back to the sign-in page
    assert client.get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert not EnrolmentLink.objects.filter(user=officer, used_at__isnull=True, expires_at__gt=timezone.now()).exists()
    assert client.get(f"/sign-in/set-up-link/{link}/").status_code == 404
    event = AuditEvent.objects.get(action="change", object_type="user", object_id=str(officer.pk))
    assert event.reason == "Left the force on 30 November 2026"
    assert event.changes["is_active"] == {"before": True, "after": False} and event.changes["api_tokens_revoked"] == 1
    assert client.post("/sign-in/", {"username": officer.username, "password": PASSWORD}).status_code == 200  # refused

    with pytest.raises(ValidationError):
        accounts.user_disable(acting_user=partnership.users[Role.IG_LEAD], user=officer, reason="again")
    with pytest.raises(ValidationError) as refused:
        accounts.user_enable(acting_user=partnership.users[Role.IG_LEAD], user=officer, reason="")
    assert "Enter why" in refused.value.message_dict["reason"][0]
    accounts.user_enable(acting_user=partnership.users[Role.IG_LEAD], user=officer, reason="Rejoined")
    assert User.objects.get(pk=officer.pk).is_active
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None  # stays revoked


def test_an_accounts_page_counts_the_work_it_holds_for_a_leaver_to_hand_on(client, partnership):
    officer = partnership.users[Role.PROBATION_OFFICER]
    CaseRecord.objects.create(person=partnership.ordinary, lead_worker=officer)
    CaseRecord.objects.create(person=partnership.housing_case, lead_worker=officer, coordinator=officer)
    Registration.objects.create(person=partnership.ordinary, started_on=datetime.date(2026, 3, 2), rag="amber")
    # due to begin: already theirs to hand on
    Registration.objects.create(person=partnership.housing_case, started_on=clock.today() + datetime.timedelta(days=7), rag="green")
    # left IOM: their case record still names the officer, which is history, not work held
    left = PersonFactory(first_name="Robin", last_name="Former", managing_team=partnership.ordinary.managing_team)
    Registration.objects.create(person=left, started_on=datetime.date(2025, 1, 6), ended_on=datetime.date(2026, 2, 27), rag="green")
    CaseRecord.objects.create(person=left, lead_worker=officer, coordinator=officer)
    # never registered (a referral's case record): nothing to hand on either
    CaseRecord.objects.create(person=partnership.restricted, lead_worker=officer)
    client.force_login(partnership.users[Role.IG_LEAD])
    page = client.get(f"/users/{officer.pk}/").content.decode()
    assert "Lead worker on 2 cases" in page and "Case coordinator on 1 case<" in page
    status_page = client.get(f"/users/{officer.pk}/status/").content.decode()
    assert "Lead worker on 2 cases" in status_page and "needs a new owner" in status_page
    assert partnership.ordinary.first_name not in page + status_page  # counts only: nobody named
    quiet = client.get(f"/users/{partnership.users[Role.EVALUATOR].pk}/").content.decode()
    assert "No cases or open plan actions" in quiet


def test_the_pages_add_change_and_disable_an_account(client, partnership):
    client.force_login(partnership.users[Role.SYSTEM_ADMIN])
    users = client.get("/users/").content.decode()
    assert 'href="/users/new/"' in users
    refused = client.post("/users/new/", {"username": "a b", "roles": []})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert "no spaces" in refused.content.decode() and "at least one role" in refused.content.decode()
    made = client.post(
        "/users/new/",
        {
            "username": "dev.worker",
            "first_name": "Devon",
            "last_name": "Ward",
            "email": "devon.ward@example.org",
            "organisation": partnership.housing.pk,
            "team": "",
            "roles": [Role.PARTNER_WORKER],
        },
    )
    user = User.objects.get(username="dev.worker")
    assert made.status_code == 302 and made["Location"] == f"/users/{user.pk}/"
    changed = client.post(
        f"/users/{user.pk}/change/",
        {
            "first_name": "Devon",
            "last_name": "Ward",
            "email": "d.ward@example.org",
            "organisation": partnership.housing.pk,
            "roles": [Role.PARTNER_WORKER],
        },
    )
    assert changed.status_code == 302 and User.objects.get(pk=user.pk).email == "d.ward@example.org"
    no_reason = client.post(f"/users/{user.pk}/status/", {"reason": ""})
    assert no_reason.status_code == 200 and "Enter why the account is disabled" in no_reason.content.decode()
    assert User.objects.get(pk=user.pk).is_active
    client.post(f"/users/{user.pk}/status/", {"reason": "Left the council"})
    assert not User.objects.get(pk=user.pk).is_active
    own = client.get(f"/users/{partnership.users[Role.SYSTEM_ADMIN].pk}/").content.decode()
    assert "your own account" in own and "Disable account" not in own


def test_the_users_list_links_accounts_only_for_those_who_manage_them(client, partnership):
    client.force_login(partnership.users[Role.COORDINATOR])  # may list users, not manage them
    listing = client.get("/users/").content.decode()
    assert "Add a user" not in listing and f'href="/users/{partnership.users[Role.CHAIR].pk}/"' not in listing
    assert client.get(f"/users/{partnership.users[Role.CHAIR].pk}/").status_code == 403
    assert client.get("/users/new/").status_code == 403


def test_a_new_account_chooses_its_password_through_the_link_then_sets_up_its_app(client, partnership, settings):
    settings.DEMO_MODE = False
    user = _new(partnership)
    _, link = enrolment_link_issue(acting_user=partnership.users[Role.SYSTEM_ADMIN], user_id=user.pk)
    url = f"/sign-in/set-up-link/{link}/"
    page = client.get(url)
    assert page.status_code == 200 and "Choose your password" in page.content.decode()
    mismatch = client.post(url, {"password": "long enough phrase 42", "password_again": "long enough phrase 43"})
    assert "do not match" in mismatch.content.decode()
    weak = client.post(url, {"password": "password1234", "password_again": "password1234"})
    assert "too common" in weak.content.decode()
    assert not User.objects.get(pk=user.pk).has_usable_password()
    chosen = client.post(url, {"password": "a walk by the river 42", "password_again": "a walk by the river 42"})
    assert chosen.status_code == 302 and chosen["Location"] == "/sign-in/two-factor/set-up/"
    assert User.objects.get(pk=user.pk).check_password("a walk by the river 42")
    assert AuditEvent.objects.filter(action="password-chosen", actor=user).count() == 1
    assert client.get("/people/").status_code == 302  # the password alone opens nothing
    client.get("/sign-in/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/sign-in/two-factor/set-up/", {"token": code_for(device)}).status_code == 302
    assert client.get("/people/").status_code == 200
    # The link is used up; a second visitor can neither choose a password nor set up an app with it.
    client.logout()
    assert client.get(url).status_code == 404


def test_of_two_pages_open_on_one_link_only_the_first_to_post_sets_the_password(partnership, settings):
    """Both pages were opened while the account had no password; the second to post must not
    replace the password the first chose (ADR 0045: no one but the holder knows it)."""
    settings.DEMO_MODE = False
    user = _new(partnership)
    enrolment_link_issue(acting_user=partnership.users[Role.SYSTEM_ADMIN], user_id=user.pk)
    first, second = (EnrolmentLink.objects.select_related("user").get(user=user, used_at__isnull=True) for _ in range(2))
    assert not second.user.has_usable_password()  # as the second page saw the account when it opened
    password_choose(link=first, password="a walk by the river 42")
    with pytest.raises(ValidationError) as refused:
        password_choose(link=second, password="another phrase of mine 7")
    assert refused.value.message_dict["password"] == ["This account already has a password: sign in with it"]
    assert User.objects.get(pk=user.pk).check_password("a walk by the river 42")
    assert AuditEvent.objects.filter(action="password-chosen", object_id=str(user.pk)).count() == 1


def test_a_link_for_an_account_with_a_password_asks_for_it_and_sets_none(client, partnership, settings):
    settings.DEMO_MODE = False
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    _, link = enrolment_link_issue(acting_user=partnership.users[Role.SYSTEM_ADMIN], user_id=officer.pk)
    url = f"/sign-in/set-up-link/{link}/"
    assert client.get(url)["Location"].startswith("/sign-in/?next=")
    client.post(url, {"password": "taken over by me 42", "password_again": "taken over by me 42"})
    assert User.objects.get(pk=officer.pk).check_password(PASSWORD)
    assert sign_in(client, officer.username).status_code == 302


def test_the_api_adds_changes_disables_and_enables_with_the_same_rules(client, partnership, api_auth):
    admin = api_auth(Role.SYSTEM_ADMIN)
    body = {
        "username": "api.made",
        "first_name": "Ada",
        "last_name": "Made",
        "email": "ada@example.org",
        "organisation": partnership.probation.pk,
        "team_id": partnership.team.pk,
        "roles": [Role.PROBATION_OFFICER],
    }
    post = lambda path, data, auth: client.post(path, json.dumps(data), content_type="application/json", **auth)  # noqa: E731
    made = post("/api/v1/users", body, admin)
    assert made.status_code == 201, made.content
    user = User.objects.get(username="api.made")
    assert made.json()["id"] == user.pk and made.json()["team_id"] == partnership.team.pk and made.json()["roles"] == ["probation-officer"]
    assert post("/api/v1/users", {**body, "username": "other"}, api_auth(Role.COORDINATOR)).status_code == 403
    bad = post("/api/v1/users", {**body, "username": "API.MADE"}, admin)
    assert bad.status_code == 400 and "already taken" in json.dumps(bad.json())
    patched = client.patch(f"/api/v1/users/{user.pk}", json.dumps({"roles": [Role.CHAIR]}), content_type="application/json", **admin)
    assert patched.status_code == 200 and patched.json()["roles"] == ["chair"] and patched.json()["email"] == "ada@example.org"
    refused = post(f"/api/v1/users/{user.pk}/disable", {"reason": ""}, admin)
    assert refused.status_code == 400 and User.objects.get(pk=user.pk).is_active
    assert post(f"/api/v1/users/{user.pk}/disable", {"reason": "Left"}, admin).json()["is_active"] is False
    assert post(f"/api/v1/users/{user.pk}/enable", {"reason": "Back"}, admin).json()["is_active"] is True
    own = partnership.users[Role.SYSTEM_ADMIN].pk
    assert post(f"/api/v1/users/{own}/disable", {"reason": "x"}, admin).status_code == 400


def test_resetting_a_sign_in_clears_password_and_app_and_a_new_link_sets_both(client, partnership, settings, api_auth):
    settings.DEMO_MODE = False
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    TOTPDevice.objects.create(user=officer, name="old phone", confirmed=True)
    token, _ = api_token_issue(acting_user=officer, name="feed", scope="read", second_factor_at=timezone.now())
    admin = api_auth(Role.SYSTEM_ADMIN)
    path = f"/api/v1/users/{officer.pk}/sign-in-reset"
    assert client.post(path, json.dumps({"reason": ""}), content_type="application/json", **admin).status_code == 400
    assert User.objects.get(pk=officer.pk).check_password(PASSWORD)
    done = client.post(path, json.dumps({"reason": "Lost their phone"}), content_type="application/json", **admin)
    assert done.status_code == 200
    officer = User.objects.get(pk=officer.pk)
    assert not officer.has_usable_password() and not TOTPDevice.objects.filter(user=officer).exists()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None  # tokens are not the sign-in
    event = AuditEvent.objects.filter(action="change", object_type="user", object_id=str(officer.pk)).latest("id")
    assert event.reason == "Lost their phone" and event.changes == {"password": "cleared", "authenticator_apps_removed": 1}
    _, link = enrolment_link_issue(acting_user=partnership.users[Role.SYSTEM_ADMIN], user_id=officer.pk)
    fresh = client.__class__()
    assert "Choose your password" in fresh.get(f"/sign-in/set-up-link/{link}/").content.decode()
    fresh.post(f"/sign-in/set-up-link/{link}/", {"password": "a new start for 2027", "password_again": "a new start for 2027"})
    fresh.get("/sign-in/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert fresh.post("/sign-in/two-factor/set-up/", {"token": code_for(device)}).status_code == 302
    assert fresh.get("/people/").status_code == 200


def test_a_reset_ends_the_session_the_account_had(client, partnership):
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    client.force_login(officer)
    assert client.get("/people/").status_code == 200
    accounts.user_sign_in_reset(acting_user=partnership.users[Role.IG_LEAD], user=officer, reason="Forgot their password")
    assert client.get("/people/").status_code == 302
    with pytest.raises(ValidationError):
        accounts.user_sign_in_reset(acting_user=partnership.users[Role.IG_LEAD], user=partnership.users[Role.SYSTEM_ADMIN], reason="x")
    assert User.objects.get(pk=partnership.users[Role.SYSTEM_ADMIN].pk).has_usable_password()
    evaluator = partnership.users[Role.EVALUATOR]
    accounts.user_disable(acting_user=partnership.users[Role.IG_LEAD], user=evaluator, reason="Contract ended")
    with pytest.raises(ValidationError) as refused:
        accounts.user_sign_in_reset(acting_user=partnership.users[Role.IG_LEAD], user=evaluator, reason="Forgot it")
    assert "enable the account first" in refused.value.message_dict["__all__"][0]
    assert User.objects.get(pk=evaluator.pk).has_usable_password()
