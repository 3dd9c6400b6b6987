"""The ``url`` tag, remembering what it reversed (a template builtin: settings.TEMPLATES; ADR 0040).

Django's ``{% url %}`` reverses its view name afresh each time it renders, about 50 microseconds; the
team dashboard and the caseload link every person in every list, two hundred links and more, ~10 ms
of every request (docs/operations.md, "HTML pages: where the time went"). A URL depends only on the
URL configuration, the script prefix, the language, the view name, its arguments and the current
application, so this tag keeps the answers for those (the last few thousand) and writes exactly what
Django's tag writes; a name that does not reverse is asked of Django every time, and raises as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.template import defaulttags
from django.template.base import Parser, Token
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

register = template.Library()

# The argument types whose value alone makes the URL (a model, say, writes its str(), which may change).
KEYS = frozenset({int, str, SafeString})


@lru_cache(maxsize=8192)
def _reversed(
    urlconf: Any,
    prefix: str,
    language: str | None,
    view_name: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    current_app: str | None,
) -> str:
    return reverse(view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


def cached_reverse(view_name: str, args: list[Any], kwargs: dict[str, Any], current_app: str | None) -> str:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    if not all(type(v) in KEYS for v in (*args, *kwargs.values())):  # a model, a date: Django's own, every time
        return reverse(view_name, urlconf=urlconf, args=args, kwargs=kwargs, current_app=current_app)
    key_args, key_kwargs = tuple(args), tuple(sorted(kwargs.items()))
    return _reversed(urlconf, get_script_prefix(), translation.get_language(), view_name, key_args, key_kwargs, current_app)


class URLNode(defaulttags.URLNode):
    def render(self, context: Any) -> str:
        from django.urls import NoReverseMatch

        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = cached_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> URLNode:
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
