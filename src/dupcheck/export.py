"""Write a ``Report`` for people: a terminal table, JSON, and CSV files for spreadsheets.

Document text and file names are untrusted. On the terminal every cell and every name is shown through
``untrusted.terminal_safe`` (a control character as its escape, never obeyed), and never read as a number
(tabulate would show a member "007" as 7). CSV cells that a spreadsheet would run as a formula get a leading
``'`` (``untrusted.safe_cell``); CSV files are UTF-8 with a BOM, without which Excel and WPS show Chinese as
mojibake. JSON escapes what a terminal would obey, so that it too can be printed as it is.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson
from tabulate import tabulate

from dupcheck.errors import WriteError, os_reason
from dupcheck.members import MemberRow
from dupcheck.outputs import ensure_outside, write_files
from dupcheck.report import SHARE_KEYS, DocumentResult, Report, SectionResult
from dupcheck.sources import CheckSummary, summarise
from dupcheck.untrusted import hidden, safe_cell, terminal_safe

CSV_FILES = ("documents.csv", "sections.csv", "pairs.csv", "passages.csv")


def percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def flagged_sections(document: DocumentResult, threshold: float) -> list[SectionResult]:
    """Sections less original than ``threshold`` (their own writing and cited quotations, ``Shares.own_or_quoted``),
    leaving out those inside a section already listed."""
    flagged: list[SectionResult] = []
    for section in document.sections:
        inside_flagged = any(f.start <= section.start and section.end <= f.end for f in flagged)
        if section.shares.own_or_quoted < threshold and section.chars and not inside_flagged:
            flagged.append(section)
    return flagged


def _table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> str:
    """A table for the terminal: text cells escaped (``terminal_safe``) and shown as written, never parsed as
    numbers; the numbers we put in (characters, passages) stay numbers, aligned right."""
    cells = [[terminal_safe(c) if isinstance(c, str) else c for c in row] for row in rows]
    text_columns = sorted({i for row in cells for i, c in enumerate(row) if isinstance(c, str)})
    return tabulate(cells, headers=list(headers), disable_numparse=text_columns or False)


def shortened(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _listed(names: Sequence[str], shown: int = 8) -> str:
    """Names joined for one cell; past ``shown``, how many in all."""
    head = "、".join(names[:shown])
    return head if len(names) <= shown else f"{head} … ({len(names)} in all)"


def render_table(report: Report, *, threshold: float, evidence: bool = False, max_pairs: int = 20) -> str:
    """The terminal summary: documents (least original first), member pairs, groups, and optionally evidence."""
    rounds = any(d.shares.self_ for d in report.documents)  # the column only where earlier rounds count
    collective = any(d.shares.collective for d in report.documents)  # … and where a unit's material is repeated
    quoted = any(d.shares.quote for d in report.documents)  # … and where anyone quotes with a citation
    rows = []
    for d in report.documents:
        partner = f"{d.top_partner} ({percent(d.top_partner_share)})" if d.top_partner else ""
        flagged = "; ".join(shortened(s.title, 24) for s in flagged_sections(d, threshold))
        rows.append(
            [
                d.member,
                d.id,
                percent(d.shares.originality),
                percent(d.shares.reuse),
                percent(d.shares.template),
                percent(d.shares.boilerplate),
                *([percent(d.shares.self_)] if rounds else []),
                *([percent(d.shares.collective)] if collective else []),
                *([percent(d.shares.quote)] if quoted else []),
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
        *(["own earlier"] if rounds else []),
        *(["collective"] if collective else []),
        *(["quote"] if quoted else []),
        "shares most with",
        "sections below " + percent(threshold),
    ]
    parts = []
    handed_in = [c for c in report.copies if len(c.documents) > 2]
    if handed_in:
        parts += [
            f"One report handed in by several members ({len(handed_in)}): the same text, whole or nearly",
            _table(
                [[len(c.members), _listed(c.members), percent(min(c.shares))] for c in handed_in],
                headers=["members", "who", "least share of one's text"],
            ),
            "",
        ]
    copied = [c for c in report.copies if len(c.documents) == 2]
    if copied:
        copy_rows = [
            [c.members[0], c.documents[0], percent(c.shares[0]), c.members[1], c.documents[1], percent(c.shares[1])]
            for c in copied
        ]
        parts += [
            f"Whole-report copies ({len(copied)}): two members' reports, one nearly all the other's",
            _table(copy_rows, headers=["member A", "document A", "of A", "member B", "document B", "of B"]),
            "",
        ]
    parts += [f"Documents ({len(report.documents)}), least original first", _table(rows, headers=headers)]
    with_flags = [d for d in report.documents if d.integrity.counts()]
    if with_flags:
        parts += [
            "",
            "Integrity flags (what a file hides from its reader or dresses up)",
            _table(
                [[d.member, d.id, "; ".join(d.integrity.notes())] for d in with_flags],
                headers=["member", "document", "flags"],
            ),
        ]
    if collective:
        repeating = sorted(
            (d for d in report.documents if d.shares.collective and d.kind != "collective"),
            key=lambda d: (-d.shares.collective, d.id),
        )
        parts += [
            "",
            "Members who repeat their unit's collective (committee) material",
            _table(
                [[d.member, d.id, percent(d.shares.collective)] for d in repeating[:max_pairs]],
                headers=["member", "document", "collective"],
            ),
        ]
    versions = [d for d in report.documents if d.earlier_versions]
    if versions:
        parts += [
            "",
            "Earlier versions (each member's newest file is the report; these are compared with nothing)",
            _table(
                [[d.member, d.id, "; ".join(d.earlier_versions)] for d in versions],
                headers=["member", "report", "earlier versions"],
            ),
        ]

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
        parts += ["", title, _table(pair_rows, headers=["member A", "member B", "A", "B", "passages"])]
        if len(report.pairs) > max_pairs:
            parts.append(f"… and {len(report.pairs) - max_pairs} more pairs (--format json or csv lists all)")
    else:
        parts += ["", "No reuse between members found."]

    if report.groups:
        group_rows = [[", ".join(g.members), shortened(report.excerpt(g.passages[0]), 50)] for g in report.groups]
        parts += [
            "",
            "Groups of three or more members sharing one passage",
            _table(group_rows, headers=["members", "passage"]),
        ]

    if evidence:
        parts += ["", "Evidence (each passage, then where it stands in the other text)"]
        for n, m in enumerate(report.matches, 1):
            parts += [
                f"[{n}] {m.kind}, similarity {percent(m.similarity)}",
                *(
                    f"  {terminal_safe(side.doc)} {side.start}-{side.end}: "
                    f"{terminal_safe(shortened(report.excerpt(side), 160))}"
                    for side in (m.a, m.b)
                ),
            ]
    else:
        parts += ["", f"{len(report.matches)} passages found; --evidence shows them."]
    return "\n".join(parts) + "\n"


_KIND_NAMES = {
    "reuse": "another member",
    "template": "the template",
    "self": "your earlier report",
    "collective": "your unit's collective material",
}


def render_check(
    report: Report, *, fail_under: float | None = None, max_passages: int = 10, summary: CheckSummary | None = None
) -> str:
    """The self-check of one draft: originality overall and per section, where the rest comes from (each source
    with its share of the draft and its passages, longest first; a sentence many reports share once, with their
    count), and one plain verdict."""
    summary = summary or summarise(report, fail_under=fail_under)
    draft = summary.draft
    s = draft.shares
    rounds, quoted = s.self_ > 0, s.quote > 0
    parts = [
        f"Draft {terminal_safe(draft.id)} (member {terminal_safe(draft.member)}), {draft.chars} characters",
        "  ".join(
            [
                f"original {percent(s.originality)}",
                f"reuse {percent(s.reuse)}",
                f"template {percent(s.template)}",
                f"boilerplate {percent(s.boilerplate)}",
                *([f"self {percent(s.self_)}"] if rounds else []),
                *([f"quote {percent(s.quote)}"] if quoted else []),
            ]
        ),
        *(f"flag: {note}" for note in draft.integrity.notes()),
        "",
        "Sections",
        _table(
            [
                [
                    shortened(sec.title, 30),
                    sec.chars,
                    percent(sec.shares.originality),
                    percent(sec.shares.reuse),
                    percent(sec.shares.template),
                    percent(sec.shares.boilerplate),
                    *([percent(sec.shares.self_)] if rounds else []),
                    *([percent(sec.shares.quote)] if quoted else []),
                ]
                for sec in draft.sections
            ],
            headers=["section", "chars", "original", "reuse", "template", "boilerplate"]
            + (["own earlier"] if rounds else [])
            + (["quote"] if quoted else []),
        ),
    ]
    if summary.sources:
        parts += [
            "",
            "Where your text comes from (share of your draft, characters counted once)",
            _table(
                [
                    [src.name, _KIND_NAMES.get(src.kind, src.kind), percent(src.share), len(src.passages)]
                    for src in summary.sources
                ],
                headers=["source", "taken from", "share", "passages"],
            ),
        ]
        for n, src in enumerate(summary.sources, 1):
            rows = [
                [
                    shortened(p.section, 24) or "—",
                    "—" if p.similarity is None else percent(p.similarity),
                    shortened(report.texts.get(draft.id, "")[p.start : p.end], 40),
                ]
                for p in src.passages[:max_passages]
            ]
            documents = f": {', '.join(src.documents)}" if src.documents != (src.name,) else ""
            title = f"[{n}] {src.name}, {_KIND_NAMES.get(src.kind, src.kind)}{documents}"
            parts += ["", terminal_safe(title), _table(rows, headers=["their section", "similarity", "your text"])]
            if len(src.passages) > max_passages:
                parts.append(f"… and {len(src.passages) - max_passages} more from {terminal_safe(src.name)}")
    if summary.shared:
        rows = [
            [
                shortened(report.texts.get(draft.id, "")[line.start : line.end], 40),
                _shared_with(line.reports, line.templates),
                percent(line.share),
            ]
            for line in summary.shared
        ]
        parts += [
            "",
            "Sentences many reports share (each once, not under every source)",
            _table(rows, headers=["your text", "found in", "share"]),
        ]
    if summary.quoted:
        rows = [
            [shortened(report.texts.get(draft.id, "")[q.start : q.end], 40), percent(q.share)] for q in summary.quoted
        ]
        parts += [
            "",
            "Quoted with a citation (no copying, counted with your own writing)",
            _table(rows, headers=["your text", "share"]),
        ]
    if not summary.sources and not summary.shared:
        parts += ["", "No passage of this draft was found in another report or a template."]
    parts += ["", _verdict(summary)]
    return "\n".join(parts) + "\n"


def _shared_with(reports: int, templates: Sequence[str]) -> str:
    named = [f"{reports} report{'s' if reports != 1 else ''}"] if reports else []
    return "shared with " + " and ".join([*named, *templates])


def _verdict(summary: CheckSummary) -> str:
    v, s = summary.verdict, summary.draft.shares
    # A requirement is held to the own writing and the cited quotations together (``Shares.own_or_quoted``).
    own = f"{percent(s.own_or_quoted)} your own writing"
    if s.quote:
        own += f" and cited quotations ({percent(s.quote)} quoted)"
    if v.fail_under is None:
        return f"Verdict: {v.text()} ({own})."
    if v.ready:
        return f"Verdict: ready ({own}, at or above {percent(v.fail_under)}): {v.text()}."
    return f"Verdict: NOT READY ({own}, below the required {percent(v.fail_under)}): {v.text()}."


def write_json(report: Report, out: IO[str], *, check: CheckSummary | None = None) -> None:
    """The JSON report (with a check's summary under ``"check"``, when given), Chinese as it is; what a terminal
    would obey (C1 controls, bidi overrides, line separators: ``json`` leaves them raw with ``ensure_ascii=False``)
    is written as ``\\u`` escapes, which read back as the same strings."""
    data = report.to_dict() if check is None else {**report.to_dict(), "check": check.to_dict()}
    # Written a piece at a time (a document, a match, a report's text), never the whole text of 10,000 reports'
    # JSON at once. A hidden character is escaped where it stands (only a string can hold one), inside a piece.
    for piece in _json_pieces(data, 0, _STREAMED_LEVELS):
        out.write("\n".join(line if line.isprintable() else _json_escaped(line) for line in piece.split("\n")))
    out.write("\n")


_STREAMED_LEVELS = 2  # the report's lists and maps (documents, matches, texts …) are written item by item


def _json_pieces(value: Any, indent: int, levels: int) -> Iterator[str]:
    """``value`` as ``json.dumps(value, ensure_ascii=False, indent=2)`` writes it at ``indent``, in pieces: the
    items of a list or map ``levels`` deep or less one by one."""
    if levels == 0 or not isinstance(value, dict | list | tuple) or not value:
        yield _json_text(value).replace("\n", "\n" + " " * indent)
        return
    pad = "\n" + " " * (indent + 2)
    if isinstance(value, dict):
        yield "{"
        for n, (key, item) in enumerate(value.items()):
            yield ("," if n else "") + pad + _json_text(str(key)) + ": "
            yield from _json_pieces(item, indent + 2, levels - 1)
        yield "\n" + " " * indent + "}"
    else:
        yield "["
        for n, item in enumerate(value):
            yield ("," if n else "") + pad
            yield from _json_pieces(item, indent + 2, levels - 1)
        yield "\n" + " " * indent + "]"


def _json_text(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, by orjson: the same text (for the report's numbers,
    rounded to four places), fourteen times as fast as the standard encoder, which runs in Python once it
    indents (12 s of a 10,000-report scan). What orjson refuses (a lone surrogate) the standard encoder writes."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, indent=2)


def _json_escaped(line: str) -> str:
    # Inside a JSON string (the only place such a character can be), json's own ASCII escape of it is valid.
    return "".join(json.dumps(c)[1:-1] if hidden(c) else c for c in line)


def _csv_file(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> tuple[Path, Callable[[IO[str]], object]]:
    """A CSV file for Excel and WPS (formula-like cells neutralised), as ``write_files`` takes it."""

    def write(out: IO[str]) -> None:
        _csv_rows(out, header, rows)

    return path, write


def _write_csv_files(files: Sequence[tuple[Path, Callable[[IO[str]], object]]], protect: Iterable[Path]) -> None:
    """CSV files, UTF-8 with a BOM, written all whole or none."""
    write_files(files, encoding="utf-8-sig", newline="", protect=protect)


def _csv_rows(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


@dataclass(frozen=True)
class Sheet:
    """One table of the report for a spreadsheet: a CSV file, a sheet of the workbook."""

    name: str  # documents | sections | pairs | passages
    header: tuple[str, ...]
    rows: Iterable[Sequence[Any]]  # made as they are written, once


# Columns holding a share (a fraction): a percentage in a workbook.
SHARE_COLUMNS = frozenset({*SHARE_KEYS, "top_partner_share", "share_a", "share_b", "similarity"})


def report_sheets(report: Report, *, threshold: float) -> list[Sheet]:
    """The report's four tables, as the CSV files and the workbook hold them (the README lists their columns)."""

    def shares(s: Any) -> list[float]:
        return list(s.as_dict().values())

    documents = Sheet(
        "documents",
        (
            "document",
            "member",
            "unit",
            "kind",
            "chars",
            *SHARE_KEYS,
            "top_partner",
            "top_partner_share",
            "flagged_sections",
            "earlier_versions",
            "integrity",
        ),
        (
            [
                d.id,
                d.member,
                d.unit,
                d.kind,
                d.chars,
                *shares(d.shares),
                d.top_partner or "",
                round(d.top_partner_share, 4),
                "; ".join(s.title for s in flagged_sections(d, threshold)),
                "; ".join(d.earlier_versions),
                "; ".join(d.integrity.notes()),
            ]
            for d in report.documents
        ),
    )
    sections = Sheet(
        "sections",
        ("document", "member", "section", "level", "start", "end", "chars", *SHARE_KEYS, "flagged"),
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
                int(s.shares.own_or_quoted < threshold),
            ]
            for d in report.documents
            for s in d.sections
        ),
    )
    pairs = Sheet(
        "pairs",
        ("member_a", "member_b", "chars_a", "chars_b", "share_a", "share_b", "passages"),
        (
            [p.member_a, p.member_b, p.chars_a, p.chars_b, round(p.share_a, 4), round(p.share_b, 4), p.matches]
            for p in report.pairs
        ),
    )
    passages = Sheet(
        "passages",
        ("kind", "similarity", "document_a", "start_a", "end_a", "text_a", "document_b", "start_b", "end_b", "text_b"),
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


def write_csv(report: Report, folder: Path, *, threshold: float, protect: Iterable[Path] = ()) -> list[Path]:
    """documents.csv, sections.csv, pairs.csv and passages.csv in ``folder`` (created if missing), never inside
    the corpus folders ``protect``; the four are written whole or not at all (a failure leaves the previous four)."""
    ensure_outside(folder, protect, "--output")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteError(str(folder), os_reason(error)) from error
    files = [
        _csv_file(folder / f"{sheet.name}.csv", sheet.header, sheet.rows)
        for sheet in report_sheets(report, threshold=threshold)
    ]
    _write_csv_files(files, ())  # the folder is checked above
    return [path for path, _ in files]


MEMBER_COLUMNS = ("file", "member", "shown", "unit", "kind", "how", "earlier_version_of")


def _member_cells(row: MemberRow) -> list[str]:
    return [row.file, row.member, row.shown, row.unit, row.kind, row.how, row.version_of]


def render_members(rows: Sequence[MemberRow]) -> str:
    """The file → member table of ``dupcheck members``, with counts of each kind."""
    kinds = Counter(r.kind for r in rows)
    members = len({r.member for r in rows})
    counts = ", ".join(f"{kinds[k]} {k}" for k in ("personal", "collective", "unknown") if kinds[k])
    table = _table(
        (_member_cells(r) for r in rows),
        headers=["file", "member", "shown as", "unit", "kind", "how it was found", "earlier version of"],
    )
    return f"{len(rows)} files, {members} members ({counts})\n{table}\n"


def write_members_csv(rows: Sequence[MemberRow], out: IO[str], *, terminal: bool = False) -> None:
    """The member table as CSV on a stream: cells that would run as formulas are prefixed with ``'``; for a
    ``terminal``, control characters in the cells are shown escaped too (a pipe or a file gets the names whole)."""
    cells = (_member_cells(r) for r in rows)
    _csv_rows(out, MEMBER_COLUMNS, ([terminal_safe(c) for c in row] for row in cells) if terminal else cells)


def save_members_csv(rows: Sequence[MemberRow], path: Path, *, protect: Iterable[Path] = ()) -> None:
    """The member table as a CSV file a reviewer corrects in Excel or WPS (as ``write_csv``'s files)."""
    _write_csv_files([_csv_file(path, MEMBER_COLUMNS, (_member_cells(r) for r in rows))], protect)
