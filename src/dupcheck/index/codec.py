"""How an index stores a prepared report, whatever keeps it: the text compressed, the sections as JSON, the arrays
(token codes and offsets, fingerprints, the integrity flags' counts) in one .npz blob; and what says which dupcheck
wrote an index (the application's name, the schema of its records, the fingerprint settings as JSON), which both
backends check on opening."""

from __future__ import annotations

import io
import json
import zlib
from dataclasses import asdict, fields
from typing import Any

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
    """The text (zlib), the sections (JSON) and the arrays (npz) of a prepared document."""
    if document.fingerprints is None:
        raise ValueError("a document is indexed with its fingerprints")
    fp, normalised = document.fingerprints, document.normalised
    lengths = normalised.ends - normalised.starts
    buffer = io.BytesIO()
    # One array per flag, by name: a flag added later is simply missing from older records.
    flags: dict[str, Any] = {
        f"flag_{f.name}": np.int64(getattr(document.flags, f.name)) for f in fields(IntegrityFlags)
    }
    # Compact types and compression halve what a report costs on disk (about 40 KB for 5,000 characters).
    np.savez_compressed(
        buffer,
        codes=normalised.codes(),
        starts=normalised.starts.astype(np.int32),
        lengths=lengths.astype(np.uint16 if lengths.max(initial=0) < 1 << 16 else np.uint32),
        winnow_hashes=fp.winnow_hashes,
        winnow_positions=fp.winnow_positions.astype(np.int32),
        windows=fp.windows.astype(np.int32),
        signatures=fp.signatures,
        **flags,
    )
    sections = json.dumps([[s.title, s.level, s.start, s.end] for s in document.sections], ensure_ascii=False)
    return zlib.compress(document.text.encode("utf-8")), sections, buffer.getvalue()


def unpack_document(
    source: SourceFile, text: bytes, sections: str, arrays: bytes, settings: FingerprintSettings
) -> Document:
    """The document ``pack_document`` packed, as ``source``."""
    with np.load(io.BytesIO(arrays)) as data:
        codes = data["codes"].astype(np.uint32)
        starts = data["starts"].astype(np.int32)
        normalised = Normalised(
            tokens=codes.astype("<u4").tobytes().decode("utf-32-le"),
            starts=starts,
            ends=starts + data["lengths"].astype(np.int32),
        )
        fingerprints = Fingerprints(
            n_tokens=len(codes),
            winnow_hashes=data["winnow_hashes"],
            winnow_positions=data["winnow_positions"].astype(np.int32),
            windows=data["windows"].astype(np.int64).reshape(-1, 2),
            signatures=data["signatures"],
        )
        counts = {f.name: int(data[f"flag_{f.name}"]) for f in fields(IntegrityFlags) if f"flag_{f.name}" in data}
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
    """Some of the arrays ``pack_document`` packed, without the rest (a count needs a report's codes only)."""
    with np.load(io.BytesIO(arrays), allow_pickle=False) as data:
        return [data[name] for name in names]
