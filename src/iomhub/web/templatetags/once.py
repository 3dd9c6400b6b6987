"""The ``{% once_token %}`` tag: a hidden random token in every POST form (a template builtin: settings.TEMPLATES).

The token names one submission of one form. ``iomhub.web.once.OnceTokenMiddleware`` records it, for the
signed-in account, when the POST succeeds (a redirect), so the same form posted again (a double click
the browser's script did not stop, a retried request) does not run its view a second time. A page that
answers a POST (a form shown again with its errors, a confirmation step) carries the token it was posted
with, so the corrected form is the same submission; a fresh page gets a fresh token. Sign-in and
sign-out forms carry none and behave as before.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

FIELD = "once_token"
# What a token looks like: secrets.token_urlsafe(24) writes 32 of these; anything else is no token.
SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def posted_token(request: Any) -> str | None:
    """The once-only token a POST carries, or None when it carries none (or something not shaped like one)."""
    if request is None or request.method != "POST":
        return None
    value = request.POST.get(FIELD, "")
    return value if SHAPE.fullmatch(value) else None


def new_token() -> str:
    return secrets.token_urlsafe(24)


@register.simple_tag(takes_context=True)
def once_token(context: Any) -> SafeString:
    """A hidden input naming this submission: the posted token for the first form of a page answering a POST."""
    request = context.get("request")
    token = None
    if request is not None and not getattr(request, "_once_token_reused", False):
        token = posted_token(request)
        if token is not None:
            request._once_token_reused = True
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token or new_token())
