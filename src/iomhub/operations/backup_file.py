"""The sealed backup file (format version 1, described in ``iomhub.operations.backup``): the keys,
the authenticated header, the AES-256-GCM parts and the JSON lines with their tagged values."""

from __future__ import annotations

import base64
import binascii
import datetime
import decimal
import hashlib
import json
import os
import struct
import uuid
import zlib
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"IOMHUB-BACKUP\n"
FORMAT_VERSION = 1
PART_BYTES = 1 << 20
KEY_ENV = "IOMHUB_BACKUP_KEY"
PREVIOUS_KEYS_ENV = "IOMHUB_BACKUP_PREVIOUS_KEYS"


class BackupError(Exception):
    """A backup or restore refused, with a message for the operator."""


def new_key() -> str:
    """A fresh 256-bit key in the form ``IOMHUB_BACKUP_KEY`` takes (URL-safe base64)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(text: str, *, name: str = KEY_ENV) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupError(f"{name} must be 32 random bytes in URL-safe base64 ('python -m iomhub backup --new-key' prints one)")
    return key


def key_id(key: bytes) -> str:
    """Names a key in a backup's header without revealing it (a hash, not the key)."""
    return hashlib.sha256(b"iomhub-backup-key-id:" + key).hexdigest()[:16]


def keys_from_environment(environ: dict[str, str] | os._Environ[str] = os.environ) -> list[bytes]:
    """The current key, then earlier ones a restore may still need (comma-separated)."""
    current = environ.get(KEY_ENV, "")
    if not current:
        raise BackupError(f"{KEY_ENV} is not set: backups are always encrypted (docs/operations.md, 'Backup keys')")
    keys = [parse_key(current)]
    for text in environ.get(PREVIOUS_KEYS_ENV, "").split(","):
        if text.strip():
            keys.append(parse_key(text, name=PREVIOUS_KEYS_ENV))
    return keys


# -- the sealed stream ------------------------------------------------------------------------------


def _nonce(prefix: bytes, part: int) -> bytes:
    if part >= 2**32:
        raise BackupError("backup too large for one file")
    return prefix + part.to_bytes(4, "big")


class SealedWriter:
    def __init__(self, out: BinaryIO, key: bytes, created_at: str) -> None:
        self._out = out
        self._aead = AESGCM(key)
        self._prefix = os.urandom(8)
        self._header = json.dumps(
            {"format": FORMAT_VERSION, "key_id": key_id(key), "nonce_prefix": self._prefix.hex(), "created_at": created_at},
            sort_keys=True,
        ).encode()
        out.write(MAGIC + struct.pack(">I", len(self._header)) + self._header)
        self._part = 0
        self._pending = bytearray()
        self._zip = zlib.compressobj(6)

    def write(self, data: bytes) -> None:
        self._pending += self._zip.compress(data)
        # Keep at least one byte back: the last part is sealed as last, even if empty.
        while len(self._pending) > PART_BYTES:
            self._seal(bytes(self._pending[:PART_BYTES]), last=False)
            del self._pending[:PART_BYTES]

    def close(self) -> None:
        self._pending += self._zip.flush()
        while len(self._pending) > PART_BYTES:
            self._seal(bytes(self._pending[:PART_BYTES]), last=False)
            del self._pending[:PART_BYTES]
        self._seal(bytes(self._pending), last=True)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._part), plain, self._header + (b"\x01" if last else b"\x00"))
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._part += 1


def read_exactly(source: BinaryIO, size: int, what: str) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise BackupError(f"The backup is truncated ({what} is incomplete): refused")
    return data


def read_header(source: BinaryIO) -> tuple[bytes, dict[str, Any]]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not an IOM Hub backup file: refused")
    (size,) = struct.unpack(">I", read_exactly(source, 4, "the header"))
    if size > 64 * 1024:
        raise BackupError("The backup's header is damaged: refused")
    raw = read_exactly(source, size, "the header")
    try:
        header = json.loads(raw)
    except ValueError:
        raise BackupError("The backup's header is damaged: refused") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT_VERSION:
        raise BackupError(f"This backup's format is not version {FORMAT_VERSION}, which this release reads: refused")
    return raw, header


def opened(source: BinaryIO, keys: list[bytes]) -> Iterator[bytes]:
    """The backup's plaintext, part by part, each authenticated before it is given out."""
    raw_header, header = read_header(source)
    by_id = {key_id(key): key for key in keys}
    key = by_id.get(str(header.get("key_id")))
    if key is None:
        raise BackupError(
            f"This backup was encrypted with the key whose id is {header.get('key_id')}, and {KEY_ENV} "
            f"(with {PREVIOUS_KEYS_ENV}) holds only {', '.join(sorted(by_id))}: wrong key, refused"
        )
    try:
        prefix = bytes.fromhex(str(header["nonce_prefix"]))
    except (KeyError, ValueError):
        raise BackupError("The backup's header is damaged: refused") from None
    aead = AESGCM(key)
    unzip = zlib.decompressobj()
    part = 0
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) < 4:
            raise BackupError("The backup is truncated (it ends before its last part): refused")
        (size,) = struct.unpack(">I", size_bytes)
        if size > PART_BYTES + 1024:
            raise BackupError(f"The backup has been altered or damaged (part {part} has an impossible length): refused")
        sealed = read_exactly(source, size, f"part {part}")
        nonce = _nonce(prefix, part)
        last = False
        try:
            plain = aead.decrypt(nonce, sealed, raw_header + b"\x00")
        except InvalidTag:
            try:
                plain = aead.decrypt(nonce, sealed, raw_header + b"\x01")
                last = True
            except InvalidTag:
                raise BackupError(f"The backup has been altered or damaged (part {part} fails authentication): refused") from None
        try:
            yield unzip.decompress(plain)
            if last:
                yield unzip.flush()
        except zlib.error:
            raise BackupError("The backup's contents are damaged: refused") from None
        if last:
            if source.read(1):
                raise BackupError("The backup has data after its last part: refused")
            return
        part += 1


def json_lines(parts: Iterable[bytes]) -> Iterator[bytes]:
    pending = b""
    for part in parts:
        pending += part
        *complete, pending = pending.split(b"\n")
        yield from complete
    if pending:
        yield pending


# -- values and rows --------------------------------------------------------------------------------


def encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$d": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$t": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"$dec": str(value)}
    if isinstance(value, bytes | memoryview | bytearray):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, datetime.timedelta):
        return {"$td": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, dict | list):
        return {"$json": value}
    raise BackupError(f"A value of type {type(value).__name__} cannot be backed up")


def decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ((tag, inner),) = value.items()
    if tag == "$dt":
        return datetime.datetime.fromisoformat(inner)
    if tag == "$d":
        return datetime.date.fromisoformat(inner)
    if tag == "$t":
        return datetime.time.fromisoformat(inner)
    if tag == "$dec":
        return decimal.Decimal(inner)
    if tag == "$b":
        return base64.b64decode(inner)
    if tag == "$uuid":
        return uuid.UUID(inner)
    if tag == "$td":
        return datetime.timedelta(days=inner[0], seconds=inner[1], microseconds=inner[2])
    if tag == "$json":
        return json.dumps(inner)
    raise BackupError(f"The backup holds a value tagged {tag!r}, which this release does not read: refused")


def row_line(row: Iterable[Any]) -> bytes:
    return json.dumps([encode(v) for v in row], ensure_ascii=False, separators=(",", ":")).encode()
