"""Checks the services share on what people type, each adding a message that names the field to
``errors`` (a ``ValidationError`` dict), so one bad answer never hides another."""

from __future__ import annotations


def clean_text(errors: dict[str, list[str]], name: str, value: str | None, label: str, *, required: bool, limit: int) -> str:
    """``value`` stripped; "Enter ``label``" when required and empty, refused when over ``limit``
    characters or holding a NUL (which PostgreSQL cannot store)."""
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(name, []).append(f"Enter {label}")
    elif len(value) > limit:
        errors.setdefault(name, []).append(f"{label[0].upper()}{label[1:]} must be {limit} characters or fewer")
    elif "\x00" in value:
        errors.setdefault(name, []).append(f"{label[0].upper()}{label[1:]} contains a character that is not allowed")
    return value
