"""Where dupcheck writes: never inside a corpus, and a file complete or absent."""

import errno
import os
import re
from pathlib import Path

import pytest

from dupcheck.errors import UsageError, WriteError
from dupcheck.outputs import ensure_outside, write_file, write_files, write_tree


def test_a_path_inside_the_corpus_is_refused_and_one_beside_it_is_not(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "办公室").mkdir(parents=True)
    with pytest.raises(UsageError, match=r"--output '.*办公室/r\.json' is inside the corpus"):
        ensure_outside(corpus / "办公室" / "r.json", [corpus], "--output")
    ensure_outside(tmp_path / "corpus-results" / "r.json", [corpus], "--output")  # a name that starts alike


def test_a_link_into_the_corpus_is_inside_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "out").symlink_to(corpus)
    with pytest.raises(UsageError):
        ensure_outside(tmp_path / "out" / "r.json", [corpus], "--html")


def test_a_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "r.txt"
    write_file(target, lambda out: out.write("第一行\n第二行\n"))
    assert target.read_text(encoding="utf-8") == "第一行\n第二行\n"
    assert [p.name for p in target.parent.iterdir()] == ["r.txt"]


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "r.txt"
    target.write_text("old report", encoding="utf-8")

    def fail(out):
        out.write("half a new report")
        raise OSError(28, "No space left on device")

    with pytest.raises(WriteError, match=rf"^{re.escape(str(target))}: no space left on device$"):
        write_file(target, fail)
    assert target.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]


def test_files_written_as_one_are_all_new_or_all_as_they_were(tmp_path: Path) -> None:
    first, second, third = (tmp_path / n for n in ("a.csv", "b.csv", "c.csv"))
    for path in (first, second, third):
        path.write_text("old", encoding="utf-8")

    def full(out):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    files = [(first, lambda out: out.write("new")), (second, lambda out: out.write("new")), (third, full)]
    with pytest.raises(WriteError, match=r"c\.csv: no space left on device"):
        write_files(files)
    assert [p.read_text(encoding="utf-8") for p in (first, second, third)] == ["old"] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv", "c.csv"]
    write_files(files[:2])
    assert [p.read_text(encoding="utf-8") for p in (first, second, third)] == ["new", "new", "old"]


def test_a_folder_that_cannot_be_made_is_a_write_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(WriteError, match=r"taken/r\.txt: "):
        write_file(tmp_path / "taken" / "r.txt", lambda out: out.write("x"))


def test_write_file_refuses_a_protected_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with pytest.raises(UsageError):
        write_file(corpus / "r.txt", lambda out: out.write("x"), protect=[corpus])
    assert list(corpus.iterdir()) == []


def test_a_folder_is_written_whole_and_replaces_only_one_it_wrote(tmp_path: Path) -> None:
    folder = tmp_path / "report"
    ours = lambda path: (path / "index.html").is_file()  # noqa: E731
    write_tree(folder, {"index.html": "page", "data/0000.js": "chunk 0"}, ours=ours)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == ["data", "data/0000.js", "index.html"]
    write_tree(folder, {"index.html": "page 2", "data/0001.js": "chunk 1"}, ours=ours)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == ["data", "data/0001.js", "index.html"]
    assert (folder / "index.html").read_text(encoding="utf-8") == "page 2"
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no temporary, no old copy left
    with pytest.raises(WriteError, match="is not a report folder"):
        write_tree(folder, {"index.html": "x"}, ours=lambda path: False)
    assert (folder / "index.html").read_text(encoding="utf-8") == "page 2"
    with pytest.raises(UsageError):
        write_tree(tmp_path / "report" / "inner", {"index.html": "x"}, ours=ours, protect=[folder])


def test_a_folder_that_fails_half_way_leaves_the_old_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "report"
    ours = lambda path: True  # noqa: E731
    write_tree(folder, {"index.html": "old page", "data/0000.js": "old chunk"}, ours=ours)
    real_fsync = os.fsync
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(WriteError, match=rf"^{re.escape(str(folder))}: no space left on device$"):
        write_tree(folder, {"index.html": "new page", "data/0000.js": "new chunk"}, ours=ours)
    assert (folder / "index.html").read_text(encoding="utf-8") == "old page"
    assert (folder / "data" / "0000.js").read_text(encoding="utf-8") == "old chunk"
    assert [p.name for p in tmp_path.iterdir()] == ["report"]
