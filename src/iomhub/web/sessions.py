"""The session store: Django's database sessions, renewed at most once a minute (ADR 0040).

``SESSION_SAVE_EVERY_REQUEST`` makes the session's age an idle timeout (ADR 0012): every request
saves the session so its expiry moves to a full idle period from now. Saved on every page that was
a transaction of its own (an UPDATE and a COMMIT that waits for the disk), on every page, for a
change of a few seconds in the expiry; under 20 users those commits queued behind each other.

This store writes a session whose data did not change only when its expiry, as read from the
database, is more than ``RENEW_AFTER`` seconds old: the idle timeout then ends between
``SESSION_COOKIE_AGE - RENEW_AFTER`` and ``SESSION_COOKIE_AGE`` after the last request, never
later. A session whose data changed (sign-in, the second factor, a message, a flushed or cycled
key) is written as before.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

# Seconds of activity between two renewals of an unchanged session's expiry.
RENEW_AFTER = 60


class SessionStore(DatabaseSessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._stored_expiry: datetime.datetime | None = None

    def _get_session_from_db(self) -> Any:
        found = super()._get_session_from_db()  # type: ignore[misc]  # not in the stubs
        self._stored_expiry = found.expire_date if found is not None else None
        return found

    def renewal_due(self) -> bool:
        """Whether the stored expiry is more than ``RENEW_AFTER`` seconds short of a full idle period
        from now (or unknown: never read from the database in this request)."""
        if self._stored_expiry is None:
            return True
        full = timezone.now() + datetime.timedelta(seconds=self.get_expiry_age())
        return full - self._stored_expiry > datetime.timedelta(seconds=RENEW_AFTER)

    def save(self, must_create: bool = False) -> None:
        if must_create or self.modified or self.session_key is None or self.renewal_due():
            super().save(must_create=must_create)
            self._stored_expiry = self.get_expiry_date()
