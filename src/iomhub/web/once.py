"""A page's form is saved once, however often it is posted (ADR: nothing stored twice on a double submission).

Every POST form the service renders carries a random token (``{% once_token %}``). When a POST with a
token succeeds (it redirects, post/redirect/get), the token is recorded for the signed-in account; the
same token posted again by that account does not run the view: it is sent where the first went, with
"That was already saved". Two posts at the same instant: the unique constraint lets one run; the other
waits up to ``ONCE_WAIT_SECONDS`` for it and then answers as above, or says it is still being saved.
A POST that does not redirect (the form shown again with its errors, a refusal, a fault) frees the
token, so the corrected form, which carries the same token, is saved. A POST without a token, or not
signed in (sign-in, sign-out), runs as before. The API's Idempotency-Key is ``iomhub.access.idempotency``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from iomhub.web import once_store
from iomhub.web.templatetags.once import posted_token

ALREADY_SAVED = "That was already saved"
API_PREFIX = "/api/"


def _replay(request: HttpRequest, location: str) -> HttpResponse:
    messages.success(request, ALREADY_SAVED)
    return HttpResponseRedirect(location)


class OnceTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        row = getattr(request, "_once_claim", None)
        if row is not None:
            location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
            if location:
                once_store.finish(row, status=response.status_code, location=location)
            else:
                once_store.release(row)
        return response

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any) -> HttpResponse | None:
        """After the CSRF check and sign-in: claim the posted token, or answer for the first post."""
        if request.method != "POST" or request.path.startswith(API_PREFIX):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        token = posted_token(request)
        if token is None:
            return None
        scope = f"form:account:{user.pk}"
        claim = once_store.claim(scope, token)
        if claim.outcome == once_store.BUSY:
            waited = once_store.wait_for(claim.row, getattr(settings, "ONCE_WAIT_SECONDS", 5))
            if waited is None:  # the first post failed (its form had errors): this one may run
                claim = once_store.claim(scope, token)
            elif waited.state == "done":
                claim = once_store.Claim(once_store.DONE, waited)
        if claim.outcome == once_store.DONE:
            return _replay(request, claim.row.location)
        if claim.outcome == once_store.BUSY:
            return render(request, "web/already_being_saved.html", {"title": "This is already being saved"}, status=409)
        request._once_claim = claim.row  # type: ignore[attr-defined]
        return None
