"""What every index is, whatever keeps it: the ``Index`` the scan and the self-check use, the records it keeps,
and the update it makes from a corpus, written once for every backend.

An update plans first (``plan_update``: what the index knows of the corpus's files against the files, reading
and preparing only the changed ones, holding nothing), then the backend writes the plan whole (``Index._apply``).
Adding a checked draft is a plan of one record. A round may hold reports of several corpus folders, but
never two of one path: an update whose report has the path of another folder's is refused whole
(``other_corpus_error``), as removing or replacing another folder's report would lose it. A backend says how
it knows its files, writes a plan, reads its reports and finds a draft's reference; the shared pieces of those
(a stored report's source, a draft's own and replaced k-grams) are here too.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from dupcheck.corpus import discover
from dupcheck.errors import IndexFileError, ReadError
from dupcheck.fingerprints import FingerprintSettings
from dupcheck.index.codec import unpack_arrays
from dupcheck.index.derived import DraftKeys, counted_for_others, distinct_kgrams
from dupcheck.members import Membership, attribute
from dupcheck.model import Document, Population, ScanSettings, SourceFile
from dupcheck.parallel import Progress
from dupcheck.prepare import prepare_each
from dupcheck.reading import DEFAULT_MAX_CHARS


@dataclass
class UpdateResult:
    """What an update did to the index (lists a caller may go on with: not frozen)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[ReadError] = field(default_factory=list)


@dataclass(frozen=True)
class Record:
    """One report as the index keeps it."""

    round: str
    corpus: str  # the corpus folder it was indexed from (absolute), or '' for a draft added by a check
    path: str  # the report's id within its corpus
    member: str
    unit: str
    is_template: bool
    sha256: str
    size: int
    mtime_ns: int
    document: Document


@dataclass(frozen=True)
class Known:
    """What the index knows of a file, to decide whether to read it again."""

    sha256: str
    size: int
    mtime_ns: int


@dataclass
class Plan:
    """The changes an update will write, computed before the write transaction starts."""

    put: list[Record] = field(default_factory=list)
    touch: list[tuple[str, int, int]] = field(default_factory=list)  # path, size, mtime_ns: content unchanged
    remove: list[str] = field(default_factory=list)
    result: UpdateResult = field(default_factory=UpdateResult)
    corpus: str = ""  # the corpus folder (absolute) the plan is for; '' for a draft
    # What the index knew of the corpus's files when planning: a writer touches or removes only what is still so.
    known: dict[str, Known] = field(default_factory=dict)


class Index(ABC):
    """What the scan and the self-check need of an index, whatever keeps it."""

    location: str  # the index as messages name it
    settings: FingerprintSettings
    read_only: bool  # opened only to be read: an update that would change it is refused, nothing else is written

    def update(
        self,
        corpus: Path,
        templates: Iterable[Path] = (),
        *,
        round: str = "",
        membership: Membership | None = None,
        progress: Progress | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        workers: int | None = None,
    ) -> UpdateResult:
        """Bring the reports of ``round`` indexed from ``corpus`` in line with its files, applied whole or not at
        all: files whose size or modification time changed are read again, those whose content changed are
        prepared again (on ``workers`` processes for many, default one per core), and those that are gone are
        removed."""
        known = self._known(str(corpus.resolve()), round)
        plan = plan_update(
            known,
            corpus,
            templates,
            self.settings,
            round=round,
            membership=membership or Membership(),
            progress=progress,
            max_chars=max_chars,
            workers=workers,
        )
        self._apply(round, plan)
        return plan.result

    def add(self, document: Document, *, round: str = "") -> None:
        """Add one prepared report (a checked draft) under ``round``; it replaces one of the same id."""
        self._apply(round, Plan(put=[draft_record(document, round, self.settings)]))

    def reference_for(
        self, draft: Document, round: str = "", settings: ScanSettings | None = None
    ) -> tuple[list[Document], Population | None]:
        """The reports a draft of ``round`` is checked against, and, when those are not the whole round, the
        population boilerplate is counted over (``settings`` say what counts as boilerplate; default:
        ``ScanSettings()``): ``check_draft`` with them gives the draft's report as against ``documents(round)``."""
        return self._reference(draft, DraftKeys.of(draft, self.settings), round, settings or ScanSettings())

    @abstractmethod
    def documents(self, round: str = "", *, earlier: bool = True) -> list[Document]:
        """The reports and templates of ``round``, and (``earlier``) the reports of every round before it."""

    @abstractmethod
    def member_keys(self, round: str = "") -> frozenset[str]:
        """The members with a report in ``round`` (templates left out)."""

    @abstractmethod
    def rounds(self) -> list[str]:
        """Every round that holds a report, in order."""

    @abstractmethod
    def close(self) -> None:
        """Let go of the file or the connection: the index is not used after."""

    @abstractmethod
    def warm(self) -> None:
        """Read now what every self-check reads, for a process about to check many drafts (a server's worker)."""

    @abstractmethod
    def _known(self, corpus_key: str, round: str) -> dict[str, Known]:
        """What the index knows of the files of ``round`` indexed from the corpus folder ``corpus_key`` (absolute),
        by path."""

    @abstractmethod
    def _apply(self, round: str, plan: Plan) -> None:
        """Write ``plan`` to ``round``, whole or not at all."""

    @abstractmethod
    def _reference(
        self, draft: Document, keys: DraftKeys, round: str, settings: ScanSettings
    ) -> tuple[list[Document], Population | None]:
        """``reference_for``, with what of the draft is looked up in the derived data."""


def plan_update(
    known: dict[str, Known],
    corpus: Path,
    templates: Iterable[Path],
    settings: FingerprintSettings,
    *,
    round: str,
    membership: Membership,
    progress: Progress | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    workers: int | None = None,
) -> Plan:
    """Compare the corpus with what the index knows of it; read and prepare only what changed (on ``workers``
    processes for many files, default one per core)."""
    sources, errors = discover(corpus, templates, members_by=membership.by)
    errors = list(errors)
    corpus_key = str(corpus.resolve())
    plan = Plan(corpus=corpus_key, known=known)
    added: list[str] = []
    updated: list[str] = []
    unchanged = 0
    seen = set()
    changed: list[tuple[SourceFile, int, int, str, Known | None]] = []
    for n, source in enumerate(sources, 1):
        if progress:
            progress("checking files", n, len(sources))
        seen.add(source.id)
        try:
            size, mtime_ns = file_state(source.path)
            before = known.get(source.id)
            if before and (before.size, before.mtime_ns) == (size, mtime_ns):
                unchanged += 1
                continue
            digest = sha256_of(source.path)
        except OSError as error:
            errors.append(ReadError(source.id, error.strerror or str(error)))
            continue
        if before and before.sha256 == digest:
            plan.touch.append((source.id, size, mtime_ns))
            unchanged += 1
            continue
        changed.append((source, size, mtime_ns, digest, before))
    # What changed is read on every core (or a cluster's workers, ``parallel.running_on``), as a scan reads.
    read = prepare_each([source for source, *_ in changed], settings, max_chars, workers)
    for n, ((source, size, mtime_ns, digest, before), prepared) in enumerate(zip(changed, read, strict=True), 1):
        if progress:
            progress("reading", n, len(changed))
        if not isinstance(prepared, Document):
            errors.append(ReadError(*prepared))
            continue
        # The member as a scan finds it, so that a check counts boilerplate over the same members.
        document = replace(prepared, source=attribute(prepared.source, prepared.text, membership))
        plan.put.append(
            Record(
                round=round,
                corpus=corpus_key,
                path=source.id,
                member=document.source.member,
                unit=document.source.unit,
                is_template=document.source.is_template,
                sha256=digest,
                size=size,
                mtime_ns=mtime_ns,
                document=document,
            )
        )
        (updated if before else added).append(source.id)
    # A file that could not be read this time is kept as it was: nothing is lost to a passing error.
    unreadable = {e.path for e in errors}
    plan.remove = sorted(p for p in known if p not in seen and p not in unreadable)
    plan.result = UpdateResult(added, updated, plan.remove, unchanged, sorted(errors, key=lambda e: e.path))
    return plan


def other_corpus_error(location: str, round: str, corpus: str, taken: Sequence[tuple[str, str]]) -> IndexFileError:
    """The refusal of an update whose reports have the paths of reports another corpus folder put in the round
    (``taken``: path, that folder): keyed by round and path, one would silently replace the other."""
    path, other = taken[0]
    more = f" and {len(taken) - 1} more" if len(taken) > 1 else ""
    where = f"round {round}" if round else "the index"
    return IndexFileError(
        location,
        f"{path}{more} of {where} came from {other}, not from {corpus}: nothing was recorded (index the two "
        "folders under different --round, or keep their reports at different paths)",
    )


def draft_record(document: Document, round: str, settings: FingerprintSettings) -> Record:
    """The record of a report that comes from no corpus folder (a draft a check adds)."""
    document = document.fingerprinted(settings)
    data = document.text.encode("utf-8")
    return Record(
        round=round,
        corpus="",
        path=document.source.id,
        member=document.source.member,
        unit=document.source.unit,
        is_template=False,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mtime_ns=0,
        document=document,
    )


def earlier_id(round: str, path: str) -> str:
    """A report of an earlier round is named with its round, so it cannot be taken for this round's."""
    return f"{round}:{path}"


def stored_source(row_round: str, path: str, member: str, unit: str, is_template: bool, round: str) -> SourceFile:
    """The source of a report of ``row_round`` as a check or scan of ``round`` sees it: one of an earlier round
    named with its round."""
    is_earlier = row_round != round
    return SourceFile(
        path=Path(path),
        id=earlier_id(row_round, path) if is_earlier else path,
        member=member,
        unit=unit,
        is_template=is_template,
        round=row_round,
        earlier=is_earlier,
    )


def stored_kgrams(arrays: bytes, settings: FingerprintSettings) -> np.ndarray:
    """The distinct k-grams of a stored report, from its packed arrays (only its codes are unpacked)."""
    return distinct_kgrams(unpack_arrays(arrays, "codes")[0], settings)


def own_and_replaced(
    draft: Document, stored: Iterable[tuple[str, str, bytes]], settings: FingerprintSettings
) -> tuple[np.ndarray, np.ndarray]:
    """``own`` and ``replaced`` of ``draft_population``, from the round's stored reports (path, member, packed
    arrays) of the draft's author and of the member whose report the draft replaces."""
    reports = ((path, member, stored_kgrams(arrays, settings)) for path, member, arrays in stored)
    return counted_for_others(reports, draft.source.id, draft.source.member)


def file_state(path: Path) -> tuple[int, int]:
    """A file's size and modification time: unchanged, the file is not read again."""
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
