"""The scan pipeline: read → normalise → sections → fingerprints → candidates → alignment → labels → report."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import repeat
from pathlib import Path

import numpy as np

from dupcheck.alignment import AlignSettings, Passage, align, seed_regions
from dupcheck.candidates import Candidates, Entry, common_member_count, find_candidates
from dupcheck.corpus import MembersBy, SourceFile, discover
from dupcheck.errors import ReadError, WorkerError
from dupcheck.fingerprints import Fingerprints, FingerprintSettings, fingerprint
from dupcheck.labels import Label, LabelCounts, Span, label_spans, label_tokens
from dupcheck.normalise import Normalised, normalise
from dupcheck.parallel import Progress, fork_map, workers_for
from dupcheck.reading import DEFAULT_MAX_CHARS, read_document
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
from dupcheck.sections import Section, find_sections


@dataclass(frozen=True)
class ScanSettings:
    """Every knob of a scan, with the documented defaults."""

    fingerprints: FingerprintSettings = field(default_factory=FingerprintSettings)
    alignment: AlignSettings = field(default_factory=AlignSettings)
    boilerplate_share: float = 0.3  # text shared by at least this share of members is boilerplate …
    boilerplate_min_members: int = 4  # … and by at least this many members
    section_threshold: float = 0.7  # sections less original than this are listed as flagged

    def __post_init__(self) -> None:
        if not 0.0 < self.boilerplate_share <= 1.0:
            raise ValueError(f"boilerplate share must be in (0, 1], got {self.boilerplate_share}")
        if self.boilerplate_min_members < 2:
            raise ValueError(f"boilerplate needs at least 2 members, got {self.boilerplate_min_members}")
        if not 0.0 <= self.section_threshold <= 1.0:
            raise ValueError(f"section threshold must be in [0, 1], got {self.section_threshold}")


@dataclass(frozen=True)
class Population:
    """The members of a round and how many of them use each k-gram, counted over a whole index, for a check
    that loads only the reports a draft may share something with."""

    members: frozenset[str]
    kgrams: np.ndarray  # sorted uint64 k-gram hashes that two or more members use …
    users: np.ndarray  # … and how many members use each

    def common_hashes(self, threshold: int) -> np.ndarray:
        # The draft's own author adds one user to every k-gram the draft holds.
        return self.kgrams[self.users + 1 >= threshold]


@dataclass(frozen=True)
class Document:
    """A text read and prepared for matching."""

    source: SourceFile
    text: str
    normalised: Normalised
    sections: list[Section]
    fingerprints: Fingerprints | None = None  # when already computed (kept in an index) with the scan's settings

    @property
    def is_current(self) -> bool:
        """A member's report of this round: labelled and reported (not a template, not an earlier round)."""
        return not (self.source.is_template or self.source.earlier)


def load(source: SourceFile, *, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Read and prepare one file; raises ``ReadError`` (also for a text over ``max_chars`` characters)."""
    read = read_document(source.path, display_path=source.id, max_chars=max_chars)
    return Document(
        source=source,
        text=read.text,
        normalised=normalise(read.text),
        sections=[] if source.is_template else find_sections(read.text, read.hints),
    )


def scan(
    corpus: Path,
    templates: Iterable[Path] = (),
    settings: ScanSettings | None = None,
    *,
    members_by: MembersBy = "file",
    progress: Progress | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    workers: int | None = None,
) -> Report:
    """Scan every report in ``corpus`` against each other and against the templates.

    Files that cannot be read are listed in ``Report.errors``; the rest are scanned. Raises ``UsageError``
    when the corpus does not exist or holds no report. ``progress`` is told how far each stage has got;
    ``workers`` processes read, fingerprint and compare a large corpus (default: one per core).
    """
    settings = settings or ScanSettings()
    documents, errors = load_corpus(
        corpus,
        templates,
        settings.fingerprints,
        members_by=members_by,
        progress=progress,
        max_chars=max_chars,
        workers=workers,
    )
    return compare(documents, settings, errors, progress=progress, workers=workers)


def load_corpus(
    corpus: Path,
    templates: Iterable[Path] = (),
    fingerprint_settings: FingerprintSettings | None = None,
    *,
    members_by: MembersBy = "file",
    progress: Progress | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    workers: int | None = None,
) -> tuple[list[Document], list[ReadError]]:
    """Every report and template of ``corpus``, prepared (see ``prepare``), and the files that cannot be read."""
    fs = fingerprint_settings or FingerprintSettings()
    sources, unreadable = discover(corpus, templates, members_by=members_by)
    errors: list[ReadError] = list(unreadable)
    documents = []
    for n, prepared in enumerate(_prepare_all(sources, fs, max_chars, workers), 1):
        if isinstance(prepared, Document):
            documents.append(prepared)
        else:
            errors.append(ReadError(*prepared))
        if progress:
            progress("reading", n, len(sources))
    return documents, errors


def prepare(source: SourceFile, settings: FingerprintSettings, *, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Read a file and compute what comparing it needs, fingerprints included; raises ``ReadError``."""
    document = load(source, max_chars=max_chars)
    return replace(document, fingerprints=fingerprint(document.normalised.codes(), settings))


def _prepare_all(
    sources: Sequence[SourceFile], fs: FingerprintSettings, max_chars: int, workers: int | None
) -> Iterator[Document | tuple[str, str]]:
    """Read and fingerprint every source, on ``workers`` processes (default: every core) for a large corpus,
    in the sources' order. An unreadable file comes back as (path, reason): an exception with arguments of
    its own does not cross a process boundary."""
    workers = workers_for(len(sources), workers)
    if workers <= 1:
        yield from (_prepare_one(source, fs, max_chars) for source in sources)
        return
    from concurrent.futures import ProcessPoolExecutor  # only for a large corpus: a check does without
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(_prepare_one, sources, repeat(fs), repeat(max_chars), chunksize=16)
    except BrokenProcessPool as error:
        raise WorkerError("reading") from error


def _prepare_one(source: SourceFile, fs: FingerprintSettings, max_chars: int) -> Document | tuple[str, str]:
    try:
        return prepare(source, fs, max_chars=max_chars)
    except ReadError as error:
        return (error.path, error.reason)


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
    fs = settings.fingerprints
    members = sorted({d.source.member for d in documents if d.is_current})
    member_ids = {m: i for i, m in enumerate(members)}
    for d in documents:  # authors of earlier rounds only
        if not d.source.is_template:
            member_ids.setdefault(d.source.member, len(member_ids))
    entries = []
    for i, d in enumerate(documents):
        entries.append(
            Entry(
                member=-1 - i if d.source.is_template else member_ids[d.source.member],
                is_template=d.source.is_template,
                tokens=d.normalised.tokens,
                fingerprints=d.fingerprints if d.fingerprints is not None else fingerprint(d.normalised.codes(), fs),
                is_reference=d.source.earlier,
            )
        )
        if progress and d.fingerprints is None:
            progress("fingerprinting", i + 1, len(documents))
    n_members = len(members) if population is None else len(population.members | set(members))
    common_members = common_member_count(n_members, settings.boilerplate_share, settings.boilerplate_min_members)
    common_hashes = None if population is None else population.common_hashes(common_members)
    candidates = find_candidates(
        entries, fs, common_members=common_members, focus=focus, common_hashes=common_hashes, workers=workers
    )
    reported = {i for i, d in enumerate(documents) if d.is_current and (focus is None or i in focus)}

    aligning = _Aligning(entries, candidates, _MemberTokens(documents, candidates.common), settings)
    found_pairs = list(candidates.pairs)
    aligned = fork_map(_align_pair, aligning, found_pairs, workers_for(len(found_pairs), workers), progress, "aligning")
    shared = {pair: passages for pair, passages in zip(found_pairs, aligned, strict=True) if passages}

    # Each document's view of what it shares: (other document, token range in this document).
    views: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for (i, j), passages in shared.items():
        for p in passages:
            views[i].append((j, p.a_start, p.a_end))
            views[j].append((i, p.b_start, p.b_end))

    labelling = _Labelling(documents, views, candidates.common, common_members, settings.alignment.min_chars)
    order = sorted(reported)
    labelled = fork_map(_label_document, labelling, order, workers_for(len(order), workers), progress, "labelling")
    labels = {i: found[0] for i, found in zip(order, labelled, strict=True)}
    shares = {i: found[1] for i, found in zip(order, labelled, strict=True)}

    matches = _matches(shared, documents, labels, settings)
    index_of = {d.source.id: i for i, d in enumerate(documents)}
    # What each member document shares with each other member, as character ranges of its own text.
    reused: dict[int, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for m in matches:
        if m.kind == "reuse":
            i, j = index_of[m.a.doc], index_of[m.b.doc]
            reused[i][documents[j].source.member].append((m.a.start, m.a.end))
            if j in shares:
                reused[j][documents[i].source.member].append((m.b.start, m.b.end))
    # Per member document: characters of reuse it shares with each other member.
    reused_chars = {
        i: {partner: shares[i].count_within(Label.REUSE, ranges) for partner, ranges in by_partner.items()}
        for i, by_partner in reused.items()
    }
    results = [
        _with_partners(result, {p: n for p, n in reused_chars.get(i, {}).items() if n})
        for i, (_, _, result) in zip(order, labelled, strict=True)
    ]
    # Reported documents, and those their matches point to: the evidence shows their text and sections.
    shown = [documents[i] for i in sorted(set(labels) | {index_of[m.b.doc] for m in matches})]
    return Report(
        documents=sorted(results, key=lambda d: (d.shares.originality, d.id)),
        matches=matches,
        pairs=_pairs(matches, documents, index_of, shares, reused_chars),
        groups=_groups(views, documents, labels, settings),
        errors=[ErrorResult(e.path, e.reason) for e in sorted(errors, key=lambda e: e.path)],
        settings=_settings_dict(settings, n_members, common_members),
        texts={d.source.id: d.text for d in shown},
        members={d.source.id: d.source.member for d in shown},
        outlines={d.source.id: [(s.start, s.end, s.title) for s in d.sections] for d in shown},
    )


@dataclass(frozen=True)
class _Aligning:
    """What aligning a candidate pair reads."""

    entries: Sequence[Entry]
    candidates: Candidates
    tokens: _MemberTokens
    settings: ScanSettings


def _align_pair(state: _Aligning, pair: tuple[int, int]) -> list[Passage]:
    i, j = pair
    found, settings = state.candidates.pairs[pair], state.settings
    regions = seed_regions(found.seeds, settings.fingerprints.winnow_k, settings.alignment)
    wa, wb = state.entries[i].fingerprints.windows, state.entries[j].fingerprints.windows
    regions += [(*wa[x], *wb[y]) for x, y in found.windows]
    a, b = state.tokens.pair(i, j)
    return align(a, b, regions, settings.alignment)


@dataclass(frozen=True)
class _Labelling:
    """What labelling a document reads."""

    documents: Sequence[Document]
    views: dict[int, list[tuple[int, int, int]]]  # per document: (other document, token start, token end)
    common: Sequence[np.ndarray]
    common_members: int
    min_reuse: int


def _label_document(state: _Labelling, i: int) -> tuple[np.ndarray, LabelCounts, DocumentResult]:
    """The label of each token of document ``i``, its character counts by label, and its result but for the
    partners it shares most with (which depend on the other documents' labels)."""
    documents, doc = state.documents, state.documents[i]
    partner_ranges: dict[str, list[tuple[int, int]]] = defaultdict(list)
    template_ranges, self_ranges = [], []
    for j, start, end in state.views.get(i, ()):
        other = documents[j].source
        if other.is_template:
            template_ranges.append((start, end))
        elif other.member == doc.source.member:
            self_ranges.append((start, end))
        else:  # another member, of this round or an earlier one: a passage most members wrote is boilerplate
            partner_ranges[other.member].append((start, end))
    labels = label_tokens(
        len(doc.normalised),
        common=state.common[i],
        template_ranges=template_ranges,
        partner_ranges=partner_ranges,
        common_members=state.common_members,
        min_reuse=state.min_reuse,
        self_ranges=self_ranges,
    )
    spans = label_spans(doc.normalised, labels)
    shares = LabelCounts(doc.text, spans)
    return labels, shares, _document_result(doc, spans, shares)


class _MemberTokens:
    """Token strings to align, with boilerplate blanked out between two members.

    Boilerplate is labelled from the k-grams most members share, not from alignment; left in, a heading and
    a set phrase both members use would let a passage bridge the member's own short sentence between them.
    Against a template nothing is blanked: a template paragraph most members took is template, not
    boilerplate. The two sides are blanked with different characters, so blanks never match each other.
    """

    def __init__(self, documents: Sequence[Document], common: Sequence[np.ndarray]) -> None:
        self._documents, self._common = documents, common
        self._blanked: dict[tuple[int, str], str] = {}

    def pair(self, i: int, j: int) -> tuple[str, str]:
        if self._documents[i].source.is_template or self._documents[j].source.is_template:
            return self._documents[i].normalised.tokens, self._documents[j].normalised.tokens
        return self._blank(i, "\x02"), self._blank(j, "\x03")

    def _blank(self, i: int, blank: str) -> str:
        key = (i, blank)
        if key not in self._blanked:
            normalised, mask = self._documents[i].normalised, self._common[i]
            tokens = normalised.tokens
            if mask.any():
                codes = normalised.codes()
                codes[mask] = ord(blank)
                tokens = codes.astype("<u4").tobytes().decode("utf-32-le")
            self._blanked[key] = tokens
        return self._blanked[key]


def _share_result(values: dict[Label, float]) -> Shares:
    return Shares(
        originality=values[Label.ORIGINAL],
        reuse=values[Label.REUSE],
        template=values[Label.TEMPLATE],
        boilerplate=values[Label.BOILERPLATE],
        own_earlier=values[Label.SELF],
    )


def _document_result(doc: Document, spans: list[Span], shares: LabelCounts) -> DocumentResult:
    chars, of = shares.summary()
    sections = []
    for s in doc.sections:
        section_chars, section_of = shares.summary(s.start, s.end)
        sections.append(SectionResult(s.title, s.level, s.start, s.end, section_chars, _share_result(section_of)))
    return DocumentResult(
        id=doc.source.id,
        member=doc.source.member,
        unit=doc.source.unit,
        round=doc.source.round,
        chars=chars,
        shares=_share_result(of),
        sections=sections,
        spans=[SpanResult(s.start, s.end, s.label.key) for s in spans],
        top_partner=None,
        top_partner_share=0.0,
    )


def _with_partners(result: DocumentResult, partner_chars: dict[str, int]) -> DocumentResult:
    """The result with the member it shares most reuse with (characters of its own text per partner)."""
    if not partner_chars:
        return result
    top = min(partner_chars, key=lambda p: (-partner_chars[p], p))
    return replace(
        result, top_partner=top, top_partner_share=partner_chars[top] / result.chars if result.chars else 0.0
    )


def _side(doc: Document, start: int, end: int) -> Side:
    return Side(doc.source.id, *doc.normalised.original_span(start, end))


def _matches(
    shared: dict[tuple[int, int], list[Passage]],
    documents: Sequence[Document],
    labels: dict[int, np.ndarray],
    settings: ScanSettings,
) -> list[MatchResult]:
    """Template, reuse and self matches of the labelled documents; a passage two members share only as
    boilerplate is no finding."""
    out = []
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
        else:
            kind, label = "reuse", Label.REUSE
        for p in passages:
            if kind == "template":
                out.append(
                    MatchResult(kind, p.similarity, _side(di, p.a_start, p.a_end), _side(dj, p.b_start, p.b_end))
                )
                continue
            a_range = _label_within(labels[i], label, p.a_start, p.a_end)
            b_range = (
                _label_within(labels[j], label, p.b_start, p.b_end)
                if j in labels
                else (p.b_start, p.b_end, p.b_end - p.b_start)
            )
            if a_range and b_range and max(a_range[2], b_range[2]) >= settings.alignment.min_chars:
                out.append(MatchResult(kind, p.similarity, _side(di, *a_range[:2]), _side(dj, *b_range[:2])))
    return sorted(out, key=lambda m: (m.kind, m.a.doc, m.a.start, m.b.doc, m.b.start))


def _label_within(labels: np.ndarray, label: Label, start: int, end: int) -> tuple[int, int, int] | None:
    """The part of a passage from its first to its last token with ``label``, and how many tokens have it;
    the evidence for reuse should not run on into a heading or set phrase both members share with everyone."""
    hits = np.flatnonzero(labels[start:end] == label)
    if not hits.size:
        return None
    return start + int(hits[0]), start + int(hits[-1]) + 1, int(hits.size)


def _pairs(
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


def _groups(
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
    for i, view in views.items():
        if i not in labels:
            continue
        partners: dict[str, np.ndarray] = {}
        n = len(labels[i])
        for j, start, end in view:
            if documents[j].is_current:  # a group is of this round's members
                mask = partners.setdefault(documents[j].source.member, np.zeros(n, dtype=bool))
                mask[start:end] = True
        if len(partners) < 2:
            continue
        names = sorted(partners)
        stacked = np.stack([partners[name] for name in names])
        stacked &= labels[i] == Label.REUSE
        keys = np.packbits(stacked, axis=0).T  # one row of bits per token: which partners share it
        widths = stacked.sum(axis=0)
        change = np.flatnonzero(np.any(keys[1:] != keys[:-1], axis=1)) + 1
        bounds = [0, *change.tolist(), n]
        for start, stop in itertools.pairwise(bounds):
            if widths[start] >= 2 and stop - start >= settings.alignment.min_chars:
                group = frozenset(
                    [documents[i].source.member, *(m for m, on in zip(names, stacked[:, start], strict=True) if on)]
                )
                passages[group].append(_side(documents[i], start, stop))
    member_of = {d.source.id: d.source.member for d in documents}
    groups = [
        GroupResult(members=sorted(members), passages=sorted(sides, key=lambda s: (s.doc, s.start)))
        for members, sides in passages.items()
        # Every member of the group must hold the passage, or it is an accident of alignment, not a group.
        if {member_of[side.doc] for side in sides} == members
    ]
    return sorted(groups, key=lambda g: (-len(g.members), g.members))


def _settings_dict(settings: ScanSettings, n_members: int, common_members: int) -> dict:
    return {
        "fingerprints": asdict(settings.fingerprints),
        "alignment": asdict(settings.alignment),
        "boilerplate_share": settings.boilerplate_share,
        "boilerplate_min_members": settings.boilerplate_min_members,
        "section_threshold": settings.section_threshold,
        "members": n_members,
        "boilerplate_members": common_members,
    }
