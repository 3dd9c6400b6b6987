"""Who a signed-in request is: Django's ``ModelBackend``, with the user's organisation and team read
in the same query (issue 15; ADR 0040 addendum).

Every signed-in page reads the user, and nearly every one then their organisation (the policy's
partner rules, the header) and team (caseloads, the header): three queries where one join does.
Roles are still read on each request (``User.role_codes``), so a role taken away applies to the
very next request; nothing about the user is kept between requests.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from iomhub.access.models import User

# What a request reads with its user: the organisation and the team (both nullable: an outer join).
WITH_USER = ("organisation", "team")


class SignedInBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = User._default_manager.select_related(*WITH_USER).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
