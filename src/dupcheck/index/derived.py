"""What an index keeps beside its reports so that a self-check reads only the few reports that matter.

Per round:

* **postings**: which reports hold each winnowing hash, and each LSH band key of a passage window
  (``Postings``); a draft's own hashes and keys find, by binary search, every report that can pair with it —
  by a hash or a bucket few members hold: what many hold pairs nobody, and is labelled from the counts
  (``DraftKeys.seeds``, ``classify_bands``), so the hundreds of reports holding a genre phrase are not read, nor
  those that share only a set phrase with the draft (``set_phrase_holders``);
* **k-gram users**: how many members use each k-gram two or more of them use (``Users``), so that boilerplate
  is counted over the whole round without reading it.

``draft_population`` turns the counts into the ``Population`` of one draft, exactly: a check of the draft
against the reports found this way labels every token as a check against every report of the index does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from dupcheck.arrays import EMPTY_HASHES, distinct, lookup, within
from dupcheck.boilerplate import boilerplate_mask, boilerplate_members, seed_hashes
from dupcheck.candidates import holds_a_word, too_short
from dupcheck.fingerprints import Fingerprints, FingerprintSettings, band_keys, kgram_hashes
from dupcheck.model import Document, Population, ScanSettings

# A posting packs the key's high bits and the report's index (low bits) in one uint64, so that one np.sort
# (several times faster than an argsort) orders them.
_REPORT_BITS = 24
_REPORT_MASK = np.uint64((1 << _REPORT_BITS) - 1)
_KEY_MASK = ~_REPORT_MASK
_LOW_BITS = 1 << 20


def distinct_kgrams(codes: np.ndarray, settings: FingerprintSettings) -> np.ndarray:
    """The sorted distinct k-grams (``winnow_k``) of a text's token codes: what its author uses."""
    return distinct([kgram_hashes(codes, settings.winnow_k)])


@dataclass(frozen=True)
class Postings:
    """Keys (winnowing hashes or band keys) sorted, each with the report that holds it.

    A posting is one uint64: the key's high 40 bits and, in the low 24, an index into ``reports``. Two keys that
    agree in their high 40 bits are taken for one: a report found that way is one candidate more, never one less.
    """

    packed: np.ndarray  # sorted uint64
    reports: np.ndarray  # int64: what each index stands for (a row id, an index into a list of paths)

    @classmethod
    def of(cls, keys: Sequence[np.ndarray], reports: Sequence[int] | np.ndarray) -> Postings:
        """The postings of ``keys[i]``, all held by ``reports[i]``."""
        if len(keys) > 1 << _REPORT_BITS:
            raise ValueError(f"postings of at most {1 << _REPORT_BITS} reports, got {len(keys)}")
        packed = np.concatenate(
            [EMPTY_HASHES, *((np.asarray(k, dtype=np.uint64) & _KEY_MASK) | np.uint64(i) for i, k in enumerate(keys))]
        )
        packed.sort()
        return cls(packed, np.asarray(reports, dtype=np.int64))

    @classmethod
    def merged(cls, parts: Sequence[Postings]) -> Postings:
        """One Postings of all of ``parts`` (one search instead of one a part)."""
        offsets = np.cumsum([0, *(len(p.reports) for p in parts)])
        if offsets[-1] > 1 << _REPORT_BITS:
            raise ValueError(f"postings of at most {1 << _REPORT_BITS} reports, got {offsets[-1]}")
        packed = [p.packed + np.uint64(offset) for p, offset in zip(parts, offsets[:-1], strict=True)]
        reports = np.concatenate([np.zeros(0, dtype=np.int64), *(p.reports for p in parts)])
        return cls(np.sort(np.concatenate([EMPTY_HASHES, *packed])), reports)

    def holding(self, query: np.ndarray) -> np.ndarray:
        """The distinct reports holding any of ``query``."""
        return np.unique(self.holders(query)[1])

    def holders(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every posting of a key of ``query``: the key's high bits (``key_bits``) and the report holding it."""
        none = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
        if not len(query) or not len(self.packed):
            return none
        prefixes = distinct([key_bits(query)])
        lo = np.searchsorted(self.packed, prefixes, side="left")
        hi = np.searchsorted(self.packed, prefixes | _REPORT_MASK, side="right")
        counts = hi - lo
        total = int(counts.sum())
        if not total:
            return none
        positions = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
        found = self.packed[positions]
        return found & _KEY_MASK, self.reports[(found & _REPORT_MASK).astype(np.int64)]


def key_bits(keys: np.ndarray) -> np.ndarray:
    """The high bits of keys by which postings tell them apart."""
    return np.asarray(keys, dtype=np.uint64) & _KEY_MASK


def classify_bands(
    bands: np.ndarray,
    holdings: tuple[np.ndarray, np.ndarray],
    holder: Mapping[int, tuple[str, bool]],
    author: str,
    boilerplate: int,
    max_pair_members: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The draft's band keys (``bands``) whose buckets are boilerplate (``boilerplate`` members of the round or
    more hold them) or widely shared (more than ``max_pair_members`` members, of any round), counted as
    ``find_candidates`` counts a bucket, over the whole index; and the reports holding the other keys.

    ``holdings``: (key bits, report) of every posting of ``bands``; ``holder``: per report that counts, its member
    and whether it is one of the round's reports (templates and the report the draft replaces left out: a check
    leaves them out of every bucket); ``author``: the draft's member, who holds every key. A key that shares its
    high bits with another (one in 2^40) is counted with it: a bucket may be taken for larger, never smaller.
    """
    keys_of, reports = holdings
    # Members as numbers, the author 0; per posting, the member of its report and whether it is of the round (a
    # window bucket of a genre sentence has postings in thousands of reports: counted as arrays, not sets).
    numbers = {author: 0}
    ids = np.fromiter(holder, dtype=np.int64, count=len(holder))
    member_of = np.array([numbers.setdefault(m, len(numbers)) for m, _ in holder.values()], dtype=np.int64)
    current_of = np.array([current for _, current in holder.values()], dtype=bool)
    order = np.argsort(ids)
    found, at = lookup(ids[order], order, reports)  # at: where the posting's report stands in ``holder``
    if not len(ids):
        member_of, current_of = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=bool)
    members, current = member_of[at], current_of[at]
    bits = key_bits(bands)
    users = _members_holding(bits, keys_of, members, found & current)
    spread = _members_holding(bits, keys_of, members, found)
    common = users >= boilerplate
    wide = ~common & (spread > max_pair_members)
    few = bits[~common & ~wide]
    return np.unique(bands[common]), np.unique(bands[wide]), np.unique(reports[np.isin(keys_of, few)])


def _members_holding(bits: np.ndarray, keys_of: np.ndarray, members: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """Per key of ``bits``: the distinct members (numbered, the draft's author 0, who holds every key) among the
    ``counted`` postings of it (``keys_of``, ``members``: per posting)."""
    keys, held_by = keys_of[counted], members[counted]
    others = held_by != 0
    keys, held_by = keys[others], held_by[others]
    order = np.lexsort((held_by, keys))
    keys, held_by = keys[order], held_by[order]
    new = np.r_[True, (keys[1:] != keys[:-1]) | (held_by[1:] != held_by[:-1])] if len(keys) else np.zeros(0, bool)
    distinct_keys, count = np.unique(keys[new], return_counts=True)
    return lookup(distinct_keys, count, bits)[1] + 1


def user_changes(before: Mapping[str, np.ndarray], after: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """How the number of users of each k-gram changes when members' distinct k-grams go from ``before`` to
    ``after`` (a member missing from one has none there): sorted k-grams and the (non-zero) change of each."""
    keys, signs = [EMPTY_HASHES], [np.zeros(0, dtype=np.int64)]
    for member in before.keys() | after.keys():
        old, new = before.get(member, EMPTY_HASHES), after.get(member, EMPTY_HASHES)
        gained = np.setdiff1d(new, old, assume_unique=True)
        lost = np.setdiff1d(old, new, assume_unique=True)
        keys += [gained, lost]
        signs += [np.ones(len(gained), dtype=np.int64), -np.ones(len(lost), dtype=np.int64)]
    values, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    change = np.bincount(inverse, weights=np.concatenate(signs), minlength=len(values)).astype(np.int64)
    return values[change != 0], change[change != 0]


def _sum_at(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """For each of ``query`` (sorted, distinct), the sum of ``values`` where ``keys`` (in any order) equal it."""
    out = np.zeros(len(query), dtype=np.int64)
    if not len(keys) or not len(query):
        return out
    # A table of the query's low bits rules out nearly every other key with one look-up each: cheaper than a
    # binary search for each of millions of keys (the changes of hundreds of updates) or each query per update.
    low = np.uint64(_LOW_BITS - 1)
    table = np.zeros(_LOW_BITS, dtype=bool)
    table[(query & low).astype(np.intp)] = True
    maybe = np.flatnonzero(table[(keys & low).astype(np.intp)])
    at = np.minimum(np.searchsorted(query, keys[maybe]), len(query) - 1)
    equal = query[at] == keys[maybe]
    np.add.at(out, at[equal], values[maybe][equal])
    return out


@dataclass(frozen=True)
class Users:
    """How many members of a round use each k-gram.

    Counted once over every report (``kgrams``: those two or more members used then, and ``users``: how many),
    then changed by every update since (``changes``: k-grams and the change in their users, one pair an update).
    A k-gram left out of the count had one user or none, so its number now is known within one.
    """

    kgrams: np.ndarray = field(default_factory=lambda: EMPTY_HASHES)
    users: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    changes: Sequence[tuple[np.ndarray, np.ndarray]] = ()

    def bounds(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The least and the most members that can use each of ``query`` (sorted distinct k-grams)."""
        counted, users = lookup(self.kgrams, self.users, query)
        keys = np.concatenate([EMPTY_HASHES, *(kgrams for kgrams, _ in self.changes)])
        change = np.concatenate([np.zeros(0, dtype=np.int64), *(c for _, c in self.changes)])
        since = _sum_at(keys, change, query)
        return np.maximum(users + since, 0), np.where(counted, users, 1) + since


def draft_population(
    kgrams: np.ndarray,
    members: Iterable[str],
    users: Users,
    settings: ScanSettings,
    *,
    own: np.ndarray = EMPTY_HASHES,
    replaced: np.ndarray = EMPTY_HASHES,
) -> Population | None:
    """The population a check of a draft counts boilerplate over, exact for the draft's k-grams; None when the
    counts cannot tell whether one of them is boilerplate (a k-gram known only within one, at the threshold).

    ``kgrams``: the draft's distinct k-grams. ``members``: every member whose report the check counts (the
    round's, but for one the draft replaces) and the draft's author. ``users``: the round's counts. ``own``:
    the distinct k-grams of the author's reports of the round (the author is counted once, for the draft);
    ``replaced``: those a member uses only in the report the draft replaces (the report of the draft's id).

    Only the draft's k-grams are given: a check counts boilerplate among the draft's k-grams only, so a k-gram
    of another report that most members use but the draft does not is no boilerplate to it.
    """
    everyone = frozenset(members)
    threshold = boilerplate_members(len(everyone), settings.boilerplate_share, settings.boilerplate_min_members)
    low, high = users.bounds(kgrams)
    # Users the round counts that this check does not count as others: the author, and a member who used a
    # k-gram only in the replaced report.
    known = within(kgrams, own).astype(np.int64) + within(kgrams, replaced)
    if np.any(high < known):
        return None  # counts that contradict the reports: never expected, recounted rather than trusted
    low = np.maximum(low, known) - known
    high = high - known
    if np.any((low + 1 < threshold) & (high + 1 >= threshold)):
        return None
    keep = low >= 1
    return Population(members=everyone, kgrams=kgrams[keep], users=low[keep])


def counted_for_others(
    reports: Iterable[tuple[str, str, np.ndarray]], draft_id: str, author: str
) -> tuple[np.ndarray, np.ndarray]:
    """``own`` and ``replaced`` for ``draft_population``, from the round's reports (path, member, distinct k-grams)
    of the draft's author and of the member whose report has the draft's id."""
    own: list[np.ndarray] = []
    kept: list[np.ndarray] = []
    dropped: list[np.ndarray] = []
    for path, member, kgrams in reports:
        (own if member == author else dropped if path == draft_id else kept).append(kgrams)
    return distinct(own), np.setdiff1d(distinct(dropped), distinct(kept), assume_unique=True)


@dataclass(frozen=True)
class DraftKeys:
    """What of a draft is looked up in an index's derived data."""

    fingerprints: Fingerprints
    kgrams: np.ndarray  # every k-gram, by position
    distinct: np.ndarray  # the distinct ones, sorted
    bands: np.ndarray  # the band keys of every passage window
    k: int
    tokens: str  # the draft's normalised tokens

    @classmethod
    def of(cls, draft: Document, settings: FingerprintSettings) -> DraftKeys:
        fingerprints = draft.fingerprints_for(settings)
        kgrams = kgram_hashes(draft.normalised.codes(), settings.winnow_k)
        bands = band_keys(fingerprints.signatures, settings)
        return cls(fingerprints, kgrams, distinct([kgrams]), bands, settings.winnow_k, draft.normalised.tokens)

    def seeds(self, population: Population, settings: ScanSettings) -> np.ndarray:
        """The winnowing hashes by which the draft can pair with another member's report (``seed_hashes``), with
        boilerplate counted over ``population``, and without the widely shared ones (k-grams more than
        ``max_pair_members`` members use): a check labels those from the counts and pairs nobody by them (see
        ``candidates``), so the reports holding them need not be read — on text as dense in genre phrases as
        real reports, that is nearly every report of the round."""
        threshold = boilerplate_members(
            len(population.members), settings.boilerplate_share, settings.boilerplate_min_members
        )
        hashes = population.boilerplate_hashes(threshold)
        mask = boilerplate_mask(self.kgrams, self.fingerprints.n_tokens, hashes, self.k)
        pairing = seed_hashes(self.fingerprints, mask, hashes, self.k)
        return pairing[~within(pairing, population.boilerplate_hashes(settings.max_pair_members + 1))]


def set_phrase_holders(
    keys: DraftKeys,
    seeds: np.ndarray,
    holdings: tuple[np.ndarray, np.ndarray],
    population: Population,
    settings: ScanSettings,
) -> np.ndarray:
    """The reports of ``holdings`` (key bits and report of every posting of the draft's ``seeds``) that share only
    a set phrase with the draft as ``find_candidates`` tells one: every seed of the draft they hold lies within one
    stretch of the draft shorter than ``settings.set_phrase_chars`` (with the ``w - 1`` tokens a passage may run on
    past its fingerprints), holding no Latin word or number, and none is a k-gram only two members use (counted over
    ``population``). Sorted. Such a report of another member of the round, with no passage window in a bucket the
    draft's pairs are made from, is never compared with the draft: a check need not read it. On text as dense in
    genre phrases as real reports, that is most of the reports a draft's seeds find.

    A key that shares its high bits with another seed is taken for both: a stretch may be taken for longer and a
    phrase for private, so a report may be read that need not be, never the other way."""
    limit = settings.set_phrase_chars
    keys_of, reports = holdings
    none = np.zeros(0, dtype=np.int64)
    if not limit or not len(reports):
        return none
    fp, k, w = keys.fingerprints, keys.k, settings.fingerprints.winnow_w
    at = np.flatnonzero(within(fp.winnow_hashes, seeds))
    bits = key_bits(fp.winnow_hashes[at])
    order = np.argsort(bits, kind="stable")
    bits, hashes = bits[order], fp.winnow_hashes[at][order]
    positions = fp.winnow_positions[at][order].astype(np.int64)
    private = population.users_of(hashes) <= 2  # counting the draft's author
    # Every (report, draft fingerprint) of a key the report holds, grouped by report.
    lo, hi = np.searchsorted(bits, keys_of, side="left"), np.searchsorted(bits, keys_of, side="right")
    counts = hi - lo
    element = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
    report_of = np.repeat(np.asarray(reports, dtype=np.int64), counts)
    by = np.argsort(report_of, kind="stable")
    report_of, element = report_of[by], element[by]
    if not len(report_of):
        return none
    firsts = np.flatnonzero(np.r_[True, report_of[1:] != report_of[:-1]])
    start = np.minimum.reduceat(positions[element], firsts)
    stop = np.maximum.reduceat(positions[element], firsts) + k
    any_private = np.maximum.reduceat(private[element].astype(np.int8), firsts) > 0
    short = np.flatnonzero(~any_private & too_short(start, stop, w, limit))
    phrase = [g for g in short.tolist() if not holds_a_word(keys.tokens, int(start[g]), int(stop[g]))]
    return report_of[firsts[phrase]] if phrase else none
