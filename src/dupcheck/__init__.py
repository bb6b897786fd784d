"""dupcheck: template- and reuse-detection for written reports.

The Python API (documented in the README under "Python API")::

    from pathlib import Path
    import dupcheck

    report = dupcheck.scan(Path("corpus"))
    for document in report.documents:
        print(document.member, document.shares.originality)

Names are imported on first use, so that ``import dupcheck`` (and the command line, which starts with it) costs
only what a command needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dupcheck.alignment import AlignSettings
    from dupcheck.check import CheckResult, check_against, check_draft, load_draft
    from dupcheck.errors import DupcheckError, IndexFileError, ReadError, UsageError, WorkerError
    from dupcheck.export import render_check, render_table, write_csv, write_json
    from dupcheck.fingerprints import FingerprintSettings
    from dupcheck.html_report import render_html
    from dupcheck.index import Index, UpdateResult, default_index_path, open_index
    from dupcheck.members import Membership, member_rows, read_corrections
    from dupcheck.model import Document, ScanSettings, SourceFile
    from dupcheck.prepare import load_corpus
    from dupcheck.reading import read_document
    from dupcheck.report import (
        DocumentResult,
        ErrorResult,
        GroupResult,
        MatchResult,
        PairResult,
        Report,
        SectionResult,
        Shares,
        Side,
        SpanResult,
    )
    from dupcheck.sources import CheckSummary, summarise
    from dupcheck.xlsx import write_xlsx

# Bound now, not on first use: importing the module dupcheck.scan sets the package's attribute ``scan`` to that
# module, which would hide the function of the same name from then on (the command line imports it anyway).
from dupcheck.scan import compare, scan

_WHERE = {
    "scan": "scan",
    "compare": "scan",
    "check_against": "check",
    "check_draft": "check",
    "load_draft": "check",
    "CheckResult": "check",
    "load_corpus": "prepare",
    "Membership": "members",
    "read_corrections": "members",
    "member_rows": "members",
    "read_document": "reading",
    "ScanSettings": "model",
    "Document": "model",
    "SourceFile": "model",
    "FingerprintSettings": "fingerprints",
    "AlignSettings": "alignment",
    "Index": "index",
    "UpdateResult": "index",
    "open_index": "index",
    "default_index_path": "index",
    "Report": "report",
    "DocumentResult": "report",
    "SectionResult": "report",
    "SpanResult": "report",
    "Shares": "report",
    "MatchResult": "report",
    "Side": "report",
    "PairResult": "report",
    "GroupResult": "report",
    "ErrorResult": "report",
    "render_table": "export",
    "render_check": "export",
    "write_json": "export",
    "write_csv": "export",
    "write_xlsx": "xlsx",
    "render_html": "html_report",
    "summarise": "sources",
    "CheckSummary": "sources",
    "DupcheckError": "errors",
    "ReadError": "errors",
    "UsageError": "errors",
    "IndexFileError": "errors",
    "WorkerError": "errors",
}

__all__ = [
    "AlignSettings",
    "CheckResult",
    "CheckSummary",
    "Document",
    "DocumentResult",
    "DupcheckError",
    "ErrorResult",
    "FingerprintSettings",
    "GroupResult",
    "Index",
    "IndexFileError",
    "MatchResult",
    "Membership",
    "PairResult",
    "ReadError",
    "Report",
    "ScanSettings",
    "SectionResult",
    "Shares",
    "Side",
    "SourceFile",
    "SpanResult",
    "UpdateResult",
    "UsageError",
    "WorkerError",
    "check_against",
    "check_draft",
    "compare",
    "default_index_path",
    "load_corpus",
    "load_draft",
    "member_rows",
    "open_index",
    "read_corrections",
    "read_document",
    "render_check",
    "render_html",
    "render_table",
    "scan",
    "summarise",
    "write_csv",
    "write_json",
    "write_xlsx",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'dupcheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"dupcheck.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
