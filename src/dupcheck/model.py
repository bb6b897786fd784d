"""The data the stages hand on: a file to read, a document prepared for matching, a text as the comparison sees
it, the members a round counts, and every setting of a scan.

Stages import their inputs from here, never from the module that drives them, so data flows forward only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np

from dupcheck.alignment import AlignSettings
from dupcheck.arrays import lookup
from dupcheck.fingerprints import Fingerprints, FingerprintSettings, fingerprint, kgram_hashes
from dupcheck.normalise import Normalised, token_codes
from dupcheck.read_text import IntegrityFlags
from dupcheck.sections import Section

MembersBy = Literal["name", "file", "folder"]
Kind = Literal["personal", "collective", "unknown"]


@dataclass(frozen=True)
class SourceFile:
    """A file to read, with its identity in reports."""

    path: Path
    id: str  # path relative to the corpus with '/' separators (templates outside it: as given)
    member: str  # '' for a template
    unit: str  # folder of the file relative to the corpus, '' at the top level
    is_template: bool = False
    round: str = ""  # the year or meeting the report belongs to, when it comes from an index
    earlier: bool = False  # from an earlier round: compared against, never reported on
    kind: Kind = "personal"  # a person's report, a unit's collective (committee) material, or nobody's known
    how: str = ""  # how the member was found, in words ("person from the file name; unit from the folder")
    version: tuple[int, ...] = ()  # the rank of the file's version marks: the member's newest file ranks highest
    mtime_ns: int = 0  # the file's modification time: breaks a tie of version marks


@dataclass(frozen=True)
class Document:
    """A text read and prepared for matching."""

    source: SourceFile
    text: str
    normalised: Normalised
    sections: tuple[Section, ...]
    fingerprints: Fingerprints | None = None  # when already computed (kept in an index) with the scan's settings
    # What the file hid from a reader or dressed up (integrity flags), for the report.
    flags: IntegrityFlags = field(default_factory=IntegrityFlags)

    @property
    def is_current(self) -> bool:
        """A member's report of this round: labelled and reported (not a template, not an earlier round)."""
        return not (self.source.is_template or self.source.earlier)

    def fingerprints_for(self, settings: FingerprintSettings) -> Fingerprints:
        """The document's fingerprints: the ones it carries, else computed now (they are not kept)."""
        if self.fingerprints is not None:
            return self.fingerprints
        return fingerprint(self.normalised.codes(), settings)

    def fingerprinted(self, settings: FingerprintSettings) -> Document:
        """The document carrying its fingerprints."""
        return self if self.fingerprints is not None else replace(self, fingerprints=self.fingerprints_for(settings))


@dataclass(frozen=True)
class Entry:
    """One text as the comparison sees it (boilerplate, candidates)."""

    member: int  # texts of one member share this id; every template has an id of its own
    is_template: bool
    tokens: str  # ``Normalised.tokens``
    fingerprints: Fingerprints
    is_reference: bool = False  # an earlier round's text: compared with the others, even the same member's

    @property
    def counts(self) -> bool:
        """Whether the text is one of the members' current reports, the ones boilerplate is counted over."""
        return not (self.is_template or self.is_reference)

    def kgrams(self, k: int) -> np.ndarray:
        """The hash of every token k-gram, entry i starting at token i. Computed when needed (in well under a
        millisecond): kept for every text of a large corpus they would cost 8 bytes a token."""
        return kgram_hashes(token_codes(self.tokens), k)


@dataclass(frozen=True)
class Population:
    """The members of a round and how many of them use each k-gram, counted over a whole index, for a check
    that loads only the reports a draft may share something with."""

    members: frozenset[str]
    kgrams: np.ndarray  # sorted uint64 k-gram hashes that two or more members use …
    users: np.ndarray  # … and how many members use each
    # Band keys of the draft's passage windows whose buckets, over the whole index, are boilerplate (as many members
    # as make it hold them) or widely shared (more than ``max_pair_members``): sorted uint64. The reports holding
    # only those are not read, so a check must not count such a bucket over the few it did read.
    common_bands: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    wide_bands: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))

    def boilerplate_hashes(self, threshold: int) -> np.ndarray:
        """The k-grams at least ``threshold`` members use, counting the draft's own author."""
        # The draft's own author adds one user to every k-gram the draft holds.
        return self.kgrams[self.users + 1 >= threshold]

    def users_of(self, hashes: np.ndarray) -> np.ndarray:
        """How many members use each of ``hashes`` (k-grams of the draft), counting the draft's own author."""
        return lookup(self.kgrams, self.users, hashes)[1] + 1


@dataclass(frozen=True)
class ScanSettings:
    """Every knob of a scan, with the documented defaults; refuses a combination that cannot work."""

    fingerprints: FingerprintSettings = field(default_factory=FingerprintSettings)
    alignment: AlignSettings = field(default_factory=AlignSettings)
    boilerplate_share: float = 0.3  # text shared by at least this share of members is boilerplate …
    boilerplate_min_members: int = 4  # … and by at least this many members
    section_threshold: float = 0.7  # sections less original than this are listed as flagged
    # Evidence (a fingerprint, an LSH bucket) held by at most this many members is compared pair by pair; held by
    # more (and fewer than make it boilerplate), it is one passage a group shares: each holder is aligned with one
    # representative, and the passage is reported as a group, so cost grows with its members, not their pairs.
    max_pair_members: int = 8
    # A passage shorter than this (characters) that two other members or more use too, with nothing shared around
    # it, is a set phrase of the genre and stays the member's own (0: every shared passage counts).
    set_phrase_chars: int = 30
    # Text quoted with a citation (a speech, a named document: ``quotes``) is labelled quote, never reuse (False: it
    # is labelled like any other text, for a reviewer who wants to see quotations that hide a colleague's words).
    quotes: bool = True

    def __post_init__(self) -> None:
        if not 0.0 < self.boilerplate_share <= 1.0:
            raise ValueError(f"boilerplate share must be in (0, 1], got {self.boilerplate_share}")
        if self.boilerplate_min_members < 2:
            raise ValueError(f"boilerplate needs at least 2 members, got {self.boilerplate_min_members}")
        if self.max_pair_members < 2:
            raise ValueError(f"max_pair_members must be at least 2, got {self.max_pair_members}")
        if self.set_phrase_chars < 0:
            raise ValueError(f"set_phrase_chars must be 0 or more, got {self.set_phrase_chars}")
        if not 0.0 <= self.section_threshold <= 1.0:
            raise ValueError(f"section threshold must be in [0, 1], got {self.section_threshold}")
        shortest = self.shortest_guaranteed
        if self.alignment.min_chars < shortest:
            # Winnowing guarantees a shared fingerprint only to runs of k + w - 1 tokens: a shorter passage would
            # be found by chance, some copies of it and not others.
            raise ValueError(
                f"min_chars must be at least {shortest} (winnow_k + winnow_w - 1: the shortest copy winnowing is "
                f"sure to find), got {self.alignment.min_chars}"
            )

    @property
    def shortest_guaranteed(self) -> int:
        """The shortest shared run of tokens the fingerprints are sure to find."""
        return self.fingerprints.winnow_k + self.fingerprints.winnow_w - 1
