"""A check report with what a member may not see of their colleagues taken out, for a report served to a member.

A self-check's report holds the whole text of every report the draft shares a passage with, its author's name,
its file name and its outline: what the reviewer's ``dupcheck check --html`` shows. A member checking their draft
on the organisation's page (``dupcheck serve``) sees only what the check must show: each passage of another
report that matches theirs, under a neutral name (another member's report 1, 2, …), nothing else of it. The
names and file names stay only with ``show_sources``; the rest of those reports' text never does. Templates are
official texts and keep their names and text.

The redacted report is built anew, not masked: what is left out is not in it, so no page made from it holds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from dupcheck.report import Report, Side

# The neutral names, per page language: {n} numbers the members (and their reports) in the order they appear.
NAMES: Mapping[str, Mapping[str, str]] = {
    "zh": {"member": "其他成员 {n}", "report": "其他成员 {n} 的材料", "own": "本人", "own report": "本人此前的材料"},
    "en": {
        "member": "another member {n}",
        "report": "another member {n}'s report",
        "own": "you",
        "own report": "your earlier report",
    },
}
PASSAGE_GAP = "\n…\n"  # between two kept passages of one report: what lies between them is left out


def redacted(report: Report, *, lang: str = "zh", show_sources: bool = False) -> Report:
    """``report`` (a check report: its one document is the draft) with every other member's report cut to the
    passages the draft shares with it, and, unless ``show_sources``, its member and file named neutrally.

    The draft's own earlier reports are cut the same way (they are named as the member's own). Unreadable files of
    the corpus are left out of the errors (their paths name colleagues); so are the draft's earlier versions.
    """
    names = NAMES[lang]
    (draft,) = report.documents
    templates = {doc for doc, member in report.members.items() if member == "" and doc != draft.id}
    templates |= {m.b.doc for m in report.matches if m.kind == "template"}
    others = [doc for doc in _in_order(report) if doc != draft.id and doc not in templates]

    # Each other report keeps only its passages the draft's matches and groups point into, joined.
    passages: dict[str, list[tuple[int, int]]] = {doc: [] for doc in others}
    for shared in [m.b for m in report.matches] + [s for g in report.groups for s in g.passages]:
        if shared.doc in passages:
            passages[shared.doc].append((shared.start, shared.end))
    kept = {doc: _merged(spans) for doc, spans in passages.items()}

    new_id, new_member = _names(report, draft.member, others, names, show_sources)

    def side(s: Side) -> Side:
        if s.doc not in kept:
            return s
        start, end = _moved(kept[s.doc], s.start, s.end, report.texts.get(s.doc, ""))
        return Side(new_id[s.doc], start, end)

    def member(name: str) -> str:
        return new_member.get(name, name)

    texts = {d: t for d, t in report.texts.items() if d == draft.id or d in templates}
    texts |= {new_id[doc]: PASSAGE_GAP.join(report.texts.get(doc, "")[a:b] for a, b in kept[doc]) for doc in others}
    members = {d: m for d, m in report.members.items() if d == draft.id or d in templates}
    members |= {new_id[doc]: member(report.members.get(doc, "")) for doc in others}
    outlines = {d: o for d, o in report.outlines.items() if d == draft.id or d in templates}
    outlines |= {new_id[doc]: [] for doc in others}  # a colleague's headings are their text too
    partner = draft.top_partner
    return Report(
        documents=[replace(draft, top_partner=None if partner is None else member(partner), earlier_versions=())],
        # replace(), not new instances: whatever else a result carries (counts, shares) is kept as it is.
        matches=[replace(m, b=side(m.b)) for m in report.matches],
        pairs=[replace(p, member_a=member(p.member_a), member_b=member(p.member_b)) for p in report.pairs],
        groups=[
            replace(g, members=tuple(member(m) for m in g.members), passages=tuple(side(s) for s in g.passages))
            for g in report.groups
        ],
        errors=[],
        settings=report.settings,
        copies=[
            replace(
                c, documents=tuple(new_id.get(d, d) for d in c.documents), members=tuple(member(m) for m in c.members)
            )
            for c in report.copies
        ],
        texts=texts,
        members=members,
        outlines=outlines,
    )


def _in_order(report: Report) -> list[str]:
    """Every document the report names, in the order the report names them (matches longest first as the check
    orders them, then groups, then copies): the neutral numbers follow it."""
    seen: dict[str, None] = {}
    for doc in [m.b.doc for m in report.matches] + [s.doc for g in report.groups for s in g.passages]:
        seen.setdefault(doc, None)
    for c in report.copies:
        for doc in c.documents:
            seen.setdefault(doc, None)
    for doc in report.texts:
        seen.setdefault(doc, None)
    return list(seen)


def _names(
    report: Report, own: str, others: list[str], names: Mapping[str, str], show_sources: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """The new document id of every other report and the new name of every other member: neutral and numbered,
    or with ``show_sources`` as they were."""
    if show_sources:
        return {doc: doc for doc in others}, {}
    by_member: dict[str, list[str]] = {}
    for doc in others:
        by_member.setdefault(report.members.get(doc, ""), []).append(doc)
    new_id: dict[str, str] = {}
    new_member: dict[str, str] = {}
    number = 0
    for name, docs in by_member.items():
        if name == own:
            label, report_label = names["own"], names["own report"]
        else:
            number += 1
            label, report_label = names["member"].format(n=number), names["report"].format(n=number)
        if name and name != own:  # replaced everywhere it stands: pairs, groups, copies
            new_member[name] = label
        for k, doc in enumerate(docs, start=1):
            new_id[doc] = report_label if len(docs) == 1 else f"{report_label} ({k})"
    # The report's members (the draft's pairs and groups) may name members whose report the draft no longer
    # points into; they are named neutrally all the same.
    for name in _all_members(report):
        if name not in new_member and name != own and name:
            number += 1
            new_member[name] = names["member"].format(n=number)
    return new_id, new_member


def _all_members(report: Report) -> Iterable[str]:
    for p in report.pairs:
        yield from (p.member_a, p.member_b)
    for g in report.groups:
        yield from g.members
    for c in report.copies:
        yield from c.members


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _moved(kept: list[tuple[int, int]], start: int, end: int, text: str) -> tuple[int, int]:
    """Where ``start:end`` of the old text stands in the joined passages (it lies inside one of them)."""
    offset = 0
    for a, b in kept:
        if a <= start and end <= b:
            return offset + start - a, offset + end - a
        offset += len(text[a:b]) + len(PASSAGE_GAP)
    raise ValueError(f"{start}:{end} lies in no kept passage")  # every side was collected into ``kept``
