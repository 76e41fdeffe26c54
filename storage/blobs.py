"""Content-addressed, compressed storage of bodies and texts.

Each distinct byte string is stored once, keyed by its SHA-256.  A new version
of a document is compressed with zstd using the document's *keyframe* (the last
version stored standalone) as a raw-content dictionary, so a re-fetch that only
differs by noise costs a few hundred bytes while the whole body stays
recoverable.  Deltas always point at a standalone blob: reading any blob takes
at most two decompressions.  When a delta grows past half of what a standalone
copy would cost, the version becomes the new keyframe.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import zstandard
from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.orm import Session

from storage.chunks import in_chunks
from storage.exceptions import ArchiveCorrupt
from storage.models import Blob

__all__ = ["DELTA", "STANDALONE", "BlobStore", "StoredBlob"]

_LEVEL = 3
# A delta is mostly references into its keyframe: zstd's first fast level finds them as well
# (2 bytes more on a noise-only page of the benchmark fleet: 174 instead of 172) for a fifth
# less time than level 1, itself a fifth faster than _LEVEL.
_DELTA_LEVEL = -1
# Built once; parameters are bound per call.
_BY_DIGEST = select(Blob.id, Blob.codec, Blob.base_id).where(Blob.sha256 == bindparam("sha256"))
_BY_DIGESTS = select(Blob.id, Blob.codec, Blob.base_id, Blob.sha256).where(
    Blob.sha256.in_(bindparam("digests", expanding=True)))
_BY_ID = select(Blob.codec, Blob.base_id, Blob.size, Blob.sha256, Blob.data).where(Blob.id == bindparam("id"))
_INSERT = insert(Blob).returning(Blob.id)
_INSERT_NEW: dict[str, Any] = {}  # by dialect: see _insert_new
STANDALONE = "zstd"
DELTA = "zstd-delta"


@dataclass(frozen=True)
class StoredBlob:
    """What a caller needs to chain the next version onto this one."""

    id: int
    keyframe_id: int
    keyframe_zstd: bytes | None = None  # the keyframe's stored (standalone) bytes, when read along with the handle

    @classmethod
    def of(cls, blob_id: int, codec: str, base_id: int | None, keyframe_zstd: bytes | None = None) -> StoredBlob:
        """The handle of a stored row: a delta's keyframe is its base, a standalone blob is its own."""
        return cls(blob_id, base_id if codec == DELTA and base_id else blob_id, keyframe_zstd)


class BlobStore:
    """Reads and writes blobs inside the caller's session (and transaction)."""

    def __init__(self, where: Session | Connection) -> None:
        self._connection = where.connection() if isinstance(where, Session) else where
        self._plain: zstandard.ZstdCompressor | None = None
        self._plain_decompressor: zstandard.ZstdDecompressor | None = None

    def put(self, data: bytes, keyframe: StoredBlob | None = None, *, digest: bytes | None = None) -> StoredBlob:
        """Store ``data`` once; compress against ``keyframe``'s blob when given (``digest``: its SHA-256, if known)."""
        digest = digest or hashlib.sha256(data).digest()
        row = self._row(data, keyframe, digest)
        # Insert unless the same bytes are stored already: one statement in the usual case.
        statement = _insert_new(self._connection.dialect.name)
        if statement is None:  # a database without ON CONFLICT: look first
            if (existing := self._known(digest)) is not None:
                return existing
            statement = _INSERT
        inserted = self._connection.execute(statement, row).first()
        if inserted is not None:
            return StoredBlob(inserted.id, row["base_id"] or inserted.id)
        existing = self._known(digest)
        if existing is None:  # the insert met this very row: it cannot be gone
            raise ArchiveCorrupt(f"blob {digest.hex()} is neither new nor stored")
        return existing

    def put_many(self, items: Sequence[tuple[bytes, StoredBlob | None, bytes]]) -> list[StoredBlob]:
        """Store each ``(data, keyframe, digest)`` as :meth:`put` does, with one insert for all of them."""
        statement = _insert_new(self._connection.dialect.name)
        if statement is None:
            return [self.put(data, keyframe, digest=digest) for data, keyframe, digest in items]
        rows: dict[bytes, dict[str, Any]] = {}
        for data, keyframe, digest in items:
            if digest not in rows:
                rows[digest] = self._row(data, keyframe, digest)
        stored = {
            inserted.sha256: StoredBlob(inserted.id, rows[inserted.sha256]["base_id"] or inserted.id)
            for inserted in self._connection.execute(statement, list(rows.values()))
        }
        known = [digest for digest in rows if digest not in stored]
        for chunk in in_chunks(known):
            for row in self._connection.execute(_BY_DIGESTS, {"digests": list(chunk)}):
                stored[row.sha256] = StoredBlob.of(row.id, row.codec, row.base_id)
        if missing := [digest for digest in rows if digest not in stored]:  # met rows: they cannot be gone
            raise ArchiveCorrupt(f"blob {missing[0].hex()} is neither new nor stored")
        return [stored[digest] for _, _, digest in items]

    def _row(self, data: bytes, keyframe: StoredBlob | None, digest: bytes) -> dict[str, Any]:
        """The blob row of ``data``: a delta against ``keyframe`` when that pays, else standalone."""
        codec, base_id, stored = STANDALONE, None, b""
        if keyframe is not None:
            dictionary = zstandard.ZstdCompressionDict(self._keyframe(keyframe),
                                                       dict_type=zstandard.DICT_TYPE_RAWCONTENT)
            delta = zstandard.ZstdCompressor(level=_DELTA_LEVEL, dict_data=dictionary).compress(data)
            # A small delta is taken at once; a larger one only if it beats a standalone copy by half.
            if len(delta) * 16 <= len(data) or len(delta) * 2 < len(stored := self._compress(data)):
                codec, base_id, stored = DELTA, keyframe.keyframe_id, delta
        if codec == STANDALONE and not stored:
            stored = self._compress(data)
        return {"sha256": digest, "size": len(data), "codec": codec, "base_id": base_id, "data": stored}

    def _keyframe(self, handle: StoredBlob) -> bytes:
        """The original bytes of ``handle``'s keyframe, used only as a compression dictionary (whose damage
        the checksum of the blob compressed with it would show)."""
        if handle.keyframe_zstd is not None:
            return self._decompressor().decompress(handle.keyframe_zstd)
        return self.get(handle.keyframe_id, verify=False)

    def _decompressor(self) -> zstandard.ZstdDecompressor:
        if self._plain_decompressor is None:
            self._plain_decompressor = zstandard.ZstdDecompressor()
        return self._plain_decompressor

    def _known(self, digest: bytes) -> StoredBlob | None:
        """The blob already stored with this SHA-256, if any."""
        row = self._connection.execute(_BY_DIGEST, {"sha256": digest}).first()
        if row is None:
            return None
        blob_id, codec, base_id = row
        return StoredBlob.of(blob_id, codec, base_id)

    def get(self, blob_id: int, *, verify: bool = True) -> bytes:
        """The original bytes of a blob (``verify=False``: see ``_keyframe``)."""
        row = self._connection.execute(_BY_ID, {"id": blob_id}).first()
        if row is None:
            raise ArchiveCorrupt(f"blob {blob_id} is missing")
        if row.codec == STANDALONE:
            data = self._decompressor().decompress(row.data, max_output_size=row.size)
        elif row.codec == DELTA and row.base_id is not None:
            dictionary = zstandard.ZstdCompressionDict(self.get(row.base_id),
                                                       dict_type=zstandard.DICT_TYPE_RAWCONTENT)
            data = zstandard.ZstdDecompressor(dict_data=dictionary).decompress(row.data, max_output_size=row.size)
        else:
            raise ArchiveCorrupt(f"blob {blob_id} has an unknown codec {row.codec!r}")
        if verify and hashlib.sha256(data).digest() != row.sha256:
            raise ArchiveCorrupt(f"blob {blob_id} does not match its checksum")
        return data

    def _compress(self, data: bytes) -> bytes:
        if self._plain is None:  # made on first use: most units store only deltas
            self._plain = zstandard.ZstdCompressor(level=_LEVEL)
        return self._plain.compress(data)

    def put_json(self, value: Any) -> StoredBlob:
        """Store a JSON value once (keys sorted, so equal values share one blob)."""
        return self.put(json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())

    def get_json(self, blob_id: int) -> Any:
        return json.loads(self.get(blob_id))


def _insert_new(dialect: str) -> Any:
    """An insert that skips a row already there (ON CONFLICT DO NOTHING), for the databases that have one.

    Built on first use: importing a dialect's module costs a run of the other database for nothing.
    """
    if dialect not in _INSERT_NEW:
        if dialect == "sqlite":
            from sqlalchemy.dialects import sqlite

            statement: Any = sqlite.insert(Blob).on_conflict_do_nothing(index_elements=[Blob.sha256])
        elif dialect == "postgresql":
            from sqlalchemy.dialects import postgresql

            statement = postgresql.insert(Blob).on_conflict_do_nothing(index_elements=[Blob.sha256])
        else:
            return None
        _INSERT_NEW[dialect] = statement.returning(Blob.id, Blob.sha256)
    return _INSERT_NEW[dialect]
