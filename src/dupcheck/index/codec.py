"""How an index stores a prepared report, whatever keeps it: the text compressed, the sections as JSON, the
arrays (token codes and offsets, fingerprints, the integrity flags' counts) in one blob (``pack_arrays``); and what
says which dupcheck wrote an index (the application's name, the schema of its records, the fingerprint settings
as JSON), which both backends check on opening.

Records are compressed with LZ4: a self-check unpacks the hundred reports its draft may share something with, and
zlib's inflate took most of that time (0.38 ms a report of 5,000 characters, LZ4 0.04 ms); with token offsets
stored as steps from one to the next, a record is about a tenth larger than with zlib. Records of schema 2 (zlib)
are read as they are."""

from __future__ import annotations

import io
import json
import math
import zlib
from dataclasses import asdict, fields

import lz4.block
import numpy as np

from dupcheck.fingerprints import Fingerprints, FingerprintSettings
from dupcheck.model import Document, SourceFile
from dupcheck.normalise import Normalised, interleaving
from dupcheck.read_text import IntegrityFlags
from dupcheck.sections import Section

# 2: tokens fold Traditional characters to Simplified and drop every invisible character, so an index of
# version 1 holds tokens this dupcheck would not make, and asks for --rebuild.
# 3: records compressed with LZ4, offsets as steps; an index of version 2 is read as it is and its new records are
# of version 3 (which a dupcheck reading version 2 only would not read: it refuses the index instead).
SCHEMA_VERSION = 3
READABLE_SCHEMAS = (2, 3)
APPLICATION = "dupcheck index"


def settings_json(settings: FingerprintSettings) -> str:
    """The fingerprint settings as an index records them: an index is read only with the settings it was made with."""
    return json.dumps(asdict(settings), sort_keys=True)


def pack_document(document: Document) -> tuple[bytes, str, bytes]:
    """The text (``pack_text``), the sections (JSON) and the arrays (``pack_arrays``) of a prepared document."""
    if document.fingerprints is None:
        raise ValueError("a document is indexed with its fingerprints")
    fp, normalised = document.fingerprints, document.normalised
    lengths = normalised.ends - normalised.starts
    arrays = pack_arrays(
        codes=normalised.codes(),
        # Offsets grow by a character or two a token: as steps they compress to almost nothing.
        start_steps=_steps(normalised.starts),
        lengths=lengths.astype(np.uint16 if lengths.max(initial=0) < 1 << 16 else np.uint32),
        winnow_hashes=fp.winnow_hashes,
        winnow_steps=_steps(fp.winnow_positions),
        windows=fp.windows.astype(np.int32),
        signatures=fp.signatures,
        # One count per flag, by name: a flag added later is simply missing from older records.
        **{
            f"flag_{f.name}": np.array([getattr(document.flags, f.name)], dtype=np.int64)
            for f in fields(IntegrityFlags)
        },
    )
    sections = json.dumps([[s.title, s.level, s.start, s.end] for s in document.sections], ensure_ascii=False)
    return pack_text(document.text), sections, arrays


def _steps(values: np.ndarray) -> np.ndarray:
    """Each value less the one before it (the first less 0), in the smallest unsigned type that holds them all."""
    steps = np.diff(values.astype(np.int64), prepend=0)
    if len(steps) and steps.min() < 0:
        return steps
    top = int(steps.max(initial=0))
    return steps.astype(np.uint8 if top < 1 << 8 else np.uint16 if top < 1 << 16 else np.int64)


_TEXT_LZ4 = b"DCT3"  # not a zlib stream's first bytes (those of an older record's text)


def pack_text(text: str) -> bytes:
    """A report's text, compressed (``unpack_text``)."""
    return _TEXT_LZ4 + lz4.block.compress(text.encode("utf-8"))


def unpack_text(blob: bytes) -> str:
    """The text ``pack_text`` (or, in a record of schema 2, zlib) compressed."""
    if blob.startswith(_TEXT_LZ4):
        return lz4.block.decompress(blob[len(_TEXT_LZ4) :]).decode("utf-8")
    return zlib.decompress(blob).decode("utf-8")


# Arrays are kept as one compressed stream after a JSON list of (name, dtype, shape): a check reads a hundred
# reports, and numpy's .npz (a zip member, a header to parse and a stream to inflate per array) cost 4 ms a report
# where this costs a fraction of one. Records written as .npz (they start with a zip's "PK") or with zlib (schema
# 2, "DCA1") are still read.
_ARRAYS_ZLIB = b"DCA1"
_ARRAYS_LZ4 = b"DCA3"


def pack_arrays(**arrays: np.ndarray) -> bytes:
    """Named arrays as one blob (``unpack_all``)."""
    parts = {name: np.ascontiguousarray(a) for name, a in arrays.items()}
    header = json.dumps([[name, a.dtype.str, list(a.shape)] for name, a in parts.items()]).encode("ascii")
    body = lz4.block.compress(b"".join(a.tobytes() for a in parts.values()))
    return _ARRAYS_LZ4 + len(header).to_bytes(4, "little") + header + body


def unpack_all(blob: bytes) -> dict[str, np.ndarray]:
    """The arrays of a blob ``pack_arrays`` (or, in an older record, zlib or ``np.savez_compressed``) wrote."""
    magic = blob[:4]
    if magic not in (_ARRAYS_LZ4, _ARRAYS_ZLIB):
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    size = int.from_bytes(blob[4:8], "little")
    header = json.loads(blob[8 : 8 + size])
    packed = blob[8 + size :]
    body = lz4.block.decompress(packed) if magic == _ARRAYS_LZ4 else zlib.decompress(packed)
    out, at = {}, 0
    for name, dtype, shape in header:
        kind = np.dtype(dtype)
        count = math.prod(shape)  # numpy's prod costs more than the array it sizes (a check unpacks 1,000 a draft)
        out[name] = np.frombuffer(body, dtype=kind, count=count, offset=at).reshape(shape)
        at += count * kind.itemsize
    return out


_FLAG_KEYS = tuple((f.name, f"flag_{f.name}") for f in fields(IntegrityFlags))


def unpack_document(
    source: SourceFile, text: bytes, sections: str, arrays: bytes, settings: FingerprintSettings
) -> Document:
    """The document ``pack_document`` packed, as ``source``."""
    data = unpack_all(arrays)
    codes = data["codes"].astype("<u4", copy=False)
    starts = _positions(data, "start_steps", "starts")
    normalised = Normalised(
        tokens=codes.tobytes().decode("utf-32-le"),
        starts=starts,
        ends=starts + data["lengths"].astype(np.int32),
    )
    fingerprints = Fingerprints(
        n_tokens=len(codes),
        winnow_hashes=data["winnow_hashes"],
        winnow_positions=_positions(data, "winnow_steps", "winnow_positions"),
        windows=data["windows"].astype(np.int64).reshape(-1, 2),
        signatures=data["signatures"],
    )
    counts = {name: int(data[key].reshape(-1)[0]) for name, key in _FLAG_KEYS if key in data}
    decoded = unpack_text(text)
    if not counts:
        # A record of a dupcheck before the flags: what its text shows is counted again; what its reader kept or
        # left out of the text (hidden, white, tiny text, placeholders) is unknown until the file is read again.
        counts = {"interleaved": interleaving(decoded)}
    return Document(
        source=source,
        text=decoded,
        normalised=normalised,
        sections=tuple(Section(title, level, start, end) for title, level, start, end in json.loads(sections)),
        fingerprints=fingerprints,
        flags=IntegrityFlags(**counts),
    )


def _positions(data: dict[str, np.ndarray], steps: str, plain: str) -> np.ndarray:
    """Token positions (int32) stored as steps (``_steps``) or, in a record of schema 2, as they are."""
    if steps in data:
        return np.cumsum(data[steps], dtype=np.int64).astype(np.int32)
    return data[plain].astype(np.int32, copy=False)


def unpack_arrays(arrays: bytes, *names: str) -> list[np.ndarray]:
    """Some of the arrays ``pack_document`` packed (a count needs a report's codes only)."""
    data = unpack_all(arrays)
    return [data[name] for name in names]
