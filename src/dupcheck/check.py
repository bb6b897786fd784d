"""The pre-submission self-check: one draft against a corpus or an index, before it is handed in.

``check_against`` does what ``dupcheck check`` does: it finds what the draft is compared with (a corpus folder,
its index if ``dupcheck index`` made one, or an index named by path or URL), brings a corpus's index up to date,
takes the newest round unless told otherwise, and adds the draft to the index only when asked: an index it is
pointed at is opened read only otherwise. A check with no other member's report to compare the draft with is
refused rather than called ready.
``check_draft`` is the comparison itself, for a caller that already holds the documents.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path

from dupcheck import results
from dupcheck.corpus import member_from_name
from dupcheck.errors import IndexFileError, ReadError, UsageError
from dupcheck.index import Index, corpus_index, existing_index
from dupcheck.members import Membership, attribute
from dupcheck.model import Document, Population, ScanSettings, SourceFile
from dupcheck.outputs import is_inside
from dupcheck.parallel import Progress
from dupcheck.prepare import load, load_corpus
from dupcheck.reading import DEFAULT_MAX_CHARS, SUPPORTED_SUFFIXES
from dupcheck.report import Report
from dupcheck.scan import compare
from dupcheck.sources import CheckSummary, summarise


@dataclass(frozen=True)
class CheckResult:
    """A self-check's report, the round it was checked in, and the corpus files that could not be read."""

    report: Report
    round: str
    errors: tuple[ReadError, ...] = field(default_factory=tuple)
    added: bool = False  # the draft was added to the index as its member's report of the round

    def summary(self, fail_under: float | None = None) -> CheckSummary:
        """Where the draft's text comes from, per source, and the verdict (``sources.summarise``)."""
        return summarise(self.report, fail_under=fail_under)


def check_against(
    draft: Path,
    against: str | Path | Index,
    settings: ScanSettings | None = None,
    *,
    templates: Iterable[Path] = (),
    member: str | None = None,
    round: str | None = None,
    membership: Membership | None = None,
    add: bool = False,
    rebuild: bool = False,
    max_chars: int = DEFAULT_MAX_CHARS,
    progress: Progress | None = None,
) -> CheckResult:
    """Check ``draft`` against ``against``: a corpus folder, an index file, ``redis://HOST:PORT/DB``, or an index
    the caller opened (and closes: a server checks many drafts against one).

    A corpus with an index (made by ``dupcheck index``) is checked through it, after bringing it up to date;
    without one its files are read, and nothing is written unless ``add`` asks for an index to be made.
    ``round``: the round the draft belongs to (default: the newest round of the index). ``member``: who wrote
    the draft (default: from its file name, as in a corpus). Raises ``UsageError`` for a draft or ``against``
    that does not exist or a folder with no other member's report, ``IndexFileError`` for an index that cannot be
    used or holds no other member's report in the round nor in an earlier one.
    """
    settings = settings or ScanSettings()
    membership = membership or Membership()
    templates = list(templates)
    opened = isinstance(against, Index)
    folder = Path(against.location if isinstance(against, Index) else against)
    is_corpus = not opened and folder.is_dir()
    fs = settings.fingerprints
    if rebuild and not is_corpus:
        raise UsageError(
            f"--rebuild would empty the index {against} before checking against it: rebuild it with "
            "'dupcheck index CORPUS --index … --rebuild'"
        )
    # A check against an index reads it and nothing more: only --add writes (the draft), and only then.
    if isinstance(against, Index):
        index: Index | None = against
    elif is_corpus:
        index = corpus_index(folder, None, fs, rebuild=rebuild, create=add)
    else:
        index = existing_index(against, fs, read_only=not add)
    errors: list[ReadError] = []
    try:
        if index is not None and is_corpus:
            update = index.update(
                folder,
                templates,
                round=round or _newest(index),
                membership=membership,
                progress=progress,
                max_chars=max_chars,
            )
            errors += update.errors
        round_name = round if round is not None else (_newest(index) if index is not None else "")
        document = load_draft(draft, member=member, round=round_name, max_chars=max_chars)
        population = None
        if index is not None:
            document = _as_member(document, draft, folder, index.member_keys(round_name), membership, member)
            _refuse_nothing_to_compare(index, document, round_name)
            others, population = index.reference_for(document, round_name, settings)
        else:
            others, unreadable = load_corpus(
                folder, templates, settings.fingerprints, membership=membership, max_chars=max_chars
            )
            errors += unreadable
            keys = {d.source.member for d in others if d.is_current}
            document = _as_member(document, draft, folder, keys, membership, member)
            if not keys - {document.source.member}:
                raise UsageError(
                    f"{folder}: no other member's report in this folder to compare the draft with: nothing to check"
                )
        report = results.finished(check_draft(document, others, settings, population), [*others, document], {})
        if add and index is not None:
            index.add(document, round=round_name)
    finally:
        if index is not None and not opened:
            index.close()
    return CheckResult(report=report, round=round_name, errors=tuple(errors), added=add and index is not None)


def load_draft(
    path: Path, *, member: str | None = None, round: str = "", max_chars: int = DEFAULT_MAX_CHARS
) -> Document:
    """Read the draft; its author is ``member`` or, as in a corpus, its file name up to the first separator."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UsageError(f"{path}: not a report dupcheck reads ({', '.join(sorted(SUPPORTED_SUFFIXES))})")
    source = SourceFile(path=path, id=path.name, member=member or member_from_name(path.name), unit="", round=round)
    return load(source, max_chars=max_chars)


def check_draft(
    draft: Document, others: Sequence[Document], settings: ScanSettings, population: Population | None = None
) -> Report:
    """The draft's report: what it shares with the other members' reports, the templates and earlier rounds.

    The others count towards boilerplate as in a scan of the whole corpus (or ``population`` does, when
    ``others`` are only the reports the draft may share something with), but only the draft is labelled and
    reported. A report of the corpus with the draft's id (an earlier version of it) is left out.
    """
    corpus = [d for d in others if d.source.id != draft.source.id]
    # One process: what is compared is the draft alone, and starting workers costs more than they save (a draft
    # against 250 real-shaped reports: 0.45 s here, 1.26 s with two workers; against 1,000: 1.0 s, 2.7 s).
    return compare([*corpus, draft], settings, focus={len(corpus)}, population=population, workers=1)


def _as_member(
    document: Document,
    draft: Path,
    corpus: Path,
    keys: AbstractSet[str],
    membership: Membership,
    member: str | None,
) -> Document:
    """The draft as the report of the corpus's member who wrote it: ``member`` if given, else found as a scan
    finds it (its path in the corpus when it lies there). A name with no unit is the corpus's member of that
    name when exactly one has it (a draft kept outside the unit's folder is still its author's)."""
    source = document.source
    if member is None:
        inside = corpus.is_dir() and is_inside(draft, corpus)
        path = draft.resolve().relative_to(corpus.resolve()).as_posix() if inside else draft.name
        source = replace(attribute(replace(source, id=path), document.text, membership), id=source.id)
    key = source.member
    if key not in keys and "·" not in key:
        holders = _by_name(frozenset(keys)).get(key, ())
        if len(holders) == 1:
            key = holders[0]
    return replace(document, source=replace(source, member=key))


@functools.lru_cache(maxsize=4)
def _by_name(keys: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """The member keys ``unit·name`` by name: once per index state, not a pass over 10,000 keys a draft (a
    server's worker is handed the same frozen set until the index changes)."""
    found: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        if "·" in key:
            found[key.rpartition("·")[2]].append(key)
    return {name: tuple(sorted(held)) for name, held in found.items()}


def _refuse_nothing_to_compare(index: Index, draft: Document, round: str) -> None:
    """Refuse (``IndexFileError`` naming the index and the round) a check with no other member's report to compare
    the draft with, neither in its round nor in an earlier one: it would call the draft ready on no evidence (a
    wrong database, a server restarted without its data, a first build cut short)."""
    if index.member_keys(round) - {draft.source.member}:
        return
    rounds = index.rounds()
    if any(index.member_keys(r) for r in rounds if r < round):
        return
    named = f"round {round}" if round else "the index"
    if not rounds:
        found = "no reports in this index"
    elif round not in rounds:
        found = f"no reports of round {round} in this index (it holds {', '.join(repr(r) for r in rounds)})"
    elif not index.member_keys(round):
        found = f"{named} holds only templates"
    else:
        found = f"{named} holds no other member's report"
    option = f" --round {round}" if round else ""
    raise IndexFileError(
        index.location,
        f"{found}: nothing to compare the draft with (build it with 'dupcheck index CORPUS --index "
        f"{index.location}{option}')",
    )


def _newest(index: Index) -> str:
    rounds = index.rounds()
    return rounds[-1] if rounds else ""
