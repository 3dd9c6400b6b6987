"""What an uploaded file must be before anything is stored (issue 12 §7): a name that is safe to
keep and to send back, an allowed type whose content and extension agree, and a size within
``settings.DOCUMENT_MAX_BYTES``. Each refusal is a message naming the problem; nothing is stored.

The type is decided by the content (``filetype`` reads the first bytes), never by the name or the
browser's claimed type; the extension must agree with it. Plain text has no signature: a ``.txt``
file is accepted only when no other type is recognised and it is UTF-8 without NUL bytes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import filetype

# Extension -> the content type its content must have.
ALLOWED: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
}
ALLOWED_TEXT = "PDF, Word (.docx), OpenDocument text (.odt), PNG or JPEG images, or plain text (.txt)"
MAX_NAME = 120
FORBIDDEN_IN_NAME = set('/\\:*?"<>|')


class Refused(ValueError):
    """The upload is refused; the message says why, for the person uploading it."""


@dataclass(frozen=True)
class Checked:
    filename: str
    extension: str
    content_type: str


def safe_name(raw: str) -> tuple[str, str]:
    """The file name as it will be kept and sent back, and its extension (lower case); refused when
    it holds a path, a control character, a character not allowed in a file name, or is too long.
    Names are never silently rewritten: what is kept is what the person gave."""
    name = unicodedata.normalize("NFC", raw or "")
    if not name.strip():
        raise Refused("The file has no name: choose a file that has one")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise Refused("The file name contains control characters: rename the file and upload it again")
    if "/" in name or "\\" in name or ".." in name:
        raise Refused("The file name contains a folder path: rename the file (no / \\ or ..) and upload it again")
    bad = sorted(set(name) & FORBIDDEN_IN_NAME)
    if bad:
        raise Refused(f"The file name contains characters that are not allowed ({' '.join(bad)}): rename the file and upload it again")
    if len(name) > MAX_NAME:
        raise Refused(f"The file name is {len(name)} characters long: it must be {MAX_NAME} characters or fewer")
    if name != name.strip() or name.startswith("."):
        raise Refused("The file name must not start with a dot or a space or end with a space: rename the file and upload it again")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        raise Refused(f"The file name has no extension: upload {ALLOWED_TEXT}")
    return name, extension.lower()


def content_type_of(head: bytes, data_for_text: bytes | None) -> str | None:
    """The type the content shows (``head`` is at least the first 8 KB), or None."""
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    if data_for_text is not None and b"\x00" not in data_for_text:
        try:
            data_for_text.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


def check(raw_name: str, size: int, head: bytes, data: bytes, max_bytes: int) -> Checked:
    """Refuse (``Refused``) or accept an upload of ``size`` bytes whose content is ``data``."""
    if size > max_bytes:
        raise Refused(f"The file is {_size(size)}: it must be {_size(max_bytes)} or smaller")
    if size == 0:
        raise Refused("The file is empty")
    filename, extension = safe_name(raw_name)
    expected = ALLOWED.get(extension)
    if expected is None:
        raise Refused(f"A .{extension[:10]} file cannot be uploaded: upload {ALLOWED_TEXT}")
    found = content_type_of(head, data if extension == "txt" else None)
    if found is None or found != expected:
        what = f"a {found} file" if found else "not a file type that can be uploaded"
        raise Refused(f"The file's content is {what}, not what its .{extension} name says: upload {ALLOWED_TEXT}")
    return Checked(filename=filename, extension=extension, content_type=found)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} bytes"
