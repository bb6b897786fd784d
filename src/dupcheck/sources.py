"""Where a checked draft's text comes from, as a member reads it: one entry per source, the sentences many
reports share folded into one line each, and a plain verdict.

A check's report lists every passage the draft shares with another text, once per text: a genre sentence that 23
reports hold is 23 passages, and a passage more than ``ScanSettings.max_pair_members`` members share is a group,
not a passage at all. ``summarise`` turns the report into what a member acts on:

* a ``Source`` per member (as reports show them), per template file (by its file *name*: a template given as an
  absolute path names no folder of the reviewer's machine here), per earlier report of the member's own, with the
  draft's passages taken from it and the share of the draft they cover (characters of the draft, their union:
  two passages over one stretch count it once);
* a ``Shared`` line for every stretch of the draft that ``fold_at`` or more other reports hold (or a group holds):
  "shared with 23 reports", listed once and not under each of them;
* a ``Verdict``: with ``fail_under``, ready or not; always one of the plain sentences of ``VERDICTS``, chosen by
  the thresholds below (documented in the README).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PureWindowsPath
from typing import Any

from dupcheck.report import DocumentResult, Report, Side

FOLD_AT = 4  # a stretch of the draft that this many other reports hold is one "shared with N reports" line
LARGE = 0.20  # other members' text, the template or the member's earlier report this large a share: say so
OWN = 0.70  # at least this share original (the default --threshold) and ...
FEW = 0.05  # ... less than this of other members' text: "most of this draft is your own writing"

# The verdicts, in the order they are tested (``verdict_code``), in the languages the reports speak.
VERDICTS: dict[str, dict[str, str]] = {
    "others": {
        "en": "a large part of this draft is other members' text: rewrite the passages above before submitting",
        "zh": "本稿有相当部分是其他成员的文字：提交前请改写上列段落",
    },
    "self": {
        "en": "a large part of this draft repeats your earlier report: write about this round in your own words",
        "zh": "本稿有相当部分重复本人往年材料：请结合本次实际重新撰写",
    },
    "template": {
        "en": "a large part of this draft is the template's wording: put your own account where the template "
        "asks for it",
        "zh": "本稿有相当部分照搬模板原文：请在模板要求之处写出本人的实际情况",
    },
    "own": {
        "en": "most of this draft is your own writing",
        "zh": "本稿大部分是本人撰写的内容",
    },
    "mostly_own": {
        "en": "most of this draft is your own writing, but some passages are other members' text: rewrite them "
        "before submitting",
        "zh": "本稿大部分是本人撰写的内容，但有段落与其他成员雷同：提交前请改写",
    },
    "mixed": {
        "en": "much of this draft is not your own writing (set phrases, template or other members' text): look at "
        "the passages above",
        "zh": "本稿有较多内容并非本人撰写（套话、模板或其他成员的文字）：请查看上列段落",
    },
}


@dataclass(frozen=True)
class Passage:
    """A stretch of the draft and where it stands in the source."""

    start: int  # in the draft's text, end exclusive
    end: int
    doc: str  # the source's document (a template by its file name)
    doc_start: int
    doc_end: int
    similarity: float | None  # None for a passage known from a group, never aligned pair by pair
    section: str  # the source's section it stands in ('' if none)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "doc": self.doc,
            "doc_start": self.doc_start,
            "doc_end": self.doc_end,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
            "section": self.section,
        }


@dataclass(frozen=True)
class Source:
    """One member, template or earlier report the draft takes text from, and how much."""

    kind: str  # reuse (another member) | collective (the unit's committee material) | template | self
    name: str  # the member as reports show them, the template's file name, or the earlier report (ROUND:PATH)
    documents: tuple[str, ...]
    chars: int  # non-whitespace characters of the draft in its passages, counted once
    share: float  # of the draft's characters
    passages: tuple[Passage, ...]  # longest first

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "documents": list(self.documents),
            "chars": self.chars,
            "share": round(self.share, 4),
            "passages": [p.to_dict() for p in self.passages],
        }


@dataclass(frozen=True)
class Shared:
    """A stretch of the draft that many other reports hold, listed once."""

    start: int
    end: int
    chars: int
    share: float
    reports: int  # other members' reports (and earlier reports) that hold it
    members: tuple[str, ...]
    templates: tuple[str, ...]  # template files that hold it too, by name

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "chars": self.chars,
            "share": round(self.share, 4),
            "reports": self.reports,
            "members": list(self.members),
            "templates": list(self.templates),
        }


@dataclass(frozen=True)
class Quoted:
    """A stretch of the draft quoted with a citation (``quotes``): no copy, listed so the member sees what counts as
    a quotation."""

    start: int
    end: int
    chars: int
    share: float

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "chars": self.chars, "share": round(self.share, 4)}


@dataclass(frozen=True)
class Verdict:
    code: str  # a key of VERDICTS
    fail_under: float | None  # the required originality, when one was given
    ready: bool | None  # originality with cited quotations (``Shares.own_or_quoted``) at or above it (None without)

    def text(self, lang: str = "en") -> str:
        return VERDICTS[self.code][lang]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "ready": self.ready, "fail_under": self.fail_under, "text": self.text()}


@dataclass(frozen=True)
class CheckSummary:
    """A self-check as a member reads it: the draft, its sources (largest share first), the stretches many reports
    share, how much of the draft all of them cover, and the verdict."""

    draft: DocumentResult
    sources: tuple[Source, ...]
    shared: tuple[Shared, ...]  # in the draft's order
    not_own_chars: int  # the draft's characters in any passage above, counted once
    verdict: Verdict
    quoted: tuple[Quoted, ...] = ()  # in the draft's order

    def to_dict(self) -> dict[str, Any]:
        return {
            "draft": self.draft.id,
            "chars": self.draft.chars,
            "not_own_chars": self.not_own_chars,
            "not_own_share": round(_share(self.not_own_chars, self.draft), 4),
            "sources": [s.to_dict() for s in self.sources],
            "shared": [s.to_dict() for s in self.shared],
            "quoted": [q.to_dict() for q in self.quoted],
            "verdict": self.verdict.to_dict(),
        }


@dataclass(frozen=True)
class _Link:
    """One stretch of the draft found in one other document."""

    kind: str
    start: int
    end: int
    other: Side
    similarity: float | None
    group: tuple[str, ...] = ()  # for a stretch known from a group: its members (the documents' are not named)
    counted: int = 0  # for a stretch a check counted (``GroupResult.holders``): the other members holding it


def summarise(report: Report, *, fail_under: float | None = None, fold_at: int = FOLD_AT) -> CheckSummary:
    """The summary of a check's ``report`` (one document, the draft); ``fail_under``: the required originality."""
    (draft,) = report.documents
    text = report.texts.get(draft.id, "")
    links = _links(report, draft.id)
    kept: list[_Link] = []
    shared: list[Shared] = []
    for component in _overlapping(links):
        if _reports(component) >= fold_at:
            shared.append(_shared(report, draft, text, component))
        else:
            kept += [link for link in component if not link.counted]  # a counted stretch names no source
    by_source: dict[tuple[str, str], list[_Link]] = defaultdict(list)
    for link in kept:
        by_source[_source_key(report, link)].append(link)
    sources = [_source(report, draft, text, kind, name, found) for (kind, name), found in by_source.items()]
    sources.sort(key=lambda s: (-s.chars, s.name))
    return CheckSummary(
        draft=draft,
        sources=tuple(sources),
        shared=tuple(sorted(shared, key=lambda s: (s.start, s.end))),
        not_own_chars=_chars(text, ((link.start, link.end) for link in links)),
        verdict=verdict_of(draft, fail_under),
        quoted=tuple(
            Quoted(s.start, s.end, n, _share(n, draft))
            for s in draft.spans
            if s.label == "quote" and (n := _chars(text, [(s.start, s.end)]))
        ),
    )


def verdict_code(draft: DocumentResult) -> str:
    """Which of ``VERDICTS`` the draft's shares call for: the first that holds of other members' text (reuse and
    the unit's committee material) ≥ LARGE, the member's earlier report ≥ LARGE, the template ≥ LARGE; else, with
    at least OWN original (with cited quotations), "own" (other members' text below FEW) or "mostly_own"; else
    "mixed"."""
    s = draft.shares
    others = s.reuse + s.collective
    if others >= LARGE:
        return "others"
    if s.self_ >= LARGE:
        return "self"
    if s.template >= LARGE:
        return "template"
    if s.own_or_quoted >= OWN:
        return "own" if others < FEW else "mostly_own"
    return "mixed"


def verdict_of(draft: DocumentResult, fail_under: float | None = None) -> Verdict:
    ready = None if fail_under is None else draft.shares.own_or_quoted >= fail_under
    return Verdict(code=verdict_code(draft), fail_under=fail_under, ready=ready)


def template_name(doc: str) -> str:
    """A template by its file name, whatever path it was given by (Windows separators too)."""
    return PureWindowsPath(doc).name or doc


def _links(report: Report, draft: str) -> list[_Link]:
    """Every stretch of the draft with each other document it is found in: the passages, and the groups' stretches
    with each member's report not already linked there by a passage (a group wider than pairs are aligned for
    has no passages)."""
    links = [_Link(m.kind, m.a.start, m.a.end, m.b, m.similarity) for m in report.matches if m.a.doc == draft]
    for group in report.groups:
        if group.holders:  # counted, not listed: the draft's stretch alone, and how many others hold it
            others = group.holders - (draft in {side.doc for side in group.passages})
            links += [_Link("reuse", s.start, s.end, s, None, counted=others) for s in group.passages if s.doc == draft]
            continue
        mine = [side for side in group.passages if side.doc == draft]
        theirs: dict[str, Side] = {}
        for side in group.passages:
            if side.doc != draft:
                theirs.setdefault(side.doc, side)
        for side in mine:
            for doc, other in theirs.items():
                if not any(link.other.doc == doc and _overlap(link, side) for link in links):
                    links.append(_Link("reuse", side.start, side.end, other, None, group.members))
    return links


def _overlap(link: _Link, side: Side | _Link) -> int:
    return max(0, min(link.end, side.end) - max(link.start, side.start))


def _overlapping(links: Sequence[_Link]) -> list[list[_Link]]:
    """The links in groups of one stretch: two are of one when they overlap by at least half the longer one (a
    sentence and the same sentence a few characters longer, but not a paragraph and a sentence inside it)."""
    order = sorted(range(len(links)), key=lambda i: (links[i].start, links[i].end))
    parent = list(range(len(links)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for n, i in enumerate(order):
        for j in order[n + 1 :]:
            if links[j].start >= links[i].end:
                break
            longer = max(links[i].end - links[i].start, links[j].end - links[j].start)
            if 2 * _overlap(links[i], links[j]) >= longer:
                parent[root(j)] = root(i)
    components: dict[int, list[_Link]] = defaultdict(list)
    for i in order:
        components[root(i)].append(links[i])
    return list(components.values())


def _source_key(report: Report, link: _Link) -> tuple[str, str]:
    if link.kind == "template":
        return "template", template_name(link.other.doc)
    if link.kind == "self":
        return "self", link.other.doc
    return link.kind, report.members.get(link.other.doc) or link.other.doc


def _source(report: Report, draft: DocumentResult, text: str, kind: str, name: str, links: list[_Link]) -> Source:
    ordered = sorted(links, key=lambda link: (link.start - link.end, link.start, link.other.doc))
    # One stretch of the draft found twice in the source (a template repeating a phrase, a member's two copies of
    # one material) is one passage to rewrite: listed once, at its first place there.
    distinct = list({(link.start, link.end): link for link in reversed(ordered)}.values())[::-1]
    shown = template_name if kind == "template" else str
    passages = tuple(
        Passage(
            start=link.start,
            end=link.end,
            doc=shown(link.other.doc),
            doc_start=link.other.start,
            doc_end=link.other.end,
            similarity=link.similarity,
            section=_section(report, link.other),
        )
        for link in distinct
    )
    chars = _chars(text, ((link.start, link.end) for link in links))
    documents = tuple(dict.fromkeys(shown(link.other.doc) for link in ordered))
    return Source(kind, name, documents, chars, _share(chars, draft), passages)


def _reports(links: Sequence[_Link]) -> int:
    """How many other documents hold a stretch: those its links name, or as many as a check counted, if more (the
    counted include the named ones)."""
    named = {link.other.doc for link in links if not link.counted}
    return max(len(named), max((link.counted for link in links), default=0))


def _shared(report: Report, draft: DocumentResult, text: str, links: list[_Link]) -> Shared:
    chars = _chars(text, ((link.start, link.end) for link in links))
    theirs = [link for link in links if link.kind != "template" and not link.counted]
    members = {report.members.get(link.other.doc) or link.other.doc for link in theirs if not link.group}
    members |= {m for link in links for m in link.group if m != draft.member}
    templates = sorted({template_name(link.other.doc) for link in links if link.kind == "template"})
    return Shared(
        start=min(link.start for link in links),
        end=max(link.end for link in links),
        chars=chars,
        share=_share(chars, draft),
        reports=max(len({link.other.doc for link in theirs}), max((link.counted for link in links), default=0)),
        members=tuple(sorted(members)),
        templates=tuple(templates),
    )


def _section(report: Report, side: Side) -> str:
    """The title of the section of the other document a passage starts in (the innermost one)."""
    outline = report.outlines.get(side.doc, [])
    return next((title for start, end, title in reversed(outline) if start <= side.start < end), "")


def _chars(text: str, spans: Iterable[tuple[int, int]]) -> int:
    """Non-whitespace characters of ``text`` in the union of ``spans``, as shares count them."""
    total, reached = 0, 0
    for start, end in sorted(spans):
        start = max(start, reached)
        if end > start:
            segment = text[start:end]
            total += len(segment) - sum(map(str.isspace, segment))
            reached = end
    return total


def _share(chars: int, draft: DocumentResult) -> float:
    return chars / draft.chars if draft.chars else 0.0
