"""Who wrote which file: each report's member, unit and kind, the member's newest version, and the names a
report shows.

A member is found from where a real file says it (``authorship.infer``: the file name wherever the name stands,
else the document's title or signature; the folder names the unit), or by the older rules ``members_by="file"``
(the file name up to its first separator) and ``"folder"`` (the top-level folder). A reviewer's corrections (a
CSV that ``dupcheck members`` writes and the reviewer edits) win over any rule.

Members are keys that never join two people silently: ``<unit>·<person>`` (or ``<person>`` where no unit is
known), ``<unit>·<role>``, ``<unit>·班子`` for a unit's collective (committee) material, and
``unknown:<path>`` for a file whose author cannot be told. A report shows a member by the person's name alone
where that is unambiguous in the corpus, and with the unit in brackets where two members share a name.

Several files of one member are versions of one report: the newest (version marks first — 定稿 over 修改稿 over
a plain name over 草稿 —, then the later modification time, then the path) is the member's report; the others
are listed as its earlier versions and compared with nothing.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import cast

from dupcheck.authorship import infer
from dupcheck.corpus import member_from_name
from dupcheck.errors import UsageError
from dupcheck.model import Document, Kind, MembersBy, SourceFile
from dupcheck.parallel import fork_map, workers_for
from dupcheck.untrusted import unquoted_cell

KINDS: tuple[Kind, ...] = ("personal", "collective", "unknown")
CORRECTION_COLUMNS = ("file", "member", "unit", "kind")


@dataclass(frozen=True)
class Correction:
    """A reviewer's word on one file: who wrote it, for which unit, and of which kind."""

    member: str
    unit: str
    kind: Kind


@dataclass(frozen=True)
class Membership:
    """How members are found: the rule, and the reviewer's corrections by file (its path in the corpus)."""

    by: MembersBy = "name"
    corrections: Mapping[str, Correction] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.by not in ("name", "file", "folder"):
            raise ValueError(f"members_by must be 'name', 'file' or 'folder', got {self.by!r}")


def attribute(source: SourceFile, text: str | None, membership: Membership) -> SourceFile:
    """The source with its member, unit, kind, how it was found and its version rank (templates as they are)."""
    if source.is_template:
        return source
    path = source.path.as_posix() if source.earlier else source.id
    correction = membership.corrections.get(path)
    # The text is read only where the rule asks it who wrote the file; the version marks need the path alone.
    found = infer(path, text if membership.by == "name" and correction is None else None)
    version = found.version.rank  # the marks of the file name and of folders such as 修改稿/ and 定稿/
    if correction is not None:
        return replace(
            source,
            member=correction.member,
            unit=correction.unit,
            kind=correction.kind,
            how="the reviewer's member list",
            version=version,
        )
    if membership.by == "name":
        return replace(
            source, member=found.member, unit=found.unit, kind=cast(Kind, found.kind), how=found.how, version=version
        )
    parts = PurePosixPath(path).parts
    if membership.by == "folder" and len(parts) > 1:
        member, how = unicodedata.normalize("NFC", parts[0]), "the top-level folder"
    else:
        member, how = member_from_name(parts[-1]), "the file name up to its first separator"
    return replace(source, member=member, kind="personal", how=how, version=version)


def attribute_all(
    documents: Sequence[Document], membership: Membership, *, workers: int | None = None
) -> list[Document]:
    """Every document with its member found (``attribute``), on forked workers for a large corpus (reading a
    title and a signature costs a few tenths of a millisecond a report)."""
    state = _Attributing(documents, membership)
    sources = fork_map(_attributed, state, range(len(documents)), workers_for(len(documents), workers))
    return [replace(d, source=source) for d, source in zip(documents, sources, strict=True)]


@dataclass(frozen=True)
class _Attributing:
    documents: Sequence[Document]
    membership: Membership


def _attributed(state: _Attributing, i: int) -> SourceFile:
    document = state.documents[i]
    return attribute(document.source, document.text, state.membership)


def newest_versions(
    documents: Sequence[Document], membership: Membership
) -> tuple[list[Document], dict[str, tuple[str, ...]]]:
    """The documents less every member's earlier versions, and per member's report the ids of its earlier
    versions (newest first). Only this round's reports of known members count: an unknown file is its own
    member, and an earlier round's report is that round's. By the older rules (``file``, ``folder``) a member's
    files are several reports (a member's folder holds a 述职报告 beside a 发言提纲): none is dropped."""
    if membership.by != "name":
        return list(documents), {}
    by_member: dict[str, list[Document]] = defaultdict(list)
    for d in documents:
        if d.is_current and d.source.kind != "unknown":
            by_member[d.source.member].append(d)
    earlier: dict[str, tuple[str, ...]] = {}
    dropped: set[str] = set()
    for versions in by_member.values():
        if len(versions) < 2:
            continue
        ordered = sorted(versions, key=lambda d: (d.source.version, d.source.mtime_ns, d.source.id), reverse=True)
        earlier[ordered[0].source.id] = tuple(d.source.id for d in ordered[1:])
        dropped |= {d.source.id for d in ordered[1:]}
    return [d for d in documents if d.source.id not in dropped], earlier


def display_names(sources: Iterable[SourceFile]) -> dict[str, str]:
    """The name a report shows for each member key: the person's name where no other member of the corpus has
    it, else the name with the unit in brackets (``张伟（办公室）``); keys of other kinds as they are."""
    keys = {s.member for s in sources if not s.is_template}
    short: dict[str, str] = {}
    for key in keys:
        unit, dot, person = key.rpartition("·")
        short[key] = person if dot and not key.startswith("unknown:") and not person.endswith("班子") else key
    holders: dict[str, list[str]] = defaultdict(list)
    for key, name in short.items():
        holders[name].append(key)
    names = {}
    for key, name in short.items():
        if len(holders[name]) == 1:
            names[key] = name
        else:
            unit = key.rpartition("·")[0]
            names[key] = f"{name}（{unit}）" if unit else name
    return names


def own_collective(a: SourceFile, b: SourceFile) -> bool:
    """Whether one of two reports is the collective (committee) material of the unit the other belongs to: what
    a member shares with it is ``collective`` (照搬班子材料), not reuse between members."""
    if a.is_template or b.is_template or not a.unit or a.unit != b.unit:
        return False
    return (a.kind == "collective") != (b.kind == "collective")


def read_corrections(path: Path) -> dict[str, Correction]:
    """A reviewer's member list: a CSV with the columns file, member, unit, kind (``dupcheck members --format
    csv`` writes one; other columns are ignored). Raises ``UsageError`` naming the file and the line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UsageError(f"--members '{path}': cannot read it ({error})") from error
    missing = [c for c in CORRECTION_COLUMNS if rows and c not in rows[0]] or ([] if rows else list(CORRECTION_COLUMNS))
    if missing:
        raise UsageError(
            f"--members '{path}': no column {', '.join(missing)} (it needs {', '.join(CORRECTION_COLUMNS)})"
        )
    out = {}
    for line, row in enumerate(rows, 2):
        kind = (row["kind"] or "").strip()
        member = unquoted_cell(row["member"] or "").strip()
        if kind not in KINDS:
            raise UsageError(f"--members '{path}' line {line}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if not member:
            raise UsageError(f"--members '{path}' line {line}: no member for {row['file']!r}")
        out[unquoted_cell(row["file"] or "").strip()] = Correction(
            member, unquoted_cell(row["unit"] or "").strip(), cast(Kind, kind)
        )
    return out


@dataclass(frozen=True)
class MemberRow:
    """One line of ``dupcheck members``: a file, whose it is and how that was found."""

    file: str
    member: str  # the member key
    shown: str  # the name reports show
    unit: str
    kind: Kind
    how: str
    version_of: str = ""  # the member's report this file is an earlier version of ('' for the report itself)


def member_rows(documents: Sequence[Document], membership: Membership) -> list[MemberRow]:
    """The file → member table of a corpus, in path order."""
    names = display_names(d.source for d in documents)
    _, earlier = newest_versions(documents, membership)
    version_of = {old: newest for newest, olds in earlier.items() for old in olds}
    return [
        MemberRow(
            file=d.source.id,
            member=d.source.member,
            shown=names[d.source.member],
            unit=d.source.unit,
            kind=d.source.kind,
            how=d.source.how,
            version_of=version_of.get(d.source.id, ""),
        )
        for d in sorted(documents, key=lambda d: d.source.id)
        if not d.source.is_template
    ]
