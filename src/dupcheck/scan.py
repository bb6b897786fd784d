"""The scan: every report of a corpus compared with every other, with the templates and with earlier rounds.

``scan`` reads the corpus (or brings an index up to date with it) and hands the documents to ``compare``, which
runs the pipeline's stages in order: entries → one report handed in by several members → boilerplate →
candidates → alignment → labels → the report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dupcheck import results, wide
from dupcheck.alignment import BLANKS, Passage, align, seed_regions
from dupcheck.boilerplate import Boilerplate, boilerplate_members, find_boilerplate
from dupcheck.candidates import Candidates, PairCandidates, find_candidates
from dupcheck.errors import ReadError
from dupcheck.labels import Label, LabelCounts, label_spans, label_tokens
from dupcheck.members import Membership, attribute_all, newest_versions, own_collective
from dupcheck.model import Document, Entry, Population, ScanSettings
from dupcheck.parallel import Progress, Runner, fork_map, running_on, workers_for
from dupcheck.prepare import load_corpus
from dupcheck.quotes import find_quotes, quote_mask
from dupcheck.reading import DEFAULT_MAX_CHARS
from dupcheck.report import DocumentResult, ErrorResult, GroupResult, MatchResult, Report
from dupcheck.same_reports import SameReports, find_same_reports

if TYPE_CHECKING:
    from dupcheck.index.base import Index


def scan(
    corpus: Path,
    templates: Iterable[Path] = (),
    settings: ScanSettings | None = None,
    *,
    index: Index | None = None,
    round: str = "",
    membership: Membership | None = None,
    progress: Progress | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    workers: int | None = None,
    cluster: Runner | None = None,
) -> Report:
    """Scan every report in ``corpus`` against each other and against the templates.

    Files that cannot be read are listed in ``Report.errors``; the rest are scanned. Raises ``UsageError``
    when the corpus does not exist or holds no report. With an ``index``, it is brought up to date with the
    corpus first (only changed files are read) and the reports of ``round`` are scanned from it, against the
    round's templates and the reports of earlier rounds. ``progress`` is told how far each stage has got;
    ``workers`` processes read, fingerprint and compare a large corpus (default: one per core). ``cluster``
    (``dupcheck.cluster.connect``): the stages' parts run on its workers instead, with the same report.
    """
    settings = settings or ScanSettings()
    membership = membership or Membership()
    # Without a cluster of its own the scan runs where its caller's ``running_on`` says: here by default.
    with running_on(cluster) if cluster is not None else nullcontext():
        if index is not None:
            update = index.update(
                corpus,
                templates,
                round=round,
                membership=membership,
                progress=progress,
                max_chars=max_chars,
                workers=workers,
            )
            documents, errors = attribute_all(index.documents(round), membership, workers=workers), update.errors
        else:
            documents, errors = load_corpus(
                corpus,
                templates,
                settings.fingerprints,
                membership=membership,
                progress=progress,
                max_chars=max_chars,
                workers=workers,
            )
        current, earlier = newest_versions(documents, membership)
        report = compare(current, settings, errors, progress=progress, workers=workers)
    return results.finished(report, current, earlier)


def compare(
    documents: Sequence[Document],
    settings: ScanSettings,
    errors: Iterable[ReadError] = (),
    *,
    focus: Collection[int] | None = None,
    population: Population | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Report:
    """Find what the documents share with each other, with the templates and with earlier rounds among them,
    and label it.

    Boilerplate is counted over the current members' reports. ``focus``: report only these documents
    (indices into ``documents``), compared with all the others: a draft checked against a corpus.
    ``population``: who and what boilerplate is counted over, when ``documents`` are only part of the corpus.
    ``workers``: processes that find candidates in, align and label a large corpus (default: one per core).
    """
    entries, members = _entries(documents, settings, progress)
    n_members = len(members) if population is None else len(population.members | set(members))
    # A check counts boilerplate by members, as an index's population does (what it recorded cannot say which
    # reports are one): a check against an index and one against the reports themselves agree.
    same = find_same_reports(entries) if population is None and focus is None else None
    boilerplate = _boilerplate(entries, n_members, settings, focus, population, workers, same)
    candidates = find_candidates(
        entries,
        settings.fingerprints,
        boilerplate,
        focus=focus,
        workers=workers,
        max_pair_members=settings.max_pair_members,
        common_bands=None if population is None else population.common_bands,
        wide_bands=None if population is None else population.wide_bands,
        set_phrase_chars=settings.set_phrase_chars,
        kgram_users=None if population is None else population.users_of,
    )
    shared = _align_all(documents, entries, candidates, boilerplate, settings, progress, workers)
    views = _views(shared)
    reported = sorted(i for i, d in enumerate(documents) if d.is_current and (focus is None or i in focus))
    labelling = _Labelling(
        documents,
        views,
        boilerplate,
        settings.alignment.min_chars,
        settings.fingerprints.winnow_k,
        settings.set_phrase_chars,
        settings.quotes,
    )
    labelled = fork_map(
        _label_document, labelling, reported, workers_for(len(reported), workers), progress, "labelling"
    )
    labels = {i: found[0] for i, found in zip(reported, labelled, strict=True)}
    counts = {i: found[1] for i, found in zip(reported, labelled, strict=True)}

    matches = results.matches(shared, documents, labels, settings)
    index_of = {d.source.id: i for i, d in enumerate(documents)}
    reused_chars = _reused_chars(matches, documents, index_of, counts)
    documents_found = [
        results.with_partners(result, {p: n for p, n in reused_chars.get(i, {}).items() if n})
        for i, (_, _, result) in zip(reported, labelled, strict=True)
    ]
    # Reported documents, and those their matches point to: the evidence shows their text and sections.
    shown = [documents[i] for i in sorted(set(labels) | {index_of[m.b.doc] for m in matches})]
    return Report(
        documents=sorted(documents_found, key=lambda d: (d.shares.originality, d.id)),
        matches=matches,
        pairs=results.pairs(matches, documents, index_of, counts, reused_chars),
        groups=_groups(views, documents, labels, boilerplate, settings, focus),
        copies=results.copies(
            same, results.whole_copies(views, documents, boilerplate.masks, reported), documents, reported
        ),
        errors=[ErrorResult(e.path, e.reason) for e in sorted(errors, key=lambda e: e.path)],
        settings=results.settings_dict(settings, n_members, boilerplate.members),
        texts={d.source.id: d.text for d in shown},
        members={d.source.id: d.source.member for d in shown},
        outlines={d.source.id: [(s.start, s.end, s.title) for s in d.sections] for d in shown},
    )


def _groups(
    views: dict[int, list[tuple[int, int, int]]],
    documents: Sequence[Document],
    labels: dict[int, np.ndarray],
    boilerplate: Boilerplate,
    settings: ScanSettings,
    focus: Collection[int] | None,
) -> list[GroupResult]:
    """Groups of members who share a passage. In a check (``focus``), a widely shared passage is the draft's alone,
    with how many members hold it (``wide.counted_groups``): they are counted, not read (an index hands out none of
    their reports, ``reference_for``), so a check could name only some of them."""
    paired = results.groups(views, documents, labels, settings)
    if focus is not None:
        return paired + wide.counted_groups(boilerplate, documents, labels, settings, focus)
    return wide.merged(paired, wide.groups(boilerplate, documents, labels, settings))


def _entries(
    documents: Sequence[Document], settings: ScanSettings, progress: Progress | None
) -> tuple[list[Entry], list[str]]:
    """The comparison's view of each document, and the current members (sorted). Members are numbered in that
    order, then the authors of earlier rounds only; every template has a number of its own."""
    members = sorted({d.source.member for d in documents if d.is_current})
    member_ids = {m: i for i, m in enumerate(members)}
    for d in documents:
        if not d.source.is_template:
            member_ids.setdefault(d.source.member, len(member_ids))
    entries = []
    for i, d in enumerate(documents):
        entries.append(
            Entry(
                member=-1 - i if d.source.is_template else member_ids[d.source.member],
                is_template=d.source.is_template,
                tokens=d.normalised.tokens,
                fingerprints=d.fingerprints_for(settings.fingerprints),
                is_reference=d.source.earlier,
            )
        )
        if progress and d.fingerprints is None:
            progress("fingerprinting", i + 1, len(documents))
    return entries, members


def _boilerplate(
    entries: Sequence[Entry],
    n_members: int,
    settings: ScanSettings,
    focus: Collection[int] | None,
    population: Population | None,
    workers: int | None,
    same: SameReports | None,
) -> Boilerplate:
    """The boilerplate among the entries, counted over them or, for a check, over the round's ``population``;
    one report several members handed in (``same``) counts once, and so do they."""
    sources = n_members - (same.collapsed if same else 0)
    members = boilerplate_members(sources, settings.boilerplate_share, settings.boilerplate_min_members)
    hashes = None if population is None else population.boilerplate_hashes(members)
    wide_members = settings.max_pair_members + 1
    wide_hashes = None if population is None else population.boilerplate_hashes(wide_members)
    return find_boilerplate(
        entries,
        settings.fingerprints.winnow_k,
        members,
        focus=focus,
        hashes=hashes,
        workers=workers,
        wide_members=wide_members,
        wide_hashes=wide_hashes,
        wide_users=None if population is None or wide_hashes is None else population.users_of(wide_hashes),
        sources=same.sources if same and same.collapsed else None,
    )


def _align_all(
    documents: Sequence[Document],
    entries: Sequence[Entry],
    candidates: Candidates,
    boilerplate: Boilerplate,
    settings: ScanSettings,
    progress: Progress | None,
    workers: int | None,
) -> dict[tuple[int, int], list[Passage]]:
    """The passages each candidate pair shares (pairs that share none left out)."""
    aligning = _Aligning(entries, candidates.pairs, _MemberTokens(documents, boilerplate.masks), settings, candidates)
    found_pairs = list(candidates.pairs)
    aligned = fork_map(_align_pair, aligning, found_pairs, workers_for(len(found_pairs), workers), progress, "aligning")
    return {pair: passages for pair, passages in zip(found_pairs, aligned, strict=True) if passages}


def _views(shared: dict[tuple[int, int], list[Passage]]) -> dict[int, list[tuple[int, int, int]]]:
    """Each document's view of what it shares: (other document, token range in this document)."""
    views: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for (i, j), passages in shared.items():
        for p in passages:
            views[i].append((j, p.a_start, p.a_end))
            views[j].append((i, p.b_start, p.b_end))
    return views


def _reused_chars(
    matches: Sequence[MatchResult],
    documents: Sequence[Document],
    index_of: dict[str, int],
    counts: dict[int, LabelCounts],
) -> dict[int, dict[str, int]]:
    """Per reported document: characters of its own text labelled reuse that it shares with each other member."""
    reused: dict[int, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for m in matches:
        if m.kind == "reuse":
            i, j = index_of[m.a.doc], index_of[m.b.doc]
            reused[i][documents[j].source.member].append((m.a.start, m.a.end))
            if j in counts:
                reused[j][documents[i].source.member].append((m.b.start, m.b.end))
    return {
        i: {partner: counts[i].count_within(Label.REUSE, ranges) for partner, ranges in by_partner.items()}
        for i, by_partner in reused.items()
    }


@dataclass(frozen=True)
class _Aligning:
    """What aligning a candidate pair reads."""

    entries: Sequence[Entry]
    candidates: Mapping[tuple[int, int], PairCandidates]
    tokens: _MemberTokens
    settings: ScanSettings
    wide: Candidates | None = None  # pairs are seeded by the widely shared fingerprints they hold too


def _align_pair(state: _Aligning, pair: tuple[int, int]) -> list[Passage]:
    i, j = pair
    found, settings = state.candidates[pair], state.settings
    k = settings.fingerprints.winnow_k
    # Only the common seeds that can join a region of the pair's own (``seed_regions``' reach) are looked up.
    near = [a for a, _ in found.seeds]
    common = [] if state.wide is None else state.wide.wide_seeds(i, j, near, settings.alignment.max_gap + k)
    regions = seed_regions(found.seeds, k, settings.alignment, common)
    wa, wb = state.entries[i].fingerprints.windows, state.entries[j].fingerprints.windows
    regions += [(*wa[x], *wb[y]) for x, y in found.windows]
    a, b = state.tokens.pair(i, j)
    return align(a, b, regions, settings.alignment)


@dataclass(frozen=True)
class _Labelling:
    """What labelling a document reads."""

    documents: Sequence[Document]
    views: Mapping[int, Sequence[tuple[int, int, int]]]  # per document: (other document, token start, token end)
    boilerplate: Boilerplate
    min_reuse: int
    k: int = 8  # winnowing k-grams: runs of widely shared ones are passages shared with a group
    set_phrase_chars: int = 0
    quotes: bool = False  # label text quoted with a citation as quote


def _label_document(state: _Labelling, i: int) -> tuple[np.ndarray, LabelCounts, DocumentResult]:
    """The label of each token of document ``i``, its character counts by label, and its result but for the
    partners it shares most with (which depend on the other documents' labels)."""
    documents, doc = state.documents, state.documents[i]
    partner_ranges: dict[str, list[tuple[int, int]]] = defaultdict(list)
    template_ranges, self_ranges, collective_ranges = [], [], []
    for j, start, end in state.views.get(i, ()):
        other = documents[j].source
        if other.is_template:
            template_ranges.append((start, end))
        elif other.member == doc.source.member:
            self_ranges.append((start, end))
        elif own_collective(doc.source, other):
            collective_ranges.append((start, end))
        else:  # another member, of this round or an earlier one: a passage most members wrote is boilerplate
            partner_ranges[other.member].append((start, end))
    shared_with_group = wide.group_ranges(state.boilerplate, i, state.k, state.min_reuse)
    if shared_with_group:
        partner_ranges[wide.GROUP] += shared_with_group
    labels = label_tokens(
        len(doc.normalised),
        boilerplate=state.boilerplate.masks[i],
        template_ranges=template_ranges,
        partner_ranges=partner_ranges,
        boilerplate_members=state.boilerplate.members,
        min_reuse=state.min_reuse,
        self_ranges=self_ranges,
        collective_ranges=collective_ranges,
        token_chars=doc.normalised.widths,
        set_phrase_chars=state.set_phrase_chars,
        group=wide.GROUP,
        quotes=quote_mask(doc.normalised, find_quotes(doc.text)) if state.quotes else None,
    )
    spans = label_spans(doc.normalised, labels)
    counts = LabelCounts(doc.text, spans)
    return labels, counts, results.document_result(doc, spans, counts)


class _MemberTokens:
    """Token strings to align, with boilerplate blanked out between two members.

    Boilerplate is labelled from the k-grams most members share, not from alignment; left in, a heading and
    a set phrase both members use would let a passage bridge the member's own short sentence between them.
    Against a template nothing is blanked: a template paragraph most members took is template, not
    boilerplate. The two sides are blanked with different characters, so blanks never match each other.
    """

    def __init__(self, documents: Sequence[Document], masks: Sequence[np.ndarray]) -> None:
        self._documents, self._masks = documents, masks
        self._blanked: dict[tuple[int, str], str] = {}

    def pair(self, i: int, j: int) -> tuple[str, str]:
        if self._documents[i].source.is_template or self._documents[j].source.is_template:
            return self._documents[i].normalised.tokens, self._documents[j].normalised.tokens
        return self._blank(i, BLANKS[0]), self._blank(j, BLANKS[1])

    def _blank(self, i: int, blank: str) -> str:
        key = (i, blank)
        if key not in self._blanked:
            normalised, mask = self._documents[i].normalised, self._masks[i]
            tokens = normalised.tokens
            if mask.any():
                codes = normalised.codes()
                codes[mask] = ord(blank)
                tokens = codes.astype("<u4").tobytes().decode("utf-32-le")
            self._blanked[key] = tokens
        return self._blanked[key]
