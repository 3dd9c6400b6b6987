"""axe finds no accessibility violations on any page, in the normal and the error states, on a
desktop and a narrow (mobile) screen; no page raises a console error or misses an asset."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": 1280, "mobile": 375}


def _pages(p):
    """(who, path, what to do on the page before checking) for every page built so far."""
    person, housing_case, restricted = p.ordinary.pk, p.housing_case.pk, p.restricted.pk
    submit = "button.govuk-button >> nth=0"
    return [
        (None, "/sign-in/", None),
        (None, "/sign-in/", submit),  # error state
        ("police-iom-officer", "/", None),
        ("police-iom-officer", "/people/", None),
        ("police-iom-officer", "/people/?q=example", None),
        ("police-iom-officer", "/people/?q=nobody-by-this-name", None),
        ("police-iom-officer", "/people/new/", None),
        ("police-iom-officer", "/people/new/", submit),
        ("police-iom-officer", f"/people/{person}/", None),
        *[("police-iom-officer", f"/people/{person}/{tab}/", None) for tab in ("timeline", "plan", "assessments", "justice", "documents")],
        ("police-iom-officer", f"/people/{person}/edit/", None),
        ("police-iom-officer", f"/people/{person}/aliases/new/", submit),
        ("police-iom-officer", f"/people/{person}/addresses/new/", submit),
        ("police-iom-officer", f"/people/{person}/phones/new/", submit),
        ("police-iom-officer", f"/people/{person}/markers/new/", submit),
        ("police-iom-officer", f"/people/{person}/timeline/new/", submit),
        ("police-iom-officer", f"/people/{person}/plan/actions/new/", submit),
        ("police-iom-officer", f"/people/{person}/plan/safeguarding/", submit),
        ("police-iom-officer", f"/people/{person}/assessments/new/", submit),
        ("police-iom-officer", f"/people/{person}/justice/mappa/new/", None),
        ("police-iom-officer", f"/people/{person}/justice/mappa/new/", submit),
        ("police-iom-officer", "/organisations/", None),
        ("police-iom-officer", "/caseload/", None),
        ("chair", "/caseload/", None),
        ("iom-coordinator", "/feeds/review/", None),
        ("police-iom-officer", "/account/api-tokens/", None),
        ("police-iom-officer", "/account/api-tokens/", submit),  # error state
        (None, "/sign-in/set-up-link/no-such-link/", None),  # an expired or used set-up link
        ("police-iom-officer", "/people/999999/", None),  # 404
        ("housing-worker", f"/people/{housing_case}/", None),
        ("housing-worker", f"/people/{housing_case}/justice/", None),  # 403
        ("chair", f"/people/{restricted}/", None),  # 404 with break glass
        ("chair", f"/people/{restricted}/break-glass/", submit),
        ("chair", f"/people/{person}/plan/people/", submit),
        ("chair", f"/cohort/people/{person}/screening/", None),
        ("chair", "/cohort/area/", None),
        ("chair", f"/cohort/area/teams/{p.team.pk}/", None),
        ("chair", f"/people/{person}/plan/agencies/new/", submit),
        ("ig-lead", "/audit/", None),
        ("ig-lead", f"/audit/?person={person}", None),
        ("ig-lead", "/users/", None),
        ("ig-lead", "/users/", "button:has-text('Issue a set-up link') >> nth=0"),  # the link, shown once
        ("ig-lead", f"/people/{housing_case}/merge/", None),
        ("ig-lead", f"/people/{housing_case}/merge/", submit),
        ("ig-lead", f"/people/{housing_case}/merge/?into={person}", None),  # refused: both have the police involved
        ("ig-lead", f"/people/{person}/merges/", None),
        ("performance-lead", "/", None),
    ]


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_page_passes_axe(session, partnership, width):
    session.page.set_viewport_size({"width": width, "height": 900})
    who_now = None
    checked = 0
    for who, path, action in _pages(partnership):
        if who != who_now:
            session.page.context.clear_cookies()
            if who:
                session.sign_in(who, PASSWORD)
            who_now = who
        session.go(path)
        if action:
            session.follow(action)
        session.assert_accessible(f"{path} as {who or 'anonymous'}{' after submit' if action else ''} at {width}px")
        checked += 1
    assert checked == len(_pages(partnership))


def test_api_documentation_loads_without_errors(session, partnership):
    """Swagger UI is third-party markup, so axe is not asked to vouch for it; it must still load
    under the Content Security Policy with no console errors or missing assets, and offer every
    tag of the schema. It renders only the operations near the viewport (a virtual list), so the
    last tag is reached by scrolling, as a reader would."""
    session.sign_in("police-iom-officer", PASSWORD)
    session.go("/api/v1/docs")
    # Waits for Swagger's state (its store is the page's global ``ui``), up to 30 s: the first
    # request in a process generates the schema.
    session.page.wait_for_function(
        "() => { try { return ui.specSelectors.taggedOperations().size > 0 } catch { return false } }", timeout=30000
    )
    offered = session.page.evaluate("() => ui.specSelectors.taggedOperations().keySeq().toJS()")
    errors = session.page.evaluate("() => ui.errSelectors.allErrors().toJS()")
    # The oracle: the tags of the schema's operations, read from the schema itself.
    document = session.page.request.get(f"{session.base}/api/v1/schema?format=json").json()
    tags = sorted({tag for item in document["paths"].values() for operation in item.values() for tag in operation.get("tags", [])})
    assert sorted(offered) == tags
    assert errors == []
    session.page.wait_for_selector(f"h3[data-tag='{offered[0]}']")
    # Only the operations near the screen are drawn (a tag's heading too, so with many operations the
    # last tag's heading is out of reach at the bottom); the list grows as it is scrolled. So scroll
    # to the bottom on every frame until an operation of the last tag (Swagger's block id
    # ``operations-<tag>-<operation id>``) has been drawn: the last tag's operations end the list.
    session.page.wait_for_function(
        """last => {
            window.scrollTo(0, document.body.scrollHeight);
            return !!document.querySelector(`[id^='operations-${last}-']`);
        }""",
        arg=offered[-1],
    )
    assert not session.problems, session.problems
