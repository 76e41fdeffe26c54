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
from dataclasses import dataclass
from typing import Any

import zstandard
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.exceptions import ArchiveCorrupt
from storage.models import Blob

__all__ = ["BlobStore", "StoredBlob"]

_LEVEL = 3
_STANDALONE = "zstd"
_DELTA = "zstd-delta"


@dataclass(frozen=True)
class StoredBlob:
    """What a caller needs to chain the next version onto this one."""

    id: int
    keyframe_id: int


class BlobStore:
    """Reads and writes blobs inside the caller's session (and transaction)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._plain = zstandard.ZstdCompressor(level=_LEVEL)
        self._decompressor = zstandard.ZstdDecompressor()

    def put(self, data: bytes, keyframe: StoredBlob | None = None) -> StoredBlob:
        """Store ``data`` once; compress against ``keyframe``'s blob when given."""
        digest = hashlib.sha256(data).digest()
        existing = self._session.execute(
            select(Blob.id, Blob.codec, Blob.base_id).where(Blob.sha256 == digest)
        ).first()
        if existing is not None:
            blob_id, codec, base_id = existing
            return StoredBlob(blob_id, base_id if codec == _DELTA and base_id else blob_id)
        standalone = self._plain.compress(data)
        blob = Blob(sha256=digest, size=len(data), codec=_STANDALONE, data=standalone)
        if keyframe is not None:
            base = self.get(keyframe.keyframe_id)
            dictionary = zstandard.ZstdCompressionDict(base, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
            delta = zstandard.ZstdCompressor(level=_LEVEL, dict_data=dictionary).compress(data)
            if len(delta) * 2 < len(standalone):
                blob = Blob(sha256=digest, size=len(data), codec=_DELTA, base_id=keyframe.keyframe_id, data=delta)
        self._session.add(blob)
        self._session.flush()
        return StoredBlob(blob.id, blob.base_id or blob.id)

    def get(self, blob_id: int) -> bytes:
        """The original bytes of a blob."""
        row = self._session.get(Blob, blob_id)
        if row is None:
            raise ArchiveCorrupt(f"blob {blob_id} is missing")
        if row.codec == _STANDALONE:
            data = self._decompressor.decompress(row.data, max_output_size=row.size)
        elif row.codec == _DELTA and row.base_id is not None:
            dictionary = zstandard.ZstdCompressionDict(self.get(row.base_id), dict_type=zstandard.DICT_TYPE_RAWCONTENT)
            data = zstandard.ZstdDecompressor(dict_data=dictionary).decompress(row.data, max_output_size=row.size)
        else:
            raise ArchiveCorrupt(f"blob {blob_id} has an unknown codec {row.codec!r}")
        if hashlib.sha256(data).digest() != row.sha256:
            raise ArchiveCorrupt(f"blob {blob_id} does not match its checksum")
        return data

    def put_json(self, value: Any) -> StoredBlob:
        """Store a JSON value once (keys sorted, so equal values share one blob)."""
        return self.put(json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())

    def get_json(self, blob_id: int) -> Any:
        return json.loads(self.get(blob_id))

    def stored(self, blob_id: int) -> StoredBlob:
        """The chaining handle of an existing blob."""
        row = self._session.execute(select(Blob.codec, Blob.base_id).where(Blob.id == blob_id)).one()
        return StoredBlob(blob_id, row.base_id if row.codec == _DELTA and row.base_id else blob_id)
