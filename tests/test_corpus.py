"""Tests for dupcheck.corpus: who wrote each file, and which files of a corpus folder are read."""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dupcheck.corpus import SourceFile, discover, member_from_name
from dupcheck.errors import ReadError, UsageError

WriteCorpus = Callable[..., Path]  # the write_corpus fixture from conftest.py

# Short stand-ins for reports: discover() only looks at names, never at the text.
REPORT = "一、存在的问题\n本人理论学习不够深入，联系群众不够紧密，今后要加强学习、改进作风。\n"
TEMPLATE = "根据党委通知要求，本人认真查摆问题，现将个人对照检查情况报告如下。\n"


def by_id(found: list[SourceFile]) -> dict[str, SourceFile]:
    return {f.id: f for f in found}


# --- member_from_name -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "member"),
    [
        ("张三.docx", "张三"),
        ("张三-对照检查材料.docx", "张三"),
        ("李四_发言提纲.txt", "李四"),
        ("王五 述职报告.md", "王五"),
        ("赵六—材料.txt", "赵六"),
    ],
)
def test_member_from_name_is_stem_up_to_first_separator(file_name: str, member: str) -> None:
    """The member is the file's stem up to the first '-', '_', space or '—'."""
    assert member_from_name(file_name) == member


# --- discover -------------------------------------------------------------------------------------------


def test_templates_folder_files_are_templates_without_member(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """Files in the top-level templates/ folder (nested too) are templates with member '' and unit ''."""
    corpus = write_corpus(
        tmp_path / "corpus",
        {"张三.txt": REPORT, "templates/党委模板.txt": TEMPLATE, "templates/2024/参考提纲.md": TEMPLATE},
    )
    found, unreadable = discover(corpus)
    files = by_id(found)
    assert unreadable == []
    assert set(files) == {"张三.txt", "templates/党委模板.txt", "templates/2024/参考提纲.md"}
    for ident in ("templates/党委模板.txt", "templates/2024/参考提纲.md"):
        assert files[ident].is_template
        assert files[ident].member == ""
        assert files[ident].unit == ""
    assert not files["张三.txt"].is_template
    assert files["张三.txt"].member == "张三"


def test_unit_is_the_relative_folder_of_the_file(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A file's unit is its folder relative to the corpus ('' at the top level)."""
    corpus = write_corpus(
        tmp_path / "corpus",
        {"高远.txt": REPORT, "综合办公室/张三-对照检查材料.txt": REPORT, "运维检修部/李四_发言提纲.md": REPORT},
    )
    found, _ = discover(corpus)
    units = {f.id: (f.member, f.unit) for f in found}
    assert units == {
        "高远.txt": ("高远", ""),
        "综合办公室/张三-对照检查材料.txt": ("张三", "综合办公室"),
        "运维检修部/李四_发言提纲.md": ("李四", "运维检修部"),
    }


def test_hidden_files_and_word_lock_files_are_skipped(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """Hidden files, hidden folders and Word lock files ('~$x.docx') are passed over silently."""
    corpus = write_corpus(
        tmp_path / "corpus",
        {
            "张三.txt": REPORT,
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            ".隐藏.txt": REPORT,
            ".git/config": "[core]\n",
            ".git/notes.txt": REPORT,
            "~$张三.docx": b"\x05owner",
            "综合办公室/~$李四.docx": b"\x05owner",
        },
    )
    found, unreadable = discover(corpus)
    assert [f.id for f in found] == ["张三.txt"]
    assert unreadable == []


@pytest.mark.parametrize("suffix", [".pptx", ".xlsx"])
def test_unsupported_file_types_become_read_errors(tmp_path: Path, write_corpus: WriteCorpus, suffix: str) -> None:
    """A .pptx or .xlsx is not skipped: it becomes a ReadError naming its path relative to the corpus."""
    corpus = write_corpus(tmp_path / "corpus", {"张三.txt": REPORT, f"综合办公室/李四{suffix}": b"%binary%"})
    found, unreadable = discover(corpus)
    assert [f.id for f in found] == ["张三.txt"]
    assert len(unreadable) == 1
    error = unreadable[0]
    assert isinstance(error, ReadError)
    assert error.path == f"综合办公室/李四{suffix}"
    assert error.reason.startswith(f"unsupported file type '{suffix}'")
    assert str(error).startswith(f"综合办公室/李四{suffix}: unsupported file type")


def test_only_unsupported_files_is_not_a_usage_error(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A corpus holding only a .xlsx reports it as unreadable instead of calling the corpus empty."""
    corpus = write_corpus(tmp_path / "corpus", {"张三.xlsx": b"PK\x03\x04"})
    found, unreadable = discover(corpus)
    assert found == []
    assert [e.path for e in unreadable] == ["张三.xlsx"]


def test_missing_corpus_raises_usage_error(tmp_path: Path) -> None:
    """A corpus folder that does not exist is a UsageError naming it."""
    with pytest.raises(UsageError, match="does not exist or is not a folder"):
        discover(tmp_path / "没有这个文件夹")


def test_corpus_that_is_a_file_raises_usage_error(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A file given as the corpus is a UsageError, not a one-document corpus."""
    write_corpus(tmp_path, {"张三.txt": REPORT})
    with pytest.raises(UsageError, match="not a folder"):
        discover(tmp_path / "张三.txt")


def test_empty_corpus_raises_usage_error(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """An empty corpus folder is a UsageError saying it holds no report."""
    corpus = write_corpus(tmp_path / "corpus", {})
    with pytest.raises(UsageError, match="holds no report"):
        discover(corpus)


def test_corpus_with_only_templates_raises_usage_error(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A corpus whose only files are in templates/ holds no member report: UsageError."""
    corpus = write_corpus(tmp_path / "corpus", {"templates/模板.txt": TEMPLATE})
    with pytest.raises(UsageError, match="holds no report"):
        discover(corpus)


def test_ids_use_slashes_and_keep_chinese_names(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """Ids are corpus-relative POSIX paths with the Chinese folder and file names unchanged."""
    corpus = write_corpus(tmp_path / "corpus", {"运维检修部/变电运维班/张三-对照检查材料.txt": REPORT})
    found, _ = discover(corpus)
    assert [f.id for f in found] == ["运维检修部/变电运维班/张三-对照检查材料.txt"]
    assert "\\" not in found[0].id
    assert found[0].path == corpus / "运维检修部" / "变电运维班" / "张三-对照检查材料.txt"


def test_files_in_nested_unit_folders_are_found(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """Reports several folders deep are found, with the whole relative folder as their unit."""
    corpus = write_corpus(
        tmp_path / "corpus",
        {
            "运维检修部/变电运维班/张三.docx": b"PK",
            "运维检修部/输电运检班/二组/李四_材料.txt": REPORT,
            "综合办公室/王五 述职报告.md": REPORT,
        },
    )
    found, _ = discover(corpus)
    assert {(f.id, f.member, f.unit) for f in found} == {
        ("运维检修部/变电运维班/张三.docx", "张三", "运维检修部/变电运维班"),
        ("运维检修部/输电运检班/二组/李四_材料.txt", "李四", "运维检修部/输电运检班/二组"),
        ("综合办公室/王五 述职报告.md", "王五", "综合办公室"),
    }


def test_members_by_folder_uses_top_level_folder(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """With members_by='folder' the top-level folder is the member; top-level files use the name rule."""
    corpus = write_corpus(
        tmp_path / "corpus",
        {"张三/发言提纲.txt": REPORT, "张三/2024/对照检查材料.txt": REPORT, "李四-材料.txt": REPORT},
    )
    found, _ = discover(corpus, members_by="folder")
    assert {f.id: f.member for f in found} == {
        "张三/发言提纲.txt": "张三",
        "张三/2024/对照检查材料.txt": "张三",
        "李四-材料.txt": "李四",
    }


def test_symlink_loop_does_not_hang_or_duplicate(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A folder link back to the corpus is not followed: discover ends and lists each file once."""
    corpus = write_corpus(tmp_path / "corpus", {"张三.txt": REPORT, "综合办公室/李四.txt": REPORT})
    try:
        os.symlink(corpus, corpus / "loop", target_is_directory=True)
        os.symlink(corpus, corpus / "综合办公室" / "回到上层", target_is_directory=True)
    except (OSError, NotImplementedError) as error:  # pragma: no cover - platforms without symlinks
        pytest.skip(f"cannot create symlinks here: {error}")

    result: list[tuple[list[SourceFile], list[ReadError]]] = []
    worker = threading.Thread(target=lambda: result.append(discover(corpus)), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "discover() did not return: it follows the link loop"
    found, unreadable = result[0]
    assert sorted(f.id for f in found) == ["张三.txt", "综合办公室/李四.txt"]
    assert unreadable == []


def test_template_outside_corpus_keeps_given_path_as_id(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A --template file outside the corpus is a template whose id is its path as given."""
    corpus = write_corpus(tmp_path / "corpus", {"张三.txt": REPORT})
    official = write_corpus(tmp_path / "official", {"党委模板.txt": TEMPLATE, "附件/参考提纲.md": TEMPLATE})
    found, _ = discover(corpus, [official / "党委模板.txt", official / "附件"])
    templates = {f.id: f for f in found if f.is_template}
    assert set(templates) == {(official / "党委模板.txt").as_posix(), (official / "附件" / "参考提纲.md").as_posix()}
    assert all(f.member == "" for f in templates.values())


def test_template_named_twice_is_listed_once(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A --template that also lies in corpus/templates/ is one template, with its corpus id."""
    corpus = write_corpus(tmp_path / "corpus", {"张三.txt": REPORT, "templates/模板.txt": TEMPLATE})
    found, _ = discover(corpus, [corpus / "templates" / "模板.txt"])
    assert [(f.id, f.is_template) for f in found] == [("张三.txt", False), ("templates/模板.txt", True)]


def test_missing_template_raises_usage_error(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A --template path that does not exist is a UsageError naming it."""
    corpus = write_corpus(tmp_path / "corpus", {"张三.txt": REPORT})
    with pytest.raises(UsageError, match=r"模板\.docx"):
        discover(corpus, [tmp_path / "模板.docx"])


def test_explicit_template_inside_corpus_is_a_template(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A file the user names with --template is a template even when it lies at the top of the corpus."""
    corpus = write_corpus(tmp_path / "corpus", {"张三.txt": REPORT, "党委模板.txt": TEMPLATE})
    found, _ = discover(corpus, [corpus / "党委模板.txt"])
    template = next(f for f in found if f.path.name == "党委模板.txt")
    assert template.is_template
    assert template.member == ""


@given(st.text(alphabet=st.sampled_from("张三.-_ ab．。"), max_size=12))
def test_member_from_name_takes_the_stem_as_pathlib_does(name: str) -> None:
    """The stem is found without a Path (a large corpus's walk costs that much less), as ``Path.stem`` finds it."""
    assume(name not in {".", ".."})  # no file is named so
    stem = unicodedata.normalize("NFC", PurePosixPath(name).stem.strip())
    expected = re.split(r"[-_—－–\s]", stem, maxsplit=1)[0] or stem
    assert member_from_name(name) == expected
