"""A scan (or check) report as one self-contained HTML page for a reviewer: who shares text with whom, which
sections are affected, and the passages side by side.

The page holds everything it needs: CSS and JS inline, the report as JSON in a ``<script type="application/json"
id="dupcheck-data">`` element, nothing fetched from anywhere (a Content-Security-Policy forbids it). Document text
is untrusted: in the JSON every ``<``, ``>``, ``&``, U+2028, U+2029 and lone surrogate is written as a ``\\uXXXX``
escape, so no text can close the script element, and the page builds its DOM from the data with
``createElement``/``textContent`` only, never parsing data as HTML.

The page's parts are package data in ``dupcheck/html/`` (shipped by pyproject's package-data), each read once
with ``importlib.resources`` and inlined: ``page.html`` (the skeleton, with ``__NAME__`` slots filled in one
pass), ``report.css`` (label colours from the Okabe–Ito palette, told apart with any colour vision; text labels
also differ by the style of their underline), ``report.js`` (linted by ESLint; tests/test_html_script.py runs its
helpers under node) and ``strings.json`` (the page's wording per language, as ``STRINGS``).
"""

from __future__ import annotations

import functools
import html
import json
import re
from importlib import resources
from typing import Any

from dupcheck.html_check import check_card
from dupcheck.report import Report
from dupcheck.sources import CheckSummary

ASSETS = ("page.html", "report.css", "report.js", "strings.json")  # in dupcheck/html/


@functools.cache
def _asset(name: str) -> str:
    """The text of ``dupcheck/html/<name>``, read on first use and kept."""
    return (resources.files("dupcheck") / "html" / name).read_text(encoding="utf-8")


STRINGS: dict[str, dict[str, Any]] = json.loads(_asset("strings.json"))  # {lang: {key: text}}, as the page has it
LANGUAGES = tuple(STRINGS)

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_TO_ESCAPE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")
_SLOTS = re.compile(r"__(LANG|CSP|TITLE|NOSCRIPT|CHECK|CSS|DATA|SCRIPT)__")


def render_html(
    report: Report,
    *,
    lang: str = "zh",
    threshold: float = 0.7,
    title: str | None = None,
    check: CheckSummary | None = None,
) -> str:
    """The report as one HTML5 page that opens by double-click, with labels in ``lang`` (``zh`` or ``en``).

    Sections less original than ``threshold`` are flagged. A check report (one document and its partners'
    texts) gives the same page for that one document; with its ``check`` summary, the page opens with where the
    draft's text comes from and the verdict (``html_check``).
    """
    if lang not in STRINGS:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    strings = STRINGS[lang]
    page_title = strings["title"] if title is None else title
    values = {
        "LANG": "zh-CN" if lang == "zh" else lang,
        "CSP": CONTENT_SECURITY_POLICY,
        "TITLE": html.escape(page_title),
        "NOSCRIPT": html.escape(
            "本报告需要启用 JavaScript 才能显示。" if lang == "zh" else "This report needs JavaScript to show."
        ),
        "CHECK": "" if check is None else check_card(check, report, strings["check"], lang),
        "CSS": _asset("report.css"),
        "DATA": script_json(page_data(report, lang=lang, threshold=threshold, title=page_title)),
        "SCRIPT": _asset("report.js"),
    }
    return _SLOTS.sub(lambda m: values[m.group(1)], _asset("page.html"))  # one pass: no inserted text is read again


def page_data(report: Report, *, lang: str, threshold: float, title: str) -> dict[str, Any]:
    """What the page renders: the JSON report (schema ``dupcheck.report/1``), the texts, who wrote them and their
    outlines, and the page's settings and wording."""
    return {
        "report": report.to_dict(),
        "texts": dict(report.texts),
        "members": dict(report.members),
        "outlines": {doc: [[start, end, t] for start, end, t in outline] for doc, outline in report.outlines.items()},
        "page": {"lang": lang, "title": title, "threshold": threshold, "strings": STRINGS[lang]},
    }


def script_json(value: Any) -> str:
    """JSON that is safe as the content of a ``<script>`` element: no ``</script>``, no ``<!--``, no line
    separators, no lone surrogates (which would not encode as UTF-8); ``JSON.parse`` reads it back unchanged."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _TO_ESCAPE.sub(lambda m: _SCRIPT_ESCAPES.get(m.group()) or f"\\u{ord(m.group()):04x}", text)
