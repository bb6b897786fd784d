"""The self-check's part of the HTML page: where the draft's text comes from, per source, the sentences many
reports share (once each), and the verdict (``sources.CheckSummary``), above the page's overview.

It is static HTML, made here rather than by the page's script, so that the scan's page and its script stay as they
are: every text in it (names, file names, the draft's text) goes through ``html.escape``, so none is read as
markup; the wording is the page's (``strings.json``, under ``check``) and the verdict's (``sources.VERDICTS``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dupcheck.export import percent, shortened
from dupcheck.report import Report
from dupcheck.sources import CheckSummary

_SHOWN_PASSAGES = 10  # per source, as on the terminal


def check_card(summary: CheckSummary, report: Report, strings: Mapping[str, Any], lang: str) -> str:
    """The card, in the language of ``strings`` (the page's ``check`` strings) and ``lang``."""
    text = report.texts.get(summary.draft.id, "")
    parts = [
        '<section id="check-summary" class="card">',
        f"<h2>{_e(strings['heading'])}</h2>",
        f'<p class="hint">{_e(strings["hint"])}</p>',
    ]
    if summary.sources:
        rows = [
            [s.name, strings["kinds"].get(s.kind, s.kind), percent(s.share), str(len(s.passages))]
            for s in summary.sources
        ]
        parts.append(
            _table(
                [strings["colSource"], strings["colKind"], strings["colShare"], strings["colPassages"]],
                rows,
                "check-sources",
            )
        )
        for source in summary.sources:
            parts.append(f"<h3>{_e(source.name)} · {_e(strings['kinds'].get(source.kind, source.kind))}</h3>")
            passages = [
                [
                    shortened(text[p.start : p.end], 80),
                    " · ".join(x for x in (p.doc, p.section) if x),
                    "—" if p.similarity is None else percent(p.similarity),
                ]
                for p in source.passages[:_SHOWN_PASSAGES]
            ]
            headers = [strings["colText"], strings["colWhere"], strings["colSimilarity"]]
            parts.append(_table(headers, passages, "check-passages"))
    if summary.shared:
        parts.append(f"<h3>{_e(strings['shared'])}</h3>")
        rows = []
        for line in summary.shared:
            found = strings["sharedWith"].format(n=line.reports) if line.reports else ""
            if line.templates:
                found = " ".join(
                    x for x in (found, strings["andTemplates"].format(names="、".join(line.templates))) if x
                )
            rows.append([shortened(text[line.start : line.end], 80), found, percent(line.share)])
        parts.append(_table([strings["colText"], "", strings["colShare"]], rows, "check-shared"))
    if summary.quoted:
        parts.append(f"<h3>{_e(strings['quoted'])}</h3>")
        rows = [[shortened(text[q.start : q.end], 80), percent(q.share)] for q in summary.quoted]
        parts.append(_table([strings["colText"], strings["colShare"]], rows, "check-quoted"))
    if not summary.sources and not summary.shared:
        parts.append(f"<p>{_e(strings['nothing'])}</p>")
    verdict = summary.verdict
    shares = summary.draft.shares
    # A requirement is held to the own writing and the cited quotations together (``Shares.own_or_quoted``).
    own = percent(shares.own_or_quoted) + (
        strings["withQuotes"].format(quote=percent(shares.quote)) if shares.quote else ""
    )
    values = {"own": own, "required": percent(verdict.fail_under or 0)}
    status = strings["own" if verdict.ready is None else "ready" if verdict.ready else "notReady"].format(**values)
    parts += [
        f'<p id="check-verdict" data-verdict="{_e(verdict.code)}"><strong>{_e(strings["verdict"])}</strong>'
        f"{_e(status)} {_e(verdict.text(lang))}</p>",
        "</section>",
    ]
    return "\n".join(parts)


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], css: str) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class="scroll"><table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _e(text: str) -> str:
    # A lone surrogate cannot be written as UTF-8: shown as the replacement character, as a browser would.
    return html.escape(_SURROGATE.sub("\ufffd", text), quote=True)


_SURROGATE = re.compile("[\ud800-\udfff]")
