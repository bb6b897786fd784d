"""Where dupcheck writes: never inside a corpus, and a file complete or absent."""

from pathlib import Path

import pytest

from dupcheck.errors import UsageError
from dupcheck.outputs import ensure_outside, write_file


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

    with pytest.raises(OSError, match="No space left"):
        write_file(target, fail)
    assert target.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]


def test_write_file_refuses_a_protected_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with pytest.raises(UsageError):
        write_file(corpus / "r.txt", lambda out: out.write("x"), protect=[corpus])
    assert list(corpus.iterdir()) == []
