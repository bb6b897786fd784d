"""The pre-submission self-check: one draft against a corpus or an index, before it is handed in."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dupcheck.corpus import member_from_name
from dupcheck.errors import UsageError
from dupcheck.model import Document, Population, ScanSettings, SourceFile
from dupcheck.prepare import load
from dupcheck.reading import DEFAULT_MAX_CHARS, SUPPORTED_SUFFIXES
from dupcheck.report import Report
from dupcheck.scan import compare


def load_draft(
    path: Path, *, member: str | None = None, round: str = "", max_chars: int = DEFAULT_MAX_CHARS
) -> Document:
    """Read the draft; its author is ``member`` or, as in a corpus, its file name up to the first separator."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UsageError(f"{path}: not a report dupcheck reads ({', '.join(sorted(SUPPORTED_SUFFIXES))})")
    source = SourceFile(path=path, id=path.name, member=member or member_from_name(path.name), unit="", round=round)
    return load(source, max_chars=max_chars)


def check_draft(
    draft: Document, others: Sequence[Document], settings: ScanSettings, population: Population | None = None
) -> Report:
    """The draft's report: what it shares with the other members' reports, the templates and earlier rounds.

    The others count towards boilerplate as in a scan of the whole corpus (or ``population`` does, when
    ``others`` are only the reports the draft may share something with), but only the draft is labelled and
    reported. A report of the corpus with the draft's id (an earlier version of it) is left out.
    """
    corpus = [d for d in others if d.source.id != draft.source.id]
    return compare([*corpus, draft], settings, focus={len(corpus)}, population=population)
