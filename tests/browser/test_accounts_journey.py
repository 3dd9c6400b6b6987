"""A system administrator adds a user in the browser and hands them a set-up link; the new user
opens it in their own browser, chooses a password, sets up an authenticator app and is signed in;
when they leave, the administrator disables the account and their open page stops working
(ADR 0045). Every page on the way passes axe."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from iomhub.access.models import User
from tests.access.support import code_for
from tests.browser.conftest import Session
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_account_from_added_to_signed_in_to_disabled(session, partnership, browser):
    admin = session
    admin.sign_in("system-admin", PASSWORD)
    admin.go("/users/")
    admin.follow("text=Add a user")
    admin.follow("button:has-text('Save')")  # nothing filled in: every field's problem is named
    summary = admin.page.locator(".govuk-error-summary").inner_text()
    assert "Enter the first name" in summary and "Select at least one role" in summary
    admin.assert_accessible("add a user, errors")
    admin.page.fill("#id_username", "nina.okafor")
    admin.page.fill("#id_first_name", "Nina")
    admin.page.fill("#id_last_name", "Okafor")
    admin.page.fill("#id_email", "nina.okafor@example.org")
    admin.page.select_option("#id_organisation", label=partnership.police.name)
    admin.page.select_option("#id_team", label=partnership.team.name)
    admin.page.check("input[name='roles'][value='police-iom-officer']")
    admin.follow("button:has-text('Save')")
    assert admin.page.locator("h1").inner_text() == "Nina Okafor"
    assert "Not chosen yet" in admin.page.locator(".govuk-summary-list").inner_text()
    admin.assert_accessible("an account's page")
    admin.follow("button:has-text('Issue a set-up link')")
    link = admin.page.locator("code.iom-token").inner_text().strip()
    assert "/sign-in/set-up-link/" in link

    newcomer = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    newcomer.set_default_timeout(20000)
    with newcomer.expect_navigation():
        newcomer.goto(link)
    assert newcomer.locator("h1").inner_text() == "Choose your password"
    Session(page=newcomer, base=admin.base).assert_accessible("choose your password, at 375px")
    newcomer.fill("#id_password", "a walk by the river 42")
    newcomer.fill("#id_password_again", "a walk by the river 42")
    with newcomer.expect_navigation():
        newcomer.click("button:has-text('Continue')")
    assert "/sign-in/two-factor/set-up/" in newcomer.url
    device = TOTPDevice.objects.get(user__username="nina.okafor", confirmed=False)
    newcomer.fill("#id_token", code_for(device))
    with newcomer.expect_navigation():
        newcomer.click("button.govuk-button >> nth=0")
    with newcomer.expect_navigation():
        newcomer.goto(admin.base + "/people/")
    assert newcomer.locator("h1").inner_text() == "Find a person"

    admin.go(f"/users/{User.objects.get(username='nina.okafor').pk}/")
    admin.follow("text=Reset sign-in")  # for a forgotten password or a lost phone: looked at, not done
    admin.assert_accessible("reset a sign-in")
    admin.follow("text=Back")
    admin.follow("text=Disable account")
    admin.assert_accessible("disable an account")
    admin.page.fill("#id_reason", "Left the force on 4 December 2026")
    admin.follow("button:has-text('Disable account')")
    assert "This account is disabled" in admin.page.locator("main").inner_text()
    with newcomer.expect_navigation():
        newcomer.goto(admin.base + "/people/")
    assert "/sign-in/" in newcomer.url  # signed out at once
    newcomer.context.close()
