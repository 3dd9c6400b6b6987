"""The deadline of a subject access request. Pure Python: no Django.

UK GDPR Article 12(3) and the ICO's guidance: respond "without undue delay and at the latest within
one month of receipt", counted from the day the request is received to the corresponding calendar
date in the next month; where the next month has no such date (a request received on 31 January),
the last day of that month. The extension by up to two further months for complex requests is a
decision the IG lead records (``extended_by_months``), never automatic.
"""

from __future__ import annotations

import datetime

from iomhub.rules.dates import add_months, require_date

MAX_EXTENSION_MONTHS = 2


def due_date(received: datetime.date, extended_by_months: int = 0) -> datetime.date:
    received = require_date("received", received)
    if not 0 <= extended_by_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"A subject access request may be extended by at most {MAX_EXTENSION_MONTHS} months")
    return add_months(received, 1 + extended_by_months)
