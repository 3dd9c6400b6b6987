"""Where the benchmark's data lives, and Django set up on it (before any model is imported).

PostgreSQL by default: ``BENCH_DATABASE_URL`` or ``postgres://postgres@127.0.0.1:5432/iomhub_bench_<profile>``
(one database per profile, so switching profiles does not rebuild the other). ``BENCH_DB=sqlite``
puts it in var/bench/bench-<profile>.sqlite3 instead (built afresh each run: the fast copy is
PostgreSQL's)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
# The server and this process share the secret key: a session made here is valid there.
SECRET_FILE = OUT / "secret_key"


def _kept(path: Path, make: Callable[[], str]) -> str:
    """A secret made once per machine by ``make`` and kept in ``path`` (readable by its owner only)."""
    OUT.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def secret_key() -> str:
    return _kept(SECRET_FILE, lambda: secrets.token_urlsafe(50))


FIELD_KEY_FILE = OUT / "field_key"


def field_key() -> str:
    """The field-encryption key (ADR 0039) the dataset is sealed with and the production server opens
    it with: made once per machine, like the secret key (production refuses the development key)."""
    from iomhub.crypto.keys import new_key

    return _kept(FIELD_KEY_FILE, new_key)


def database_url(profile: str) -> str:
    if os.environ.get("BENCH_DB", "postgresql") == "sqlite":
        return f"sqlite:///{OUT / f'bench-{profile}.sqlite3'}"
    return os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/iomhub_bench_{profile}")


def configure(profile: str) -> str:
    """Point Django at the profile's database (development settings: a database of synthetic people)
    and set it up; returns the database URL."""
    import django

    OUT.mkdir(parents=True, exist_ok=True)
    url = database_url(profile)
    os.environ["DATABASE_URL"] = url
    os.environ["SECRET_KEY"] = secret_key()
    # The server inherits both: new values are sealed with the bench's key; a dataset built before
    # the bench had one (sealed with the development key) is still read.
    from iomhub.crypto.keys import DEVELOPMENT_KEY

    os.environ["IOMHUB_FIELD_KEY"] = field_key()
    os.environ["IOMHUB_FIELD_PREVIOUS_KEYS"] = DEVELOPMENT_KEY
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iomhub.config.settings")
    os.environ.setdefault("IOMHUB_ENV", "dev")
    os.environ.setdefault("IOMHUB_DEMO", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    django.setup()
    return url
