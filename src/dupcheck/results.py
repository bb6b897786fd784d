"""The parts of a report built from what the comparison found: per document its shares, sections and spans; the
matches a reviewer reads; reuse between members summed into pairs; groups of three or more members sharing one
passage; the settings the report was made with.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, replace

import numpy as np

from dupcheck.alignment import Passage
from dupcheck.arrays import range_mask
from dupcheck.labels import Label, LabelCounts, Span
from dupcheck.members import display_names, own_collective
from dupcheck.model import Document, ScanSettings
from dupcheck.report import (
    CopyResult,
    DocumentResult,
    GroupResult,
    MatchResult,
    PairResult,
    Report,
    SectionResult,
    Shares,
    Side,
    SpanResult,
)
from dupcheck.same_reports import SameReports


def share_result(values: dict[Label, float]) -> Shares:
    return Shares(
        originality=values[Label.ORIGINAL],
        reuse=values[Label.REUSE],
        template=values[Label.TEMPLATE],
        boilerplate=values[Label.BOILERPLATE],
        self_=values[Label.SELF],
        collective=values[Label.COLLECTIVE],
        quote=values[Label.QUOTE],
    )


def document_result(doc: Document, spans: list[Span], counts: LabelCounts) -> DocumentResult:
    """A document's result: its shares, per section and overall, and its labelled spans (partners come later)."""
    chars, of = counts.summary()
    sections = []
    for s in doc.sections:
        section_chars, section_of = counts.summary(s.start, s.end)
        sections.append(SectionResult(s.title, s.level, s.start, s.end, section_chars, share_result(section_of)))
    return DocumentResult(
        id=doc.source.id,
        member=doc.source.member,
        unit=doc.source.unit,
        round=doc.source.round,
        kind=doc.source.kind,
        chars=chars,
        shares=share_result(of),
        sections=tuple(sections),
        spans=tuple(SpanResult(s.start, s.end, s.label.key) for s in spans),
        top_partner=None,
        top_partner_share=0.0,
        integrity=doc.flags,
    )


def with_partners(result: DocumentResult, partner_chars: dict[str, int]) -> DocumentResult:
    """The result with the member it shares most reuse with (characters of its own text per partner)."""
    if not partner_chars:
        return result
    top = min(partner_chars, key=lambda p: (-partner_chars[p], p))
    return replace(
        result, top_partner=top, top_partner_share=partner_chars[top] / result.chars if result.chars else 0.0
    )


def side_of(doc: Document, start: int, end: int) -> Side:
    return Side(doc.source.id, *doc.normalised.original_span(start, end))


def matches(
    shared: dict[tuple[int, int], list[Passage]],
    documents: Sequence[Document],
    labels: dict[int, np.ndarray],
    settings: ScanSettings,
) -> list[MatchResult]:
    """Template, reuse and self matches of the labelled documents; a passage two members share only as
    boilerplate is no finding."""
    out = []
    cut = LabelCuts(labels)
    for (i, j), passages in shared.items():
        if i not in labels:  # the labelled document comes first
            i, j = j, i
            passages = [Passage(p.b_start, p.b_end, p.a_start, p.a_end, p.matched) for p in passages]
        if i not in labels:
            continue
        di, dj = documents[i], documents[j]
        if dj.source.is_template:
            kind, label = "template", Label.TEMPLATE
        elif dj.source.member == di.source.member:
            kind, label = "self", Label.SELF
        elif own_collective(di.source, dj.source):
            kind, label = "collective", Label.COLLECTIVE
        else:
            kind, label = "reuse", Label.REUSE
        for p in passages:
            if kind == "template":
                out.append(
                    MatchResult(kind, p.similarity, side_of(di, p.a_start, p.a_end), side_of(dj, p.b_start, p.b_end))
                )
                continue
            a_range = cut(i, label, p.a_start, p.a_end)
            b_range = cut(j, label, p.b_start, p.b_end) if j in labels else (p.b_start, p.b_end, p.b_end - p.b_start)
            if a_range and b_range and max(a_range[2], b_range[2]) >= settings.alignment.min_chars:
                out.append(MatchResult(kind, p.similarity, side_of(di, *a_range[:2]), side_of(dj, *b_range[:2])))
    return sorted(out, key=lambda m: (m.kind, m.a.doc, m.a.start, m.b.doc, m.b.start))


class LabelCuts:
    """The part of a passage from its first to its last token with a label, for every passage of a report: the
    evidence for reuse should not run on into a heading or set phrase both members share with everyone.

    Each document's tokens of a label are listed once, so a cut is two binary searches (a scan of 10,000 reports
    cuts millions of passages)."""

    def __init__(self, labels: Mapping[int, np.ndarray]) -> None:
        self._labels = labels
        self._positions: dict[tuple[int, Label], list[int]] = {}

    def __call__(self, doc: int, label: Label, start: int, end: int) -> tuple[int, int, int] | None:
        """``(first, last + 1, how many)`` of the tokens of ``doc`` in ``start:end`` with ``label``; None if none."""
        key = (doc, label)
        positions = self._positions.get(key)
        if positions is None:
            positions = self._positions[key] = np.flatnonzero(self._labels[doc] == label).tolist()
        low, high = bisect_left(positions, start), bisect_left(positions, end)
        if high <= low:
            return None
        return positions[low], positions[high - 1] + 1, high - low


def cut_ranges(labels: np.ndarray, label: Label, ranges: np.ndarray, min_count: int) -> tuple[np.ndarray, np.ndarray]:
    """``LabelCuts`` for many ranges of one text at once (an ``(n, 2)`` array): each cut from its first to its last
    token with ``label``, and which ranges (their indices) hold at least ``min_count`` such tokens (and one)."""
    positions = np.flatnonzero(labels == label)
    low, high = np.searchsorted(positions, ranges[:, 0]), np.searchsorted(positions, ranges[:, 1])
    kept = np.flatnonzero(high - low >= max(min_count, 1))
    cut = np.stack([positions[low[kept]], positions[high[kept] - 1] + 1], axis=1) if len(kept) else ranges[:0]
    return cut, kept


def side_order(side: Side) -> tuple[str, int, int]:
    """A total order of passages: by document, start, end (a group's passages may come from a set, whose order
    changes from run to run)."""
    return side.doc, side.start, side.end


def pairs(
    matches: Sequence[MatchResult],
    documents: Sequence[Document],
    index_of: dict[str, int],
    shares: dict[int, LabelCounts],
    reused_chars: dict[int, dict[str, int]],
) -> list[PairResult]:
    """Reuse between members, summed over their documents."""
    member_chars: dict[str, int] = defaultdict(int)
    for i, s in shares.items():
        member_chars[documents[i].source.member] += s.chars()
    chars: dict[tuple[str, str], int] = defaultdict(int)  # (member, partner) -> member's chars
    for i, by_partner in reused_chars.items():
        for partner, n in by_partner.items():
            chars[(documents[i].source.member, partner)] += n
    passages: dict[tuple[str, str], int] = defaultdict(int)
    for m in matches:
        if m.kind == "reuse":
            a, b = (documents[index_of[side.doc]].source.member for side in (m.a, m.b))
            passages[(min(a, b), max(a, b))] += 1
    out = [
        PairResult(
            member_a=a,
            member_b=b,
            chars_a=chars[(a, b)],
            chars_b=chars[(b, a)],
            share_a=chars[(a, b)] / member_chars[a] if member_chars[a] else 0.0,
            share_b=chars[(b, a)] / member_chars[b] if member_chars[b] else 0.0,
            matches=n,
        )
        for (a, b), n in passages.items()
    ]
    return sorted(out, key=lambda p: (-max(p.chars_a, p.chars_b), p.member_a, p.member_b))


def groups(
    views: dict[int, list[tuple[int, int, int]]],
    documents: Sequence[Document],
    labels: dict[int, np.ndarray],
    settings: ScanSettings,
) -> list[GroupResult]:
    """Three or more members who share one passage: runs of reuse covered by the same set of members.

    A run is keyed by the exact set of members it is shared with, so chains (A shares one passage with B,
    and B another with C) do not glue unrelated members together.
    """
    passages: dict[frozenset[str], list[Side]] = defaultdict(list)
    current = [d.source.member if d.is_current else None for d in documents]  # a group is of this round's members
    for i, view in views.items():
        label = labels.get(i)
        if label is None or not len(label):
            continue
        partners: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for j, start, end in view:
            if (member := current[j]) is not None:
                partners[member].append((start, end))
        for start, stop, names in partner_runs(partners, label == Label.REUSE, settings.alignment.min_chars):
            passages[frozenset([documents[i].source.member, *names])].append(side_of(documents[i], start, stop))
    member_of = {d.source.id: d.source.member for d in documents}
    groups = [
        GroupResult(members=tuple(sorted(members)), passages=tuple(sorted(sides, key=side_order)))
        for members, sides in passages.items()
        # Every member of the group must hold the passage, or it is an accident of alignment, not a group.
        if {member_of[side.doc] for side in sides} == members
    ]
    return sorted(groups, key=lambda g: (-len(g.members), g.members))


def partner_runs(
    partners: Mapping[str, Sequence[tuple[int, int]]], reuse: np.ndarray, min_chars: int
) -> list[tuple[int, int, tuple[str, ...]]]:
    """The runs of a text's tokens labelled reuse (``reuse``) that the same two or more partners share, at least
    ``min_chars`` long: ``(start, stop, partners)``, each run as long as the set of partners covering it stays the
    same. ``partners``: per partner, the token ranges shared with it.

    Computed over the stretches between range ends and label changes, not token by token, and for all partners
    at once: a report of 5,000 tokens with seventy partners has a few hundred such stretches."""
    if len(partners) < 2:
        return []
    n, names = len(reuse), sorted(partners)
    width = n + 1  # partner c's ranges are moved to c * width: one sorted array holds every partner's, apart
    spans = np.array(
        [(c, start, end) for c, name in enumerate(names) for start, end in partners[name]], dtype=np.int64
    ).reshape(-1, 3)
    low = spans[:, 1].clip(0, n) + spans[:, 0] * width
    high = spans[:, 2].clip(0, n) + spans[:, 0] * width
    by_low = np.argsort(low, kind="stable")
    low, high = low[by_low], high[by_low]
    # Ranges that overlap or touch are one: a token is covered or not, whatever covers it.
    reach = np.maximum.accumulate(high)
    firsts = np.flatnonzero(np.concatenate([[True], low[1:] > reach[:-1]]))
    first, last = low[firsts], reach[np.concatenate([firsts[1:] - 1, [len(low) - 1]])]
    flips = np.flatnonzero(reuse[1:] != reuse[:-1]) + 1
    bounds = np.unique(np.concatenate([[0, n], flips, first % width, last - (first // width) * width]))
    starts = bounds[:-1]
    asked = starts[:, np.newaxis] + np.arange(len(names)) * width
    at = np.searchsorted(first, asked, side="right") - 1
    covered = (at >= 0) & (last[at.clip(0)] > asked) & reuse[starts][:, np.newaxis]
    change = np.concatenate([[0], np.flatnonzero(np.any(covered[1:] != covered[:-1], axis=1)) + 1])
    run_starts, run_stops, rows = starts[change], np.concatenate([starts[change[1:]], [n]]), covered[change]
    kept = np.flatnonzero((rows.sum(axis=1) >= 2) & (run_stops - run_starts >= min_chars))
    return [
        (start, stop, tuple(names[c] for c in np.flatnonzero(rows[r])))
        for r, start, stop in zip(kept.tolist(), run_starts[kept].tolist(), run_stops[kept].tolist(), strict=True)
    ]


WHOLE_COPY_SHARE = 0.8  # of either report's own wording: a whole-report copy
_WHOLE_COPY_MIN_TOKENS = 100  # a report shorter than this (boilerplate aside) is no whole report to copy


def whole_copies(
    views: Mapping[int, Sequence[tuple[int, int, int]]],
    documents: Sequence[Document],
    masks: Sequence[np.ndarray],
    reported: Iterable[int],
) -> list[CopyResult]:
    """Pairs of reported members' documents of which either holds at least ``WHOLE_COPY_SHARE`` of its wording
    (the tokens outside boilerplate) in passages shared with the other: near-identical reports."""
    reported = set(reported)
    own = {i: int((~masks[i]).sum()) for i in reported}
    # Passage lengths bound the share from above: only pairs that could reach it are measured token by token.
    reach: dict[tuple[int, int], int] = defaultdict(int)
    for i in reported:
        for j, start, end in views.get(i, ()):
            reach[(i, j)] += end - start

    def share(i: int, j: int) -> float:
        if own[i] < _WHOLE_COPY_MIN_TOKENS or reach[(i, j)] < WHOLE_COPY_SHARE * own[i]:
            return 0.0
        covered = range_mask(len(masks[i]), [(s, e) for other, s, e in views.get(i, ()) if other == j])
        return float((covered & ~masks[i]).sum() / own[i])

    out = []
    for i, j in sorted(reach):
        a, b = documents[i].source, documents[j].source
        if not i < j or j not in reported or a.member == b.member:
            continue
        shares = (share(i, j), share(j, i))
        if max(shares) >= WHOLE_COPY_SHARE:
            out.append(CopyResult((a.id, b.id), (a.member, b.member), shares))
    return sorted(out, key=lambda c: (-max(c.shares), c.documents))


def copies(
    same: SameReports | None,
    pair_copies: Sequence[CopyResult],
    documents: Sequence[Document],
    reported: Iterable[int],
) -> list[CopyResult]:
    """Whole-report copies: each text three or more reported members handed in (``same``), then the pairs of
    copies found by alignment (``whole_copies``) that are not two of one such text, then the texts two members
    handed in that alignment did not pair (their text was all boilerplate before ``same`` counted it once).
    Indices of ``same`` are those of ``documents``."""
    reported = set(reported)
    handed_in: list[CopyResult] = []
    for group, shares in zip(same.groups if same else (), same.shares if same else (), strict=True):
        kept = [(i, share) for i, share in zip(group, shares, strict=True) if i in reported]
        if len({documents[i].source.member for i, _ in kept}) >= 2:
            sources = [documents[i].source for i, _ in kept]
            ids, members = tuple(s.id for s in sources), tuple(s.member for s in sources)
            handed_in.append(CopyResult(ids, members, tuple(x for _, x in kept)))
    many = sorted((c for c in handed_in if len(c.documents) > 2), key=lambda c: (-len(c.documents), c.documents))
    group_of = {doc: n for n, c in enumerate(many) for doc in c.documents}

    def of_one_text(copy: CopyResult) -> bool:
        found = {group_of.get(doc) for doc in copy.documents}
        return len(found) == 1 and None not in found

    pairs = [c for c in pair_copies if not of_one_text(c)]
    paired = {frozenset(c.documents) for c in pairs}
    return many + pairs + [c for c in handed_in if len(c.documents) == 2 and frozenset(c.documents) not in paired]


def settings_dict(settings: ScanSettings, n_members: int, boilerplate_members: int) -> dict:
    return {
        "fingerprints": asdict(settings.fingerprints),
        "alignment": asdict(settings.alignment),
        "boilerplate_share": settings.boilerplate_share,
        "boilerplate_min_members": settings.boilerplate_min_members,
        "section_threshold": settings.section_threshold,
        "set_phrase_chars": settings.set_phrase_chars,
        "quotes": settings.quotes,
        "members": n_members,
        "boilerplate_members": boilerplate_members,
    }


def finished(report: Report, documents: Sequence[Document], earlier: Mapping[str, tuple[str, ...]]) -> Report:
    """The report as people read it: members shown by name (``members.display_names``: the person's name, with
    the unit where two members share it) instead of by key, pairs and groups ordered by those names, and each
    member's earlier versions beside their report."""
    names = display_names(d.source for d in documents)

    def shown(member: str) -> str:
        return names.get(member, member)

    documents_shown = [
        replace(
            d,
            member=shown(d.member),
            top_partner=shown(d.top_partner) if d.top_partner else d.top_partner,
            earlier_versions=earlier.get(d.id, ()),
        )
        for d in report.documents
    ]
    pairs_shown = []
    for p in report.pairs:
        a, b = shown(p.member_a), shown(p.member_b)
        if a <= b:
            pairs_shown.append(replace(p, member_a=a, member_b=b))
        else:
            pairs_shown.append(PairResult(b, a, p.chars_b, p.chars_a, p.share_b, p.share_a, p.matches))
    pairs_shown.sort(key=lambda p: (-max(p.chars_a, p.chars_b), p.member_a, p.member_b))
    groups_shown = sorted(
        (replace(g, members=tuple(sorted(shown(m) for m in g.members))) for g in report.groups),
        key=lambda g: (-len(g.members), g.members),
    )
    copies_shown = [replace(c, members=tuple(shown(m) for m in c.members)) for c in report.copies]
    return replace(
        report,
        documents=documents_shown,
        copies=copies_shown,
        pairs=pairs_shown,
        groups=groups_shown,
        members={doc: shown(m) if m else m for doc, m in report.members.items()},
    )
