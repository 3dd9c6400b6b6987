"""The pages' ``url`` tag (iomhub.web.templatetags.urls, a template builtin) writes exactly what
Django's own writes, remembering the answers only for the same URL configuration and script prefix."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, engines
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, set_script_prefix

SOURCES = [
    "{% url 'people:summary' 5 %}",
    "{% url 'people:summary' person_id=7 %}",
    "{% url 'people:justice:record' 5 %}",
    "{% url 'people:casework:plan' n %}",
    "{% url 'home' %}",
    "{% url 'access:sign-out' %}",
    "{% url 'people:justice:new' 5 'arrests' %}",
    "{% url 'people:summary' 5 as there %}[{{ there }}]",
    "{% url 'no-such-page' as there %}[{{ there }}]",
    "{% url name n %}",
]


def render(engine, source: str, **values) -> str:
    template = engine.from_string(source)
    return template.render(Context(values)) if isinstance(engine, Engine) else template.render(values)


def test_the_pages_use_the_remembering_tag():
    assert "iomhub.web.templatetags.urls" in engines["django"].engine.builtins


@pytest.mark.parametrize("source", SOURCES)
def test_the_same_text_as_djangos_tag(source):
    for n in (1, 2, 9_223_372_036_854_775_807):
        values = {"n": n, "name": "people:summary"}
        expected = render(Engine(libraries={}), source, **values)
        assert render(engines["django"], source, **values) == expected
        assert render(engines["django"], source, **values) == expected  # and again, remembered


def test_a_name_that_does_not_reverse_still_raises():
    with pytest.raises(NoReverseMatch):
        render(engines["django"], "{% url 'no-such-page' %}")
    with pytest.raises(NoReverseMatch):
        render(engines["django"], "{% url 'people:summary' 'not-a-number' %}")


def test_a_script_prefix_is_part_of_what_is_remembered():
    source = "{% url 'people:summary' 5 %}"
    assert render(engines["django"], source) == "/people/5/"
    set_script_prefix("/iom/")
    try:
        assert render(engines["django"], source) == "/iom/people/5/"
    finally:
        clear_script_prefix()
        set_script_prefix("/")
    assert render(engines["django"], source) == "/people/5/"


@override_settings(ROOT_URLCONF="iomhub.config.api_urls")
def test_another_url_configuration_is_not_answered_from_the_first():
    with pytest.raises(NoReverseMatch):
        render(engines["django"], "{% url 'people:summary' 5 %}")


def test_an_argument_that_is_not_a_number_or_text_is_reversed_every_time():
    class Named:
        def __init__(self, text: str) -> None:
            self.text = text

        def __str__(self) -> str:
            return self.text

        def __hash__(self) -> int:
            return 1

        def __eq__(self, other: object) -> bool:
            return True

    source = "{% url 'people:justice:new' 5 kind %}"
    assert render(engines["django"], source, kind=Named("arrests")) == "/people/5/justice/arrests/new/"
    assert render(engines["django"], source, kind=Named("offences")) == "/people/5/justice/offences/new/"
