"""How an index stores a prepared report, whatever keeps it: the text compressed, the sections as JSON, the
arrays (token codes and offsets, fingerprints, the integrity flags' counts) in one blob (``pack_arrays``); and what
says which dupcheck wrote an index (the application's name, the schema of its records, the fingerprint settings
as JSON), which both backends check on opening."""

from __future__ import annotations

import io
import json
import math
import zlib
from dataclasses import asdict, fields

import numpy as np

from dupcheck.fingerprints import Fingerprints, FingerprintSettings
from dupcheck.model import Document, SourceFile
from dupcheck.normalise import Normalised, interleaving
from dupcheck.read_text import IntegrityFlags
from dupcheck.sections import Section

# 2: tokens fold Traditional characters to Simplified and drop every invisible character, so an index of
# version 1 holds tokens this dupcheck would not make, and asks for --rebuild.
SCHEMA_VERSION = 2
APPLICATION = "dupcheck index"


def settings_json(settings: FingerprintSettings) -> str:
    """The fingerprint settings as an index records them: an index is read only with the settings it was made with."""
    return json.dumps(asdict(settings), sort_keys=True)


def pack_document(document: Document) -> tuple[bytes, str, bytes]:
    """The text (zlib), the sections (JSON) and the arrays (``pack_arrays``) of a prepared document."""
    if document.fingerprints is None:
        raise ValueError("a document is indexed with its fingerprints")
    fp, normalised = document.fingerprints, document.normalised
    lengths = normalised.ends - normalised.starts
    # Compact types and compression halve what a report costs on disk (about 40 KB for 5,000 characters).
    arrays = pack_arrays(
        codes=normalised.codes(),
        starts=normalised.starts.astype(np.int32),
        lengths=lengths.astype(np.uint16 if lengths.max(initial=0) < 1 << 16 else np.uint32),
        winnow_hashes=fp.winnow_hashes,
        winnow_positions=fp.winnow_positions.astype(np.int32),
        windows=fp.windows.astype(np.int32),
        signatures=fp.signatures,
        # One count per flag, by name: a flag added later is simply missing from older records.
        **{
            f"flag_{f.name}": np.array([getattr(document.flags, f.name)], dtype=np.int64)
            for f in fields(IntegrityFlags)
        },
    )
    sections = json.dumps([[s.title, s.level, s.start, s.end] for s in document.sections], ensure_ascii=False)
    return zlib.compress(document.text.encode("utf-8")), sections, arrays


# Arrays are kept as one zlib stream after a JSON list of (name, dtype, shape): a check reads a few hundred
# reports, and numpy's .npz (a zip member, a header to parse and a stream to inflate per array) cost 4 ms a report
# where this costs a fraction of one. Records written as .npz (they start with a zip's "PK") are still read.
_ARRAYS_MAGIC = b"DCA1"


def pack_arrays(**arrays: np.ndarray) -> bytes:
    """Named arrays as one blob (``unpack_all``)."""
    parts = {name: np.ascontiguousarray(a) for name, a in arrays.items()}
    header = json.dumps([[name, a.dtype.str, list(a.shape)] for name, a in parts.items()]).encode("ascii")
    body = zlib.compress(b"".join(a.tobytes() for a in parts.values()), 6)
    return _ARRAYS_MAGIC + len(header).to_bytes(4, "little") + header + body


def unpack_all(blob: bytes) -> dict[str, np.ndarray]:
    """The arrays of a blob ``pack_arrays`` (or, in an older record, ``np.savez_compressed``) wrote."""
    if not blob.startswith(_ARRAYS_MAGIC):
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    size = int.from_bytes(blob[4:8], "little")
    header = json.loads(blob[8 : 8 + size])
    body = zlib.decompress(blob[8 + size :])
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
    starts = data["starts"].astype(np.int32, copy=False)
    normalised = Normalised(
        tokens=codes.tobytes().decode("utf-32-le"),
        starts=starts,
        ends=starts + data["lengths"].astype(np.int32),
    )
    fingerprints = Fingerprints(
        n_tokens=len(codes),
        winnow_hashes=data["winnow_hashes"],
        winnow_positions=data["winnow_positions"].astype(np.int32, copy=False),
        windows=data["windows"].astype(np.int64).reshape(-1, 2),
        signatures=data["signatures"],
    )
    counts = {name: int(data[key].reshape(-1)[0]) for name, key in _FLAG_KEYS if key in data}
    decoded = zlib.decompress(text).decode("utf-8")
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


def unpack_arrays(arrays: bytes, *names: str) -> list[np.ndarray]:
    """Some of the arrays ``pack_document`` packed (a count needs a report's codes only)."""
    data = unpack_all(arrays)
    return [data[name] for name in names]
