"""Typing for views behind the sign-in gate: ``request.user`` is always a signed-in ``User``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from iomhub.access.models import User


class AuthedRequest(HttpRequest):
    user: User
