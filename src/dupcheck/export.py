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
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from tabulate import tabulate

from dupcheck.errors import WriteError, os_reason
from dupcheck.members import MemberRow
from dupcheck.outputs import ensure_outside, write_files
from dupcheck.report import SHARE_KEYS, DocumentResult, MatchResult, Report, SectionResult
from dupcheck.untrusted import hidden, safe_cell, terminal_safe

CSV_FILES = ("documents.csv", "sections.csv", "pairs.csv", "passages.csv")


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


def _table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> str:
    """A table for the terminal: text cells escaped (``terminal_safe``) and shown as written, never parsed as
    numbers; the numbers we put in (characters, passages) stay numbers, aligned right."""
    cells = [[terminal_safe(c) if isinstance(c, str) else c for c in row] for row in rows]
    text_columns = sorted({i for row in cells for i, c in enumerate(row) if isinstance(c, str)})
    return tabulate(cells, headers=list(headers), disable_numparse=text_columns or False)


def _short(text: str, limit: int) -> str:
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
                *([percent(d.shares.self_)] if rounds else []),
                *([percent(d.shares.collective)] if collective else []),
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
        group_rows = [[", ".join(g.members), _short(report.excerpt(g.passages[0]), 50)] for g in report.groups]
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
                    f"{terminal_safe(_short(report.excerpt(side), 160))}"
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


def render_check(report: Report, *, fail_under: float | None = None, max_passages: int = 50) -> str:
    """The self-check of one draft: originality overall and per section, every passage that is not the
    member's own with where it comes from (worst first), and one verdict line."""
    (draft,) = report.documents
    s = draft.shares
    rounds = s.self_ > 0
    parts = [
        f"Draft {terminal_safe(draft.id)} (member {terminal_safe(draft.member)}), {draft.chars} characters",
        "  ".join(
            [
                f"original {percent(s.originality)}",
                f"reuse {percent(s.reuse)}",
                f"template {percent(s.template)}",
                f"boilerplate {percent(s.boilerplate)}",
                *([f"self {percent(s.self_)}"] if rounds else []),
            ]
        ),
        *(f"flag: {note}" for note in draft.integrity.notes()),
        "",
        "Sections",
        _table(
            [
                [
                    _short(sec.title, 30),
                    sec.chars,
                    percent(sec.shares.originality),
                    percent(sec.shares.reuse),
                    percent(sec.shares.template),
                    percent(sec.shares.boilerplate),
                    *([percent(sec.shares.self_)] if rounds else []),
                ]
                for sec in draft.sections
            ],
            headers=["section", "chars", "original", "reuse", "template", "boilerplate"]
            + (["own earlier"] if rounds else []),
        ),
    ]
    found = sorted(
        (m for m in report.matches if m.a.doc == draft.id),
        key=lambda m: (-(m.a.end - m.a.start), m.a.start),
    )
    if found:
        rows = [
            [
                n,
                _KIND_NAMES.get(m.kind, m.kind),
                _source(report, m),
                percent(m.similarity),
                _short(report.excerpt(m.a), 40),
            ]
            for n, m in enumerate(found[:max_passages], 1)
        ]
        parts += [
            "",
            "Passages not your own, longest first",
            _table(rows, headers=["#", "taken from", "where", "similarity", "your text"]),
        ]
        if len(found) > max_passages:
            parts.append(f"… and {len(found) - max_passages} more (--format json lists all)")
    parts += ["", _verdict(draft, found, fail_under)]
    return "\n".join(parts) + "\n"


def _source(report: Report, m: MatchResult) -> str:
    """Who or what a passage comes from: member or template, document, and its section there."""
    member = report.members.get(m.b.doc, "")
    section = next(
        (title for start, end, title in reversed(report.outlines.get(m.b.doc, [])) if start <= m.b.start < end), ""
    )
    return " · ".join(x for x in (member, m.b.doc, _short(section, 24)) if x)


def _verdict(draft: DocumentResult, found: Sequence[MatchResult], fail_under: float | None) -> str:
    counts = {kind: sum(m.kind == kind for m in found) for kind in _KIND_NAMES}
    detail = (
        f"{counts['reuse']} passage(s) shared with other members, {counts['template']} from the template, "
        f"{counts['self']} repeated from your earlier reports"
    )
    own = percent(draft.shares.originality)
    if fail_under is not None and draft.shares.originality < fail_under:
        return f"Verdict: NOT READY: {own} your own writing, below the required {percent(fail_under)} ({detail})."
    if fail_under is not None:
        return f"Verdict: ready: {own} your own writing, at or above {percent(fail_under)} ({detail})."
    return f"Verdict: {own} your own writing ({detail})."


def write_json(report: Report, out: IO[str]) -> None:
    """The JSON report, Chinese as it is; what a terminal would obey (C1 controls, bidi overrides, line
    separators: ``json`` leaves them raw with ``ensure_ascii=False``) is written as ``\\u`` escapes, which
    read back as the same strings."""
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
    out.write("\n".join(line if line.isprintable() else _json_escaped(line) for line in text.split("\n")) + "\n")


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


def write_csv(report: Report, folder: Path, *, threshold: float, protect: Iterable[Path] = ()) -> list[Path]:
    """documents.csv, sections.csv, pairs.csv and passages.csv in ``folder`` (created if missing), never inside
    the corpus folders ``protect``; the four are written whole or not at all (a failure leaves the previous four)."""
    ensure_outside(folder, protect, "--output")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteError(str(folder), os_reason(error)) from error
    share_header = list(SHARE_KEYS)

    def shares(s: Any) -> list[float]:
        return list(s.as_dict().values())

    documents, sections, pairs, passages = (folder / name for name in CSV_FILES)
    files: list[tuple[Path, Callable[[IO[str]], object]]] = []
    files.append(
        _csv_file(
            documents,
            [
                "document",
                "member",
                "unit",
                "kind",
                "chars",
                *share_header,
                "top_partner",
                "top_partner_share",
                "flagged_sections",
                "earlier_versions",
                "integrity",
            ],
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
    )
    files.append(
        _csv_file(
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
    )
    files.append(
        _csv_file(
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
    )
    files.append(
        _csv_file(
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
    )
    _write_csv_files(files, ())  # the folder is checked above
    return [documents, sections, pairs, passages]


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
