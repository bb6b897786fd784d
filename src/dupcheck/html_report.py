"""A scan (or check) report as HTML for a reviewer: who shares text with whom, which sections are affected, the
passages side by side, and a printable report with one member per page.

The overview's data (documents, pairs, groups: no text) is JSON in a ``<script type="application/json"
id="dupcheck-data">`` element. The texts, with each document's spans, sections and matches, travel in chunks of
a few documents: JSON, gzip-compressed and base64-encoded, decoded by the browser (``DecompressionStream``) only
when a document is opened, so a page of thousands of reports shows its overview quickly and stays small. Up to
``SINGLE_FILE_LIMIT`` bytes the chunks are inline and the report is one file; beyond it (a file too big to mail)
it is a folder: ``index.html`` and one ``data/NNNN.js`` per chunk, loaded by ``<script src>`` (``fetch`` of a
``file:`` URL is blocked), so the folder still opens offline by double-click.

Nothing is fetched from elsewhere (a Content-Security-Policy forbids it). Document text is untrusted: in the JSON
every ``<``, ``>``, ``&``, U+2028, U+2029 and lone surrogate is written as a ``\\uXXXX`` escape, so no text can
close the script element; base64 holds none of them; and the page builds its DOM with ``createElement`` and
``textContent`` only, never parsing data as HTML.

The page's parts are package data in ``dupcheck/html/`` (shipped by pyproject's package-data), each read once
with ``importlib.resources`` and inlined: ``page.html`` (the skeleton, with ``__NAME__`` slots filled in one
pass), ``report.css`` (label colours from the Okabe–Ito palette, told apart with any colour vision; text labels
also differ by the style of their underline), ``report.js`` (linted by ESLint; tests/test_html_script.py runs its
helpers under node) and ``strings.json`` (the page's wording per language, as ``STRINGS``).
"""

from __future__ import annotations

import base64
import functools
import gzip
import html
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from dupcheck.html_check import check_card
from dupcheck.report import DocumentResult, MatchResult, Report, Side
from dupcheck.sources import CheckSummary

ASSETS = ("page.html", "report.css", "report.js", "strings.json")  # in dupcheck/html/

# Above this many bytes a report is a folder rather than one file: 50 MB still goes through most mail systems.
SINGLE_FILE_LIMIT = 50 * 1024 * 1024
CHUNK_BYTES = 256 * 1024  # uncompressed JSON per chunk: one opened document decodes a fraction of a megabyte
FOLDER_PAGE = "index.html"
FOLDER_DATA = "data"
GENERATOR = '<meta name="generator" content="dupcheck">'  # how a folder dupcheck wrote is told from others


@functools.cache
def _asset(name: str) -> str:
    """The text of ``dupcheck/html/<name>``, read on first use and kept."""
    return (resources.files("dupcheck") / "html" / name).read_text(encoding="utf-8")


STRINGS: dict[str, dict[str, Any]] = json.loads(_asset("strings.json"))  # {lang: {key: text}}, as the page has it
LANGUAGES = tuple(STRINGS)

# 'self' lets a report folder's page load its own data/NNNN.js beside it; nothing else is loaded from anywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline' 'self'; img-src data:"
)

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_TO_ESCAPE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")
_SLOTS = re.compile(r"__(LANG|CSP|TITLE|NOSCRIPT|CHECK|CSS|DATA|CHUNKS|SCRIPT)__")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class HtmlOutput:
    """What ``--html`` writes: one page (``files`` holds just it, under ``FOLDER_PAGE``), or a folder of files
    (relative path -> text) whose entry is ``FOLDER_PAGE``."""

    files: dict[str, str]
    folder: bool
    size: int  # bytes of every file together (UTF-8)
    texts_size: int  # bytes of the texts themselves (UTF-8), for comparison


def render_html(
    report: Report,
    *,
    lang: str = "zh",
    threshold: float = 0.7,
    title: str | None = None,
    check: CheckSummary | None = None,
) -> str:
    """The report as one HTML5 page that opens by double-click, with labels in ``lang`` (``zh`` or ``en``),
    whatever its size. Sections less original than ``threshold`` are flagged. A check report (one document and
    its partners' texts) gives the same page for that one document; with its ``check`` summary, the page opens
    with where the draft's text comes from and the verdict (``html_check``)."""
    return html_output(report, lang=lang, threshold=threshold, title=title, check=check, limit=None).files[FOLDER_PAGE]


def html_output(
    report: Report,
    *,
    lang: str = "zh",
    threshold: float = 0.7,
    title: str | None = None,
    check: CheckSummary | None = None,
    limit: int | None = SINGLE_FILE_LIMIT,
) -> HtmlOutput:
    """The report as one page, or, when that page would be over ``limit`` bytes, as a folder (``None``: one page
    whatever its size, ``0``: always a folder)."""
    if lang not in STRINGS:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    page_title = STRINGS[lang]["title"] if title is None else title
    entries = chunk_entries(report)
    chunks, where = _chunks(entries)
    encoded = [encode_chunk(chunk) for chunk in chunks]
    texts_size = sum(len(text.encode("utf-8", "surrogatepass")) for text in report.texts.values())
    inline = "".join(
        f'<script type="text/plain" id="dupcheck-chunk-{i}">{b64}</script>\n' for i, b64 in enumerate(encoded)
    )

    def page(chunk_path: str | None, chunk_elements: str) -> str:
        data = page_data(report, lang=lang, threshold=threshold, title=page_title, chunks=where)
        data["page"]["chunkPath"] = chunk_path
        values = {
            "LANG": "zh-CN" if lang == "zh" else lang,
            "CSP": CONTENT_SECURITY_POLICY,
            "TITLE": html.escape(page_title),
            "NOSCRIPT": html.escape(
                "本报告需要启用 JavaScript 才能显示。" if lang == "zh" else "This report needs JavaScript to show."
            ),
            "CHECK": "" if check is None else check_card(check, report, STRINGS[lang]["check"], lang),
            "CSS": _asset("report.css"),
            "DATA": script_json(data),
            "CHUNKS": chunk_elements,
            "SCRIPT": _asset("report.js"),
        }
        return _SLOTS.sub(lambda m: values[m.group(1)], _asset("page.html"))  # one pass: nothing is read again

    single = page(None, inline)
    size = len(single.encode("utf-8"))
    if limit is None or size <= limit:
        return HtmlOutput({FOLDER_PAGE: single}, folder=False, size=size, texts_size=texts_size)
    files = {FOLDER_PAGE: page(FOLDER_DATA + "/", "")}
    for i, b64 in enumerate(encoded):
        files[chunk_file(i)] = f'dupcheckChunk({i},"{b64}");\n'
    total = sum(len(text.encode("utf-8")) for text in files.values())
    return HtmlOutput(files, folder=True, size=total, texts_size=texts_size)


def html_folder(path: Path) -> Path:
    """The folder a report too large for one file is written to instead of ``path``: ``report.html`` gives
    ``report/`` (its page ``report/index.html``)."""
    return path.with_suffix("") if path.suffix.lower() in (".html", ".htm") else path.with_name(path.name + "-html")


def is_report_folder(folder: Path) -> bool:
    """Whether ``folder`` is a report folder dupcheck wrote (and so may be replaced): its page and data only, the
    page made by dupcheck."""
    page = folder / FOLDER_PAGE
    try:
        return {p.name for p in folder.iterdir()} <= {FOLDER_PAGE, FOLDER_DATA} and GENERATOR in page.read_text(
            encoding="utf-8", errors="replace"
        )[:2000]
    except OSError:
        return False


def chunk_file(index: int) -> str:
    """The relative path of chunk ``index`` in a report folder (report.js names it the same way)."""
    return f"{FOLDER_DATA}/{index:04d}.js"


def page_data(
    report: Report, *, lang: str, threshold: float, title: str, chunks: dict[str, int] | None = None
) -> dict[str, Any]:
    """What the overview renders without any text: the documents (with their top-level sections only), the pairs
    (as ``[a, b, chars a, chars b, share a, share b, passages, link a, link b]``, a link being the first reuse
    match between them as ``[k, doc, start, end]``), the groups with a short excerpt, who wrote each text, which
    chunk holds it, and the page's settings and wording."""
    full = report.to_dict()
    first = _first_reuse(report)
    documents = []
    for d, row in zip(report.documents, full["documents"], strict=True):
        row = dict(row)
        del row["spans"]
        row["sections"] = [s for s in row["sections"] if s["level"] == 1]
        row["partner_link"] = first.get((d.id, d.top_partner or ""))
        documents.append(row)
    pairs = [
        [p.member_a, p.member_b, p.chars_a, p.chars_b, round(p.share_a, 4), round(p.share_b, 4), p.matches,
         first.get((p.member_a, p.member_b)), first.get((p.member_b, p.member_a))]
        for p in report.pairs
    ]  # fmt: skip
    groups = []
    for g in report.groups:
        lead = next((s for s in g.passages if report.members.get(s.doc) == g.members[0]), g.passages[0])
        groups.append(
            {
                "members": list(g.members),
                "holders": g.holders or len(g.members),  # a check counts the holders of a widely shared passage
                "passages": len(g.passages),
                "doc": lead.doc,
                "start": lead.start,
                "end": lead.end,
                "excerpt": short(report.excerpt(lead), 90),
            }
        )
    return {
        "documents": documents,
        "pairs": pairs,
        "groups": groups,
        "errors": full["errors"],
        "matches": len(report.matches),
        "members": dict(report.members),
        "chunks": dict(chunks) if chunks is not None else {},
        "page": {"lang": lang, "title": title, "threshold": threshold, "strings": STRINGS[lang], "chunkPath": None},
    }


def _first_reuse(report: Report) -> dict[tuple[str, str], list[Any]]:
    """The first reuse match of every (document, partner member) and every (member, partner member), as the link
    ``[k, doc, start, end]`` to the first's side of it: what a ranking row's partner and a heat-map cell open."""
    found: dict[tuple[str, str], list[Any]] = {}
    for k, m in enumerate(report.matches):
        if m.kind != "reuse":
            continue
        for mine, other in ((m.a, m.b), (m.b, m.a)):
            link = [k, mine.doc, mine.start, mine.end]
            partner = report.members.get(other.doc, "")
            found.setdefault((mine.doc, partner), link)
            found.setdefault((report.members.get(mine.doc, ""), partner), link)
    return found


def chunk_entries(report: Report) -> dict[str, dict[str, Any]]:
    """Per text, what opening it needs: the text, and for a document of the report its spans and every section,
    for another text (a template, a check's partner) its outline; and the matches that touch it, each as
    ``[k, kind, similarity, start, end, other doc, other start, other end]`` from its own side."""
    docs: dict[str, DocumentResult] = {d.id: d for d in report.documents}
    entries: dict[str, dict[str, Any]] = {}
    for doc_id, text in report.texts.items():
        entry: dict[str, Any] = {"text": text, "matches": []}
        if (d := docs.get(doc_id)) is not None:
            entry["spans"] = [[s.start, s.end, s.label] for s in d.spans]
            entry["sections"] = [
                [s.title, s.level, s.start, s.end, s.chars, *s.shares.as_dict().values()] for s in d.sections
            ]
        else:
            entry["outline"] = [[start, end, t] for start, end, t in report.outlines.get(doc_id, [])]
        entries[doc_id] = entry
    for k, m in enumerate(report.matches):
        for mine, other in ((m.a, m.b), (m.b, m.a)):
            if mine.doc in entries:
                entries[mine.doc]["matches"].append(_match_row(k, m, mine, other))
    return entries


def _match_row(k: int, m: MatchResult, mine: Side, other: Side) -> list[Any]:
    return [k, m.kind, round(m.similarity, 4), mine.start, mine.end, other.doc, other.start, other.end]


def _chunks(entries: dict[str, dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The entries cut into chunks of about ``CHUNK_BYTES`` of JSON, in order, and which chunk holds each text (the
    size reckoned, not measured: three bytes a character, a few dozen a row)."""
    chunks: list[dict[str, Any]] = [{}]
    where: dict[str, int] = {}
    size = 0
    for doc_id, entry in entries.items():
        rows = len(entry["matches"]) + len(entry.get("spans", ())) + len(entry.get("sections", ()))
        grown = 3 * len(entry["text"]) + 48 * rows
        if chunks[-1] and size + grown > CHUNK_BYTES:
            chunks.append({})
            size = 0
        chunks[-1][doc_id] = entry
        where[doc_id] = len(chunks) - 1
        size += grown
    return chunks, where


def encode_chunk(chunk: dict[str, Any]) -> str:
    """A chunk as the page carries it: JSON, gzip (no time stamp: the same report gives the same bytes), base64."""
    raw = script_json(chunk)  # a lone surrogate as an escape: JSON.parse makes it one code unit, as in Python
    data = gzip.compress(raw.encode("utf-8"), compresslevel=6, mtime=0)
    return base64.b64encode(data).decode("ascii")


def decode_chunk(b64: str) -> dict[str, Any]:
    """``encode_chunk`` undone (what the page does with ``DecompressionStream``)."""
    decoded: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(b64)).decode("utf-8"))
    return decoded


def short(text: str, limit: int) -> str:
    """``text`` on one line, white space collapsed, cut to ``limit`` characters with an ellipsis."""
    flat = _SPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def script_json(value: Any) -> str:
    """JSON that is safe as the content of a ``<script>`` element: no ``</script>``, no ``<!--``, no line
    separators, no lone surrogates (which would not encode as UTF-8); ``JSON.parse`` reads it back unchanged."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _TO_ESCAPE.sub(lambda m: _SCRIPT_ESCAPES.get(m.group()) or f"\\u{ord(m.group()):04x}", text)
