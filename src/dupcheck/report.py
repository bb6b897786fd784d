"""The result of a scan, as plain dataclasses, and its JSON form (schema ``dupcheck.report/3``).

All offsets are Python string indices into a document's text exactly as read, end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dupcheck.read_text import IntegrityFlags, flag_note

SCHEMA = "dupcheck.report/3"
SHARE_KEYS = ("originality", "reuse", "template", "boilerplate", "self", "collective", "quote")


@dataclass(frozen=True)
class Shares:
    """Shares of a text's non-whitespace characters; they sum to 1."""

    originality: float
    reuse: float
    template: float
    boilerplate: float
    self_: float = 0.0  # "self": the member's own text of an earlier round, repeated (`self` is taken)
    collective: float = 0.0  # shared with the member's own unit's collective (committee) material
    quote: float = 0.0  # quoted with a citation (a speech, a named document)

    @property
    def own_or_quoted(self) -> float:
        """What a required originality is held to: the member's own writing and what they quote with a citation,
        for a quotation is no copy (CNKI's 去除引用)."""
        return self.originality + self.quote

    def as_dict(self) -> dict[str, float]:
        values = (
            self.originality,
            self.reuse,
            self.template,
            self.boilerplate,
            self.self_,
            self.collective,
            self.quote,
        )
        return {key: round(value, 4) for key, value in zip(SHARE_KEYS, values, strict=True)}


@dataclass(frozen=True)
class SectionResult:
    title: str
    level: int
    start: int
    end: int
    chars: int
    shares: Shares


@dataclass(frozen=True)
class SpanResult:
    start: int
    end: int
    label: str  # reuse | template | boilerplate | self | collective | quote


@dataclass(frozen=True)
class DocumentResult:
    id: str
    member: str
    unit: str
    chars: int
    shares: Shares
    sections: tuple[SectionResult, ...]
    spans: tuple[SpanResult, ...]
    top_partner: str | None = None  # the member this document shares most reuse with
    top_partner_share: float = 0.0  # share of this document's characters it shares with them
    round: str = ""  # the round the report belongs to, when it comes from an index
    kind: str = "personal"  # personal | collective (a unit's committee material) | unknown (nobody could be told)
    earlier_versions: tuple[str, ...] = ()  # the member's other files, older versions of this report: not compared
    # What the file hid from a reader (hidden text) or dressed up: its integrity flags.
    integrity: IntegrityFlags = field(default_factory=IntegrityFlags)


@dataclass(frozen=True)
class Side:
    doc: str
    start: int
    end: int


@dataclass(frozen=True)
class MatchResult:
    kind: str  # reuse | template | self | collective
    similarity: float
    a: Side  # the member's document
    b: Side  # the other member's document, the template, or the member's own earlier report


@dataclass(frozen=True)
class PairResult:
    """Reuse between two members, in characters of each member's documents and as shares of them."""

    member_a: str
    member_b: str
    chars_a: int
    chars_b: int
    share_a: float
    share_b: float
    matches: int


@dataclass(frozen=True)
class GroupResult:
    """Three or more members who share one passage (copied from each other or from one outside source)."""

    members: tuple[str, ...]
    passages: tuple[Side, ...]
    # In a check: how many members hold the passage, the draft's author among them, when ``members`` and
    # ``passages`` are the draft's alone (a widely shared passage is counted over the round, its holders not read).
    holders: int = 0


@dataclass(frozen=True)
class CopyResult:
    """Members' reports that are one report, whole or nearly: two of which one is a copy of the other, or one text
    several members handed in (``same_reports``), however many they are."""

    documents: tuple[str, ...]  # two or more
    members: tuple[str, ...]
    # Per document: the share of its wording found in another of them — of its own wording (boilerplate aside)
    # for two copies found by alignment, of all its fingerprints for one text handed in by several members.
    shares: tuple[float, ...]


@dataclass(frozen=True)
class ErrorResult:
    path: str
    error: str


@dataclass
class Report:
    documents: list[DocumentResult]
    matches: list[MatchResult]
    pairs: list[PairResult]
    groups: list[GroupResult]
    errors: list[ErrorResult]
    settings: dict[str, Any]
    copies: list[CopyResult] = field(default_factory=list)  # whole-report copies: the first finding to read
    texts: dict[str, str] = field(default_factory=dict, repr=False)  # document id -> text, for evidence
    members: dict[str, str] = field(default_factory=dict, repr=False)  # document id -> member ('' for a template)
    outlines: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict, repr=False)  # id -> sections

    def excerpt(self, side: Side) -> str:
        """The text of one side of a match."""
        return self.texts.get(side.doc, "")[side.start : side.end]

    def to_dict(self) -> dict[str, Any]:
        """The JSON report: a stable contract, documented in the README."""
        return {
            "schema": SCHEMA,
            "documents": [
                {
                    "id": d.id,
                    "member": d.member,
                    "unit": d.unit,
                    "round": d.round,
                    "kind": d.kind,
                    "chars": d.chars,
                    **d.shares.as_dict(),
                    "top_partner": d.top_partner,
                    "top_partner_share": round(d.top_partner_share, 4),
                    "earlier_versions": list(d.earlier_versions),
                    "integrity": [
                        {"flag": name, "count": count, "note": flag_note(name, count)}
                        for name, count in d.integrity.counts().items()
                    ],
                    "sections": [
                        {
                            "title": s.title,
                            "level": s.level,
                            "start": s.start,
                            "end": s.end,
                            "chars": s.chars,
                            **s.shares.as_dict(),
                        }
                        for s in d.sections
                    ],
                    "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in d.spans],
                }
                for d in self.documents
            ],
            "matches": [
                {
                    "kind": m.kind,
                    "similarity": round(m.similarity, 4),
                    "a": {"doc": m.a.doc, "start": m.a.start, "end": m.a.end},
                    "b": {"doc": m.b.doc, "start": m.b.start, "end": m.b.end},
                }
                for m in self.matches
            ],
            "pairs": [
                {
                    "members": [p.member_a, p.member_b],
                    "chars": [p.chars_a, p.chars_b],
                    "shares": [round(p.share_a, 4), round(p.share_b, 4)],
                    "matches": p.matches,
                }
                for p in self.pairs
            ],
            "groups": [
                {
                    "members": list(g.members),
                    "passages": [{"doc": s.doc, "start": s.start, "end": s.end} for s in g.passages],
                    **({"holders": g.holders} if g.holders else {}),
                }
                for g in self.groups
            ],
            "copies": [
                {"documents": list(c.documents), "members": list(c.members), "shares": [round(x, 4) for x in c.shares]}
                for c in self.copies
            ],
            "errors": [{"path": e.path, "error": e.error} for e in self.errors],
            "settings": self.settings,
        }
