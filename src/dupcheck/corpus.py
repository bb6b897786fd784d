"""Find the reports in a corpus folder, and who wrote each.

Rules (also in the README):

* every ``.docx``, ``.doc``, ``.wps``, ``.pdf``, ``.txt`` and ``.md`` file below the corpus folder is a report;
  hidden files and folders (``.git``, ``.DS_Store``) and Word's lock files (``~$名.docx``) are passed over; any
  other file is an input that cannot be read, and is reported as such;
* links: a link to a file is followed (wherever the file is); a link to a folder is never followed (so a link
  loop cannot trap the walk); a broken link is reported as unreadable; a second path to a file already found
  (a link to it) is reported and read once;
* a ``templates/`` folder at the top of the corpus holds official templates, not members' reports;
* the folder a file is in names its unit; who wrote it is found once it is read (``members``): a source
  comes out of here with its file name up to the first separator as a provisional member.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from dupcheck.errors import ReadError, UsageError
from dupcheck.model import MembersBy, SourceFile
from dupcheck.reading import SUPPORTED_SUFFIXES, unsupported_reason

TEMPLATES_FOLDER = "templates"
_NAME_END = re.compile(r"[-_—－–\s]")


def member_from_name(file_name: str) -> str:
    """The member a file name belongs to: its stem up to the first separator."""
    stem = unicodedata.normalize("NFC", Path(file_name).stem.strip())
    head = _NAME_END.split(stem, maxsplit=1)[0]
    return head or stem


def _real(path: Path) -> Path:
    """The file a path names, links resolved; never raises (a link loop resolves to where the loop is)."""
    return Path(os.path.realpath(path))


def _shown(path: Path) -> str:
    """A path as text that can be printed: bytes of a file name that are not UTF-8 become U+FFFD."""
    text = path.as_posix()
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte (a damaged Windows name)
        return text.encode("utf-8", "replace").decode("utf-8")


def _mtime_ns(path: Path) -> int:
    """When the file was last changed (0 when that cannot be told): the later of two versions is the newer."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _skipped(name: str) -> bool:
    return name.startswith((".", "~$"))


def _walk(root: Path) -> Iterable[Path]:
    """Files below ``root`` in a stable order, not following folder links (so a link loop cannot trap us)."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not _skipped(d))
        for name in sorted(files):
            if not _skipped(name):
                yield Path(folder) / name


def discover(
    corpus: Path,
    templates: Iterable[Path] = (),
    *,
    members_by: MembersBy = "file",
) -> tuple[list[SourceFile], list[ReadError]]:
    """Reports and templates to read, and the files that cannot be read (unsupported types).

    Raises ``UsageError`` when ``corpus`` is not a folder or holds no report.
    """
    if not corpus.is_dir():
        raise UsageError(f"corpus folder '{corpus}' does not exist or is not a folder")
    found: list[SourceFile] = []
    unreadable: list[ReadError] = []
    seen: dict[Path, str] = {}  # real path -> id of the first path found to it

    walked = list(_walk(corpus))
    links = {p for p in walked if p.is_symlink()}
    # Resolving links is most of the time a walk of a large corpus takes: a folder once, a file only if it is one.
    folders = {folder: _real(folder) for folder in {p.parent for p in walked}}
    reals = {p: _real(p) if p in links else folders[p.parent] / p.name for p in walked}
    # A file of the corpus keeps its own name; a link to it is the second name, whatever the order.
    direct = {reals[p]: _shown(p.relative_to(corpus)) for p in walked if p not in links}

    def add(path: Path, ident: str, member: str, unit: str, is_template: bool, *, in_corpus: bool = True) -> None:
        real = reals[path] if in_corpus else _real(path)
        first = seen.get(real) or (direct.get(real) if in_corpus and path in links else None)
        if first is not None:
            if in_corpus:  # a link to a report already found: read once, under its own name
                unreadable.append(ReadError(ident, f"same file as '{first}' (a link to it): read once"))
            return  # a template named with --template that also lies in the corpus
        seen[real] = ident
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append(SourceFile(path, ident, member, unit, is_template, mtime_ns=_mtime_ns(path)))
        else:
            unreadable.append(ReadError(ident, unsupported_reason(path.suffix)))

    template_paths: list[Path] = []
    for template in templates:
        if not template.exists():
            raise UsageError(f"template '{template}' does not exist")
        template_paths += [template] if template.is_file() else list(_walk(template))
    named_templates = {_real(p) for p in template_paths}

    for path in walked:
        rel = path.relative_to(corpus)
        ident = _shown(rel)
        if (rel.parts[0] == TEMPLATES_FOLDER and len(rel.parts) > 1) or reals[path] in named_templates:
            add(path, ident, "", "", True)
            continue
        unit = _shown(rel.parent) if len(rel.parts) > 1 else ""
        if members_by == "folder" and len(rel.parts) > 1:
            member = unicodedata.normalize("NFC", rel.parts[0])
        else:
            member = member_from_name(rel.name)
        add(path, ident, _shown(Path(member)), unit, False)
    for path in template_paths:
        add(path, _shown(path), "", "", True, in_corpus=False)

    if not any(not f.is_template for f in found) and not unreadable:
        raise UsageError(f"corpus folder '{corpus}' holds no report (.docx, .doc, .wps, .pdf, .txt or .md)")
    return found, unreadable
