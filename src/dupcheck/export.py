"""Write a ``Report`` for people: a terminal table, JSON, and CSV files for spreadsheets.

Document text is untrusted. CSV cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) are prefixed with ``'``; CSV files are UTF-8 with a BOM,
without which Excel and WPS show Chinese as mojibake.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from tabulate import tabulate

from dupcheck.report import DocumentResult, Report, SectionResult

CSV_FILES = ("documents.csv", "sections.csv", "pairs.csv", "passages.csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def flagged_sections(document: DocumentResult, threshold: float) -> list[SectionResult]:
    """Sections less original than ``threshold``, leaving out those inside a section already listed."""
    flagged: list[SectionResult] = []
    for section in document.sections:
        inside_flagged = any(f.start <= section.start and section.end <= f.end for f in flagged)
        if section.shares.originality < threshold and section.chars and not inside_flagged:
            flagged.append(section)
    return flagged


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_table(report: Report, *, threshold: float, evidence: bool = False, max_pairs: int = 20) -> str:
    """The terminal summary: documents (least original first), member pairs, groups, and optionally evidence."""
    rows = []
    for d in report.documents:
        partner = f"{d.top_partner} ({percent(d.top_partner_share)})" if d.top_partner else ""
        flagged = "; ".join(_short(s.title, 24) for s in flagged_sections(d, threshold))
        rows.append(
            [
                d.member,
                d.id,
                percent(d.shares.originality),
                percent(d.shares.reuse),
                percent(d.shares.template),
                percent(d.shares.boilerplate),
                partner,
                flagged,
            ]
        )
    headers = [
        "member",
        "document",
        "original",
        "reuse",
        "template",
        "boilerplate",
        "shares most with",
        "sections below " + percent(threshold),
    ]
    parts = [f"Documents ({len(report.documents)}), least original first", tabulate(rows, headers=headers)]

    if report.pairs:
        pair_rows = [
            [
                p.member_a,
                p.member_b,
                f"{p.chars_a} ({percent(p.share_a)})",
                f"{p.chars_b} ({percent(p.share_b)})",
                p.matches,
            ]
            for p in report.pairs[:max_pairs]
        ]
        title = "Members who share the most text (characters of reuse, share of each member's text)"
        parts += ["", title, tabulate(pair_rows, headers=["member A", "member B", "A", "B", "passages"])]
        if len(report.pairs) > max_pairs:
            parts.append(f"… and {len(report.pairs) - max_pairs} more pairs (--format json or csv lists all)")
    else:
        parts += ["", "No reuse between members found."]

    if report.groups:
        group_rows = [[", ".join(g.members), _short(report.excerpt(g.passages[0]), 50)] for g in report.groups]
        parts += [
            "",
            "Groups of three or more members sharing one passage",
            tabulate(group_rows, headers=["members", "passage"]),
        ]

    if evidence:
        parts += ["", "Evidence (each passage, then where it stands in the other text)"]
        for n, m in enumerate(report.matches, 1):
            parts += [
                f"[{n}] {m.kind}, similarity {percent(m.similarity)}",
                f"  {m.a.doc} {m.a.start}-{m.a.end}: {_short(report.excerpt(m.a), 160)}",
                f"  {m.b.doc} {m.b.start}-{m.b.end}: {_short(report.excerpt(m.b), 160)}",
            ]
    else:
        parts += ["", f"{len(report.matches)} passages found; --evidence shows them."]
    return "\n".join(parts) + "\n"


def write_json(report: Report, out: IO[str]) -> None:
    json.dump(report.to_dict(), out, ensure_ascii=False, indent=2)
    out.write("\n")


def safe_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])


def write_csv(report: Report, folder: Path, *, threshold: float) -> list[Path]:
    """documents.csv, sections.csv, pairs.csv and passages.csv in ``folder`` (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    share_header = ["originality", "reuse", "template", "boilerplate"]

    def shares(s: Any) -> list[float]:
        return [round(getattr(s, k), 4) for k in share_header]

    documents, sections, pairs, passages = (folder / name for name in CSV_FILES)
    _write_rows(
        documents,
        [
            "document",
            "member",
            "unit",
            "chars",
            *share_header,
            "top_partner",
            "top_partner_share",
            "flagged_sections",
        ],
        (
            [
                d.id,
                d.member,
                d.unit,
                d.chars,
                *shares(d.shares),
                d.top_partner or "",
                round(d.top_partner_share, 4),
                "; ".join(s.title for s in flagged_sections(d, threshold)),
            ]
            for d in report.documents
        ),
    )
    _write_rows(
        sections,
        ["document", "member", "section", "level", "start", "end", "chars", *share_header, "flagged"],
        (
            [
                d.id,
                d.member,
                s.title,
                s.level,
                s.start,
                s.end,
                s.chars,
                *shares(s.shares),
                int(s.shares.originality < threshold),
            ]
            for d in report.documents
            for s in d.sections
        ),
    )
    _write_rows(
        pairs,
        ["member_a", "member_b", "chars_a", "chars_b", "share_a", "share_b", "passages"],
        (
            [
                p.member_a,
                p.member_b,
                p.chars_a,
                p.chars_b,
                round(p.share_a, 4),
                round(p.share_b, 4),
                p.matches,
            ]
            for p in report.pairs
        ),
    )
    _write_rows(
        passages,
        [
            "kind",
            "similarity",
            "document_a",
            "start_a",
            "end_a",
            "text_a",
            "document_b",
            "start_b",
            "end_b",
            "text_b",
        ],
        (
            [
                m.kind,
                round(m.similarity, 4),
                m.a.doc,
                m.a.start,
                m.a.end,
                report.excerpt(m.a),
                m.b.doc,
                m.b.start,
                m.b.end,
                report.excerpt(m.b),
            ]
            for m in report.matches
        ),
    )
    return [documents, sections, pairs, passages]
