"""Label every token of a member's text, and measure the labels over any stretch of the original text.

A token covered by a passage shared with a template is **template**; one inside text that many members
share (a k-gram at least ``boilerplate_members`` members use, or a passage aligned with that many members) is
**boilerplate**; one shared with the member's own unit's collective (committee) material is **collective**; one
shared with fewer members is **reuse**; one found only in the member's own report of an earlier round is
**self**; text quoted with a citation (``quotes``) is **quote**, whatever else shares it; the rest is the member's
own. A *set phrase* stays the member's own: a short passage (under
``set_phrase_chars`` characters) that two other members or more use as well, and nothing around it shared with
any of them — the genre's wording, which members of one organisation write alike without copying each other. Shares are
counted over the non-whitespace characters of the original text, so punctuation inside a copied passage
counts as copied, and a section's shares always sum to 1.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from dupcheck.arrays import coverage, range_mask
from dupcheck.normalise import Normalised


class Label(IntEnum):
    ORIGINAL = 0
    REUSE = 1
    TEMPLATE = 2
    BOILERPLATE = 3
    SELF = 4  # the member's own text of an earlier round, repeated
    COLLECTIVE = 5  # shared between a member and their own unit's collective (committee) material
    QUOTE = 6  # quoted with a citation (a speech, a named document): no copy, whoever else quotes it

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Span:
    """A labelled stretch of the original text, ``text[start:end]``."""

    start: int
    end: int
    label: Label


def label_tokens(
    n_tokens: int,
    *,
    boilerplate: np.ndarray,
    template_ranges: Iterable[tuple[int, int]],
    partner_ranges: Mapping[str, Iterable[tuple[int, int]]],
    boilerplate_members: int,
    min_reuse: int,
    self_ranges: Iterable[tuple[int, int]] = (),
    collective_ranges: Iterable[tuple[int, int]] = (),
    token_chars: np.ndarray | None = None,
    set_phrase_chars: int = 0,
    group: str | None = None,
    quotes: np.ndarray | None = None,
) -> np.ndarray:
    """Label of each token (``Label`` values, int8).

    ``partner_ranges`` maps each *other* member to the token ranges this text shares with them; a reuse
    fragment shorter than ``min_reuse`` tokens at the edge of boilerplate or template joins it.
    ``self_ranges`` are the token ranges found in the member's own reports of earlier rounds;
    ``collective_ranges`` those shared with the own unit's collective material (or, for that material, with a
    member of its unit), which count as one more member sharing them.
    ``token_chars``: characters of each token, to measure set phrases (shorter than ``set_phrase_chars``; 0: no
    set phrases); ``group``: the key of ``partner_ranges`` whose ranges are shared with a group of members
    (many, not one). ``quotes``: per token, True inside a quotation with a citation (``quotes.quote_mask``).
    """
    partners = coverage(n_tokens, partner_ranges.values())  # how many partners share each token
    if set_phrase_chars and token_chars is not None:
        if group is not None and group in partner_ranges:
            partners[range_mask(n_tokens, partner_ranges[group])] += 2  # a group is more members than a phrase needs
        partner_ranges = _without_set_phrases(partner_ranges, partners, token_chars, set_phrase_chars, min_reuse)
        partners = coverage(n_tokens, partner_ranges.values())
    collective = range_mask(n_tokens, collective_ranges)
    labels = np.zeros(n_tokens, dtype=np.int8)
    labels[range_mask(n_tokens, self_ranges)] = Label.SELF
    labels[partners > 0] = Label.REUSE
    labels[collective] = Label.COLLECTIVE  # the unit's own material explains a passage others share too
    partners += collective
    labels[(partners + 1 >= boilerplate_members) | boilerplate] = Label.BOILERPLATE
    labels[range_mask(n_tokens, template_ranges)] = Label.TEMPLATE
    if quotes is not None:
        labels[quotes] = Label.QUOTE
    _absorb_fragments(labels, min_reuse)
    return labels


def _runs(labels: np.ndarray) -> list[tuple[int, int]]:
    breaks = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    bounds = [0, *breaks.tolist(), len(labels)]
    return list(itertools.pairwise(bounds))


def _absorb_fragments(labels: np.ndarray, min_reuse: int) -> None:
    """Give a reuse run shorter than ``min_reuse`` the label of the boilerplate or template next to it; next to a
    quotation only, it is the member's own.

    Such a fragment is the edge of a passage that is otherwise boilerplate or template (a set phrase and
    the two characters after it), not a copy of its own. Beside a quotation it is the words that introduce it
    (总书记指出：), which everyone quoting the same sentence writes.
    """
    if not np.any(labels == Label.REUSE):
        return
    breaks = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    first, stop_at = np.concatenate([[0], breaks]), np.concatenate([breaks, [len(labels)]])
    # Only short reuse runs are looked at one by one: a long text has thousands of runs, and few of them are these.
    short = np.flatnonzero((labels[first] == Label.REUSE) & (stop_at - first < min_reuse)).tolist()
    starts, stops = first.tolist(), stop_at.tolist()
    for n in short:
        start, stop = starts[n], stops[n]
        neighbours = [(starts[m], stops[m]) for m in (n - 1, n + 1) if 0 <= m < len(starts)]
        covering = [r for r in neighbours if labels[r[0]] in (Label.TEMPLATE, Label.BOILERPLATE)]
        if covering:
            widest = max(covering, key=lambda r: r[1] - r[0])
            labels[start:stop] = labels[widest[0]]
        elif any(labels[r[0]] == Label.QUOTE for r in neighbours):
            labels[start:stop] = Label.ORIGINAL


def _without_set_phrases(
    partner_ranges: Mapping[str, Iterable[tuple[int, int]]],
    partners: np.ndarray,
    token_chars: np.ndarray,
    shorter_than: int,
    min_own: int,
) -> dict[str, list[tuple[int, int]]]:
    """``partner_ranges`` without the set phrases: a range shorter than ``shorter_than`` characters of which fewer
    than ``min_own`` tokens are shared with that partner alone (``partners``: how many share each token).

    Shared with one partner, a short passage may be a copied sentence; shared with two others or more, each of
    them elsewhere in their text, and with next to nothing else around it, it is a phrase the genre gives
    everyone. A copy that holds such a phrase holds enough of its own to stay.
    """
    # Prefix sums answer both questions of every range of every partner at once.
    chars = np.concatenate([[0], np.cumsum(token_chars, dtype=np.int64)])
    alone = np.concatenate([[0], np.cumsum(partners == 1, dtype=np.int64)])
    listed = {partner: list(ranges) for partner, ranges in partner_ranges.items()}
    every = [r for ranges in listed.values() for r in ranges]
    if not every:
        return {partner: [] for partner in listed}
    bounds = np.array(every, dtype=np.int64).reshape(-1, 2)
    start, end = bounds[:, 0], bounds[:, 1]
    keep = ((chars[end] - chars[start] >= shorter_than) | (alone[end] - alone[start] >= min_own)).tolist()
    kept: dict[str, list[tuple[int, int]]] = {}
    at = 0
    for partner, ranges in listed.items():
        kept[partner] = [r for r, k in zip(ranges, keep[at : at + len(ranges)], strict=True) if k]
        at += len(ranges)
    return kept


def label_spans(normalised: Normalised, labels: np.ndarray) -> list[Span]:
    """Maximal runs of one non-original label, as disjoint sorted spans of the original text.

    Characters between two tokens of one run (punctuation, spaces) belong to the span.
    """
    if len(labels) == 0:
        return []
    spans = []
    for first, stop in _runs(labels):
        label = Label(int(labels[first]))
        if label is not Label.ORIGINAL:
            spans.append(Span(*normalised.original_span(first, stop), label))
    return spans


class LabelCounts:
    """Counts of non-whitespace characters by label, for any range of the text.

    Only the label of each character is kept (one byte each): a scan of 10,000 reports holds one of these per
    report, and prefix sums per label cost forty times as much memory for no speed a report needs.
    """

    def __init__(self, text: str, spans: Iterable[Span]) -> None:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
        visible = ~_IS_WHITESPACE[np.minimum(codes, len(_IS_WHITESPACE) - 1)]
        per_char = np.zeros(len(text), dtype=np.int8)
        for span in spans:
            per_char[span.start : span.end] = span.label
        # Whitespace gets a label of its own, past the real ones, so one bincount answers every question.
        per_char[~visible] = _HIDDEN
        self._per_char = per_char

    def _bins(self, start: int, end: int | None) -> np.ndarray:
        return np.bincount(self._per_char[start:end], minlength=_HIDDEN + 1)

    def chars(self, start: int = 0, end: int | None = None) -> int:
        """Non-whitespace characters in ``text[start:end]``."""
        return int(self._bins(start, end)[:_HIDDEN].sum())

    def count(self, label: Label, start: int = 0, end: int | None = None) -> int:
        return int(self._bins(start, end)[label])

    def count_within(self, label: Label, ranges: Iterable[tuple[int, int]]) -> int:
        """Non-whitespace characters with ``label`` inside the union of the character ``ranges``."""
        # The ranges merged, then counted one slice each: a partner's few ranges cost what they cover, not the text.
        size, total, reach = len(self._per_char), 0, 0
        for start, end in sorted((max(0, min(s, size)), max(0, min(e, size))) for s, e in ranges):
            start = max(start, reach)
            if end > start:
                total += int(np.count_nonzero(self._per_char[start:end] == label))
                reach = end
        return total

    def of(self, start: int = 0, end: int | None = None) -> dict[Label, float]:
        """Share of each label among the non-whitespace characters of ``text[start:end]``; sums to 1."""
        return self.summary(start, end)[1]

    def summary(self, start: int = 0, end: int | None = None) -> tuple[int, dict[Label, float]]:
        """``chars`` and ``of`` of one range, counted once."""
        counts = self._bins(start, end).tolist()
        total = sum(counts[:_HIDDEN])
        if total == 0:
            return 0, {label: (1.0 if label is Label.ORIGINAL else 0.0) for label in _LABELS}
        return total, {label: counts[label] / total for label in _LABELS}


_LABELS = tuple(Label)
_HIDDEN = max(Label) + 1  # the label given to whitespace inside LabelCounts

# Whitespace and the invisible format characters: neither is text a reader sees, so neither is counted.
_WHITESPACE = np.array(
    [c for c in range(0x3001) if chr(c).isspace()] + [*range(0x200B, 0x2010), 0x2060, 0xFEFF], dtype=np.uint32
)
# As a lookup table, one entry per code point up to the last of them and a False one for every code point above.
_IS_WHITESPACE = np.zeros(int(_WHITESPACE.max()) + 2, dtype=bool)
_IS_WHITESPACE[_WHITESPACE] = True
