"""Tests for the command line (dupcheck.cli): options, output formats and documented exit codes."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner, Result

from dupcheck import cli as cli_module
from dupcheck import outputs
from dupcheck.cli import cli
from dupcheck.corpus import member_from_name
from dupcheck.export import CSV_FILES
from dupcheck.reading import SUPPORTED_SUFFIXES

EXAMPLE_CORPUS = Path(__file__).resolve().parents[1] / "corpus"

WriteCorpus = Callable[..., Path]  # the write_corpus fixture from conftest.py

# Paragraphs of self-review material (对照检查材料), each written for these tests and distinct from the others.
STUDY = (
    "本人对党的创新理论的学习还停留在读原文、抄笔记的层面，系统钻研不够。去年参加支部集中学习二十三次，"
    "但自学时间常被业务工作挤占，读书笔记多是摘抄，结合电网运维实际写出的体会只有两篇。遇到新能源并网消纳"
    "这类新课题时，习惯于凭经验判断，很少回到理论中找方法，说明学思用贯通还有明显短板。下一步我要把读原著和"
    "解难题结合起来，每学一个专题都拿一件具体工作来检验。"
)
INITIATIVE = (
    "在担当作为上，面对变电站改造工期紧、协调难的局面，我有过等一等、看一看的想法，主动向分管领导请示的多，"
    "自己拿主意的少。七月份的停电计划调整，本应提前两周与调度沟通，却拖到最后三天才定下来，给兄弟班组增加了"
    "夜间作业负担。反思起来，根子在于怕担责任，缺少敢为人先的闯劲，遇事先想退路而不是先想办法，这与一名"
    "共产党员应有的精神状态很不相称。"
)
STYLE = (
    "作风方面，我对文件材料的把关存在层层转发的现象，自己动手起草的少，交给年轻同志写完后只改改错字就上报。"
    "有一次安全通报中的数据与实际台账对不上，被上级点名纠正，这暴露出我工作不细不实，满足于过得去，对标一流的"
    "标准还有不小差距。究其原因，是我把精力过多放在迎检和汇报上，沉下心来抠细节、查数据的功夫下得不够，"
    "形式主义的苗头没有及时掐灭。"
)
INTEGRITY = (
    "廉洁自律方面，我能够遵守中央八项规定精神，没有收受礼品礼金，但对身边同事的提醒不够及时。部门组织外出培训时，"
    "个别同志顺便安排了私人行程，我当时觉得是小事，没有当面指出，事后也未向支部报告，这是对纪律规矩认识不深、"
    "好人主义思想作怪的表现，必须坚决纠正。今后凡是发现苗头性问题，我都要第一时间咬耳扯袖，同时主动向纪检委员"
    "说明情况。"
)
MEASURES = (
    "整改措施上，我准备从三件事抓起：一是每季度精读一本理论著作并形成不少于三千字的读书报告；二是把班组安全隐患"
    "清单挂在办公室墙上，逐项销号、按周公示进度；三是每月约谈一名青年职工，听他们讲工作中的难处，把解决问题的"
    "情况记入个人工作日志，接受支部检查。以上三项我将在年底述职时逐条对账，完成不了的当众说明原因，请大家监督。"
)
SERVICE = (
    "回顾一年来的工作，我在客户服务窗口的管理上下了一些功夫，但创新不足。营业厅排队时间虽然缩短到平均八分钟，"
    "可线上办电的推广率只有四成，很多老年用户仍然不会使用手机应用。我没有组织人员上门指导，而是简单归因于用户"
    "习惯，这说明我以人民为中心的发展思想树得还不牢固。明年我打算在社区设流动服务点，每周六派两名营业员现场"
    "教学，把推广率提到七成以上。"
)
MEETINGS = (
    "在组织生活方面，我参加三会一课基本做到了按时到场，但发言准备不充分，批评与自我批评时辣味不足，给别人提意见"
    "多谈优点、少谈问题，给自己查摆问题也偏重客观原因。今年四月的支部民主评议会上，我对一名同志工作拖拉的问题"
    "点到为止，没有真正起到红红脸、出出汗的作用。这种一团和气的做法看似维护了团结，实际上削弱了支部的战斗力，"
    "也是对同志不负责任。"
)
# The paragraph two members share in the copying corpora.
COPIED = (
    "在联系服务群众方面，我深入基层调研的次数偏少，多数时间忙于处理文件和会议事务，对一线职工的急难愁盼问题掌握"
    "不够全面。去年全年仅到班组走访六次，座谈时听取意见多、跟踪落实少，有的职工反映的宿舍维修问题拖了三个月才"
    "解决，说明我的群众观念还有差距，宗旨意识需要进一步树牢。今后要坚持每月至少两次下沉班组，建立问题台账，"
    "做到件件有回音、事事有着落，让职工真正感受到变化，也让自己的作风在一线接受检验。"
)
# Official template text.
TEMPLATE = (
    "根据党委关于召开年度专题民主生活会的通知要求，本人认真学习了会议规定的必读篇目，广泛征求了党员群众的意见"
    "建议，与班子成员逐一开展了谈心谈话，围绕会议主题深入查摆自身存在的问题，剖析产生问题的根源，明确下一步"
    "努力方向和整改措施。现将个人对照检查情况报告如下，请同志们批评指正。对于征求到的十七条意见，本人已逐条"
    "认领并列入整改清单。"
)


def report(*sections: tuple[str, str]) -> str:
    """A report in the genre's layout: numbered heading lines, each followed by one paragraph."""
    return "".join(f"{heading}\n{body}\n" for heading, body in sections)


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def scan_json(*args: str | Path) -> dict[str, Any]:
    result = run("scan", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def clean_files() -> dict[str, str | bytes]:
    """Three members, three formats, no text in common."""
    return {
        "张三-对照检查材料.txt": report(("一、理论学习方面", STUDY), ("二、担当作为方面", INITIATIVE)),
        "综合办公室/李四_发言提纲.docx": docx_bytes("一、作风建设方面", STYLE, "二、廉洁自律方面", INTEGRITY),
        "王五 述职报告.md": report(("# 一、服务群众方面", SERVICE), ("# 二、整改措施", MEASURES)),
    }


def copying_files() -> dict[str, str | bytes]:
    """张三 and 李四 share COPIED, each amid text of their own; 王五 is original; 赵六 uses the template."""
    return {
        "张三-对照检查材料.txt": report(
            ("一、理论学习方面", STUDY), ("二、群众观念方面", COPIED), ("三、整改措施", MEASURES)
        ),
        "李四_对照检查材料.txt": report(
            ("一、担当作为方面", INITIATIVE), ("二、联系群众方面", COPIED), ("三、廉洁自律方面", INTEGRITY)
        ),
        "王五.txt": report(("一、作风建设方面", STYLE), ("二、服务意识方面", SERVICE)),
        "赵六.md": report(("# 对照检查", TEMPLATE), ("# 组织生活", MEETINGS)),
        "templates/党委模板.txt": TEMPLATE + "\n",
    }


# --- scan: exit 0 and 1 ---------------------------------------------------------------------------------


def test_scan_clean_corpus_exits_0_and_lists_every_member(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A readable corpus without copying exits 0 with one table row per member document."""
    corpus = write_corpus(tmp_path / "corpus", clean_files())
    result = run("scan", corpus)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("Documents (3), least original first\n")
    for member, ident in [
        ("张三", "张三-对照检查材料.txt"),
        ("李四", "综合办公室/李四_发言提纲.docx"),
        ("王五", "王五 述职报告.md"),
    ]:
        row = next(line for line in result.stdout.splitlines() if ident in line)
        assert row.split()[0] == member
        assert "100.0%" in row
    assert "No reuse between members found." in result.stdout


@pytest.mark.parametrize(
    ("broken_name", "broken_data", "reason"),
    [
        (
            "综合办公室/王五.txt",
            bytes(range(256)) * 4 + b"\x00\x00\xff\xfe\x00\x10",
            "not a text file (binary content)",
        ),
        (
            "综合办公室/王五.docx",
            docx_bytes("一、作风建设方面", STYLE)[:900],
            "not a valid .docx (truncated or corrupt zip archive)",
        ),
    ],
    ids=["binary-txt", "truncated-docx"],
)
def test_scan_broken_file_exits_1_and_still_reports_the_others(
    tmp_path: Path, write_corpus: WriteCorpus, broken_name: str, broken_data: bytes, reason: str
) -> None:
    """An unreadable file gives exit 1 and one 'error: <relative path>: <reason>' line; the rest is reported."""
    files = clean_files()
    del files["综合办公室/李四_发言提纲.docx"]
    files[broken_name] = broken_data
    corpus = write_corpus(tmp_path / "corpus", files)
    result = run("scan", corpus)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {broken_name}: {reason}"]
    assert "张三-对照检查材料.txt" in result.stdout
    assert "王五 述职报告.md" in result.stdout
    assert "Documents (2)" in result.stdout


def test_check_against_a_corpus_with_an_unreadable_file_exits_1_and_still_reports(
    tmp_path: Path, write_corpus: WriteCorpus
) -> None:
    """A check is incomplete when a file of the corpus could not be read (it may hold what the draft copies):
    the draft is still reported, the file named, and the status is 1, not 0."""
    files = copying_files()
    files["综合办公室/王七.txt"] = bytes(range(256)) * 4
    corpus = write_corpus(tmp_path / "corpus", files)
    draft = write_corpus(tmp_path / "drafts", {"孙八.txt": report(("一、学习方面", COPIED))}) / "孙八.txt"
    result = run("check", draft, "--against", corpus)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == ["error: 综合办公室/王七.txt: not a text file (binary content)"]
    assert "孙八" in result.stdout and "李四" in result.stdout  # the report, and the member it copies


def test_scan_broken_file_is_listed_in_json_errors(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """With --format json an unreadable file still exits 1 and appears under "errors" by relative path."""
    corpus = write_corpus(tmp_path / "corpus", {**clean_files(), "运维检修部/赵六.txt": b"\x00\x01\x02" * 50})
    result = run("scan", corpus, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["errors"] == [{"path": "运维检修部/赵六.txt", "error": "not a text file (binary content)"}]
    assert len(data["documents"]) == 3


def test_scan_corpus_with_no_readable_document_reports_errors(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A corpus whose only files cannot be read exits 1 with an error line per file, not a traceback."""
    corpus = write_corpus(tmp_path / "corpus", {"张三.pdf": b"%PDF-1.7\n", "李四.txt": b"\x00\x01\x02" * 50})
    result = run("scan", corpus)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines() == [
        "error: 张三.pdf: not a valid .pdf (damaged or truncated)",
        "error: 李四.txt: not a text file (binary content)",
    ]


# --- scan: usage errors, exit 2 -------------------------------------------------------------------------


def test_scan_missing_corpus_exits_2(tmp_path: Path) -> None:
    """A corpus folder that does not exist is a usage error (exit 2) naming the folder."""
    result = run("scan", tmp_path / "不存在")
    assert result.exit_code == 2
    assert "does not exist or is not a folder" in result.stderr
    assert "不存在" in result.stderr


def test_scan_empty_corpus_exits_2(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """An empty corpus folder is a usage error (exit 2): it holds no report."""
    corpus = write_corpus(tmp_path / "corpus", {})
    result = run("scan", corpus)
    assert result.exit_code == 2
    assert "holds no report" in result.stderr


def test_scan_corpus_with_only_templates_exits_2(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """A corpus with nothing but a templates/ folder holds no report: exit 2."""
    corpus = write_corpus(tmp_path / "corpus", {"templates/党委模板.txt": TEMPLATE})
    result = run("scan", corpus)
    assert result.exit_code == 2
    assert "holds no report" in result.stderr


def test_scan_csv_without_output_exits_2(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """--format csv needs a folder: without --output it is a usage error (exit 2)."""
    corpus = write_corpus(tmp_path / "corpus", clean_files())
    result = run("scan", corpus, "--format", "csv")
    assert result.exit_code == 2
    assert "--format csv writes several files: name a folder with --output" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("fmt", "output"),
    [("json", "report.json"), ("table", "子目录/结果.txt"), ("csv", "结果"), ("csv", ".")],
)
def test_scan_output_inside_corpus_exits_2(tmp_path: Path, write_corpus: WriteCorpus, fmt: str, output: str) -> None:
    """--output inside the corpus (or the corpus itself) is refused with exit 2, and nothing is written."""
    corpus = write_corpus(tmp_path / "corpus", clean_files())
    before = sorted(p.relative_to(corpus) for p in corpus.rglob("*"))
    result = run("scan", corpus, "--format", fmt, "--output", corpus / output)
    assert result.exit_code == 2
    assert "is inside the corpus; dupcheck never writes into the corpus" in result.stderr
    assert sorted(p.relative_to(corpus) for p in corpus.rglob("*")) == before


@pytest.mark.parametrize(
    ("value", "message"),
    [("abc", "'abc' is not a percentage"), ("150", "'150' is not between 0 and 100"), ("-5", "not between 0 and 100")],
)
def test_scan_bad_threshold_exits_2(tmp_path: Path, write_corpus: WriteCorpus, value: str, message: str) -> None:
    """A --threshold that is not a percentage between 0 and 100 is a usage error (exit 2)."""
    corpus = write_corpus(tmp_path / "corpus", clean_files())
    result = run("scan", corpus, f"--threshold={value}")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "--threshold" in result.stderr


def test_scan_threshold_accepts_percent_sign(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """--threshold 50% is read as 50 percent and shown in the table header."""
    corpus = write_corpus(tmp_path / "corpus", clean_files())
    result = run("scan", corpus, "--threshold", "50%")
    assert result.exit_code == 0, result.stderr
    assert "sections below 50.0%" in result.stdout


@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("scan", "--fail-under"),
        ("scan", "--threshold"),
        ("scan", "--boilerplate-share"),
        ("check", "--fail-under"),
        ("check", "--boilerplate-share"),
    ],
)
@pytest.mark.parametrize(("value", "meant"), [("0.8", "80"), ("0.05", "5"), (".5", "50")])
def test_a_percentage_below_one_without_its_sign_is_refused_with_a_hint(
    tmp_path: Path, write_corpus: WriteCorpus, command: str, option: str, value: str, meant: str
) -> None:
    """'--fail-under 0.8' meant as 80 % would be 0.8 % and pass a draft 29 % copied: exit 2, 'did you mean 80 %?'."""
    corpus = write_corpus(tmp_path / "corpus", copying_files())
    target = [corpus / "张三-对照检查材料.txt", "--against", corpus] if command == "check" else [corpus]
    result = run(command, *target, option, value)
    assert result.exit_code == 2, result.output
    assert f"did you mean {meant} %?" in result.stderr and option in result.stderr


@pytest.mark.parametrize("value", ["0.8%", "0", "1", "80"])
def test_a_percentage_with_its_sign_zero_or_from_one_on_is_taken(
    tmp_path: Path, write_corpus: WriteCorpus, value: str
) -> None:
    corpus = write_corpus(tmp_path / "corpus", clean_files())
    result = run("scan", corpus, "--threshold", value, "--fail-under", value)
    assert result.exit_code == 0, result.output
    assert f"sections below {float(value.rstrip('%')):.1f}%" in result.stdout


# --- scan: --fail-under, exit 3 -------------------------------------------------------------------------


def test_scan_fail_under_exits_3_and_names_documents(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """With --fail-under 99, a shared paragraph gives exit 3 and stderr names the documents below it."""
    corpus = write_corpus(tmp_path / "corpus", copying_files())
    result = run("scan", corpus, "--fail-under", "99")
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("3 document(s) below 99% originality: ")
    named = lines[0].split(": ", 1)[1].split(", ")
    assert sorted(named) == ["张三-对照检查材料.txt", "李四_对照检查材料.txt", "赵六.md"]
    assert "Documents (4)" in result.stdout


def test_scan_fail_under_low_exits_0(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """With --fail-under 1 the same corpus passes: exit 0 and nothing on stderr."""
    corpus = write_corpus(tmp_path / "corpus", copying_files())
    result = run("scan", corpus, "--fail-under", "1")
    assert result.exit_code == 0
    assert result.stderr == ""


# --- scan --format json ---------------------------------------------------------------------------------


def test_scan_json_contract(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """JSON: schema, originality order, disjoint sorted spans within the text, section shares summing to 1."""
    corpus = write_corpus(tmp_path / "corpus", copying_files())
    data = scan_json(corpus)
    assert data["schema"] == "dupcheck.report/3"
    assert data["errors"] == []
    documents = data["documents"]
    assert {d["id"] for d in documents} == {
        "张三-对照检查材料.txt",
        "李四_对照检查材料.txt",
        "王五.txt",
        "赵六.md",
    }
    originality = [d["originality"] for d in documents]
    assert originality == sorted(originality)
    assert documents[-1]["id"] == "王五.txt"
    assert documents[-1]["originality"] == 1.0

    for doc in documents:
        text_result = run("text", corpus / doc["id"])
        assert text_result.exit_code == 0
        text = text_result.stdout
        previous_end = 0
        for span in doc["spans"]:
            assert previous_end <= span["start"] < span["end"] <= len(text)
            assert span["label"] in {"reuse", "template", "boilerplate"}
            previous_end = span["end"]
        assert abs(sum(doc[k] for k in ("originality", "reuse", "template", "boilerplate")) - 1) < 1e-3
        assert doc["sections"], doc["id"]
        for section in doc["sections"]:
            assert 0 <= section["start"] < section["end"] <= len(text)
            shares = sum(section[k] for k in ("originality", "reuse", "template", "boilerplate"))
            assert abs(shares - 1) < 1e-3, (doc["id"], section["title"])


def test_scan_json_reuse_and_template_matches_name_their_files(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """The reuse match links the two copying files; the template match's b side is 'templates/党委模板.txt'."""
    corpus = write_corpus(tmp_path / "corpus", copying_files())
    data = scan_json(corpus)
    texts = {d["id"]: run("text", corpus / d["id"]).stdout for d in data["documents"]}
    texts["templates/党委模板.txt"] = run("text", corpus / "templates" / "党委模板.txt").stdout

    reuse = [m for m in data["matches"] if m["kind"] == "reuse"]
    assert len(reuse) == 1
    match = reuse[0]
    assert {match["a"]["doc"], match["b"]["doc"]} == {"张三-对照检查材料.txt", "李四_对照检查材料.txt"}
    for side in (match["a"], match["b"]):
        assert COPIED[5:-5] in texts[side["doc"]][side["start"] : side["end"]]

    template = [m for m in data["matches"] if m["kind"] == "template"]
    assert len(template) == 1
    assert template[0]["a"]["doc"] == "赵六.md"
    assert template[0]["b"]["doc"] == "templates/党委模板.txt"
    b = template[0]["b"]
    assert TEMPLATE[5:-5] in texts["templates/党委模板.txt"][b["start"] : b["end"]]

    assert data["pairs"] == [
        {
            "members": ["张三", "李四"],
            "chars": data["pairs"][0]["chars"],
            "shares": data["pairs"][0]["shares"],
            "matches": 1,
        }
    ]
    assert min(data["pairs"][0]["chars"]) >= len(COPIED) - 10
    by_id = {d["id"]: d for d in data["documents"]}
    assert by_id["张三-对照检查材料.txt"]["top_partner"] == "李四"
    assert by_id["李四_对照检查材料.txt"]["top_partner"] == "张三"
    assert by_id["赵六.md"]["template"] > 0.3
    assert "templates/党委模板.txt" not in by_id


def test_scan_template_option_outside_corpus_labels_template_text(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """--template FILE outside the corpus labels the member text copied from it as template, not reuse."""
    corpus = write_corpus(
        tmp_path / "corpus",
        {
            "张三.txt": report(("一、基本情况", TEMPLATE), ("二、理论学习方面", STUDY)),
            "李四.txt": report(("一、基本情况", TEMPLATE), ("二、担当作为方面", INITIATIVE)),
        },
    )
    official = write_corpus(tmp_path / "official", {"党委模板.txt": TEMPLATE + "\n"})
    template = official / "党委模板.txt"
    data = scan_json(corpus, "--template", template)
    assert {d["id"] for d in data["documents"]} == {"张三.txt", "李四.txt"}
    for doc in data["documents"]:
        assert doc["template"] > 0.4
        assert doc["reuse"] == 0.0
        assert [s["label"] for s in doc["spans"]] == ["template"]
    assert {m["kind"] for m in data["matches"]} == {"template"}
    assert {m["b"]["doc"] for m in data["matches"]} == {template.as_posix()}
    assert data["pairs"] == []


def test_scan_without_template_option_counts_shared_template_as_reuse(
    tmp_path: Path, write_corpus: WriteCorpus
) -> None:
    """Without --template the same shared template text is reuse between the two members."""
    corpus = write_corpus(
        tmp_path / "corpus",
        {
            "张三.txt": report(("一、基本情况", TEMPLATE), ("二、理论学习方面", STUDY)),
            "李四.txt": report(("一、基本情况", TEMPLATE), ("二、担当作为方面", INITIATIVE)),
        },
    )
    data = scan_json(corpus)
    assert {m["kind"] for m in data["matches"]} == {"reuse"}
    assert [p["members"] for p in data["pairs"]] == [["张三", "李四"]]


# --- scan: output destinations and evidence -------------------------------------------------------------


def test_scan_output_writes_json_file(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """--output file.json writes the JSON report there (UTF-8, Chinese unescaped) and not to stdout."""
    corpus = write_corpus(tmp_path / "corpus", copying_files())
    target = tmp_path / "结果.json"
    result = run("scan", corpus, "--format", "json", "--output", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    raw = target.read_text(encoding="utf-8")
    assert "张三-对照检查材料.txt" in raw
    data = json.loads(raw)
    assert data["schema"] == "dupcheck.report/3"
    assert len(data["documents"]) == 4


def test_scan_output_writes_csv_folder(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """--format csv --output DIR creates DIR with the four CSV files and says so on stderr."""
    corpus = write_corpus(tmp_path / "corpus", copying_files())
    target = tmp_path / "结果" / "csv"
    result = run("scan", corpus, "--format", "csv", "--output", target)
    assert result.exit_code == 0
    assert sorted(p.name for p in target.iterdir()) == ["documents.csv", "pairs.csv", "passages.csv", "sections.csv"]
    assert result.stderr.startswith("wrote ")
    assert str(target / "documents.csv") in result.stderr


def test_scan_output_in_missing_folder_is_created(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """--output in a folder that does not exist yet is written (its folder created), as for CSV."""
    corpus = write_corpus(tmp_path / "corpus", clean_files())
    target = tmp_path / "结果" / "report.json"
    result = run("scan", corpus, "--format", "json", "--output", target)
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "dupcheck.report/3"


def test_scan_evidence_prints_copied_passage(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """--evidence prints each shared passage's text and where it stands in both documents."""
    corpus = write_corpus(tmp_path / "corpus", copying_files())
    plain = run("scan", corpus)
    assert COPIED[:60] not in plain.stdout
    assert "2 passages found; --evidence shows them." in plain.stdout

    result = run("scan", corpus, "--evidence")
    assert result.exit_code == 0
    out = result.stdout
    assert "Evidence (each passage, then where it stands in the other text)" in out
    assert "[1] reuse, similarity 100.0%" in out
    assert "[2] template, similarity 100.0%" in out
    assert out.count(COPIED[:100]) == 2
    assert TEMPLATE[:100] in out
    evidence_lines = [line for line in out.splitlines() if COPIED[:100] in line]
    assert any(line.lstrip().startswith("张三-对照检查材料.txt ") for line in evidence_lines)
    assert any(line.lstrip().startswith("李四_对照检查材料.txt ") for line in evidence_lines)


def test_scan_members_by_folder_files_of_one_member_do_not_pair(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """--members-by folder: two files in one member's folder sharing a paragraph are not reuse."""
    files = {
        "张三/发言提纲.txt": report(("一、理论学习方面", STUDY), ("二、联系群众方面", COPIED)),
        "张三/对照检查材料.txt": report(("一、担当作为方面", INITIATIVE), ("二、联系群众方面", COPIED)),
        "李四/对照检查材料.txt": report(("一、作风建设方面", STYLE), ("二、廉洁自律方面", INTEGRITY)),
    }
    corpus = write_corpus(tmp_path / "corpus", files)

    by_file = scan_json(corpus, "--members-by", "file")
    assert [p["members"] for p in by_file["pairs"]] == [["发言提纲", "对照检查材料"]]
    by_name = scan_json(corpus)  # the folder names the person: two files of 张三 are versions of one report
    assert [d["member"] for d in by_name["documents"]] == ["张三", "李四"] and by_name["pairs"] == []

    by_folder = scan_json(corpus, "--members-by", "folder")
    assert by_folder["pairs"] == []
    assert [m for m in by_folder["matches"] if m["kind"] == "reuse"] == []
    members = {d["id"]: d["member"] for d in by_folder["documents"]}
    assert members == {"张三/发言提纲.txt": "张三", "张三/对照检查材料.txt": "张三", "李四/对照检查材料.txt": "李四"}
    assert all(d["originality"] == 1.0 for d in by_folder["documents"])


# --- help -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["scan", "--help"], ["text", "--help"]])
def test_help_exits_0(args: list[str]) -> None:
    """--help of the group and of each command exits 0 with a usage line."""
    result = run(*args)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")


def test_every_command_has_help_text() -> None:
    """Every command has a docstring, shown in its own --help and summarised in the group's --help."""
    group_help = run("--help").stdout
    assert set(cli.commands) == {"scan", "index", "check", "members", "text", "serve"}
    for name, command in cli.commands.items():
        assert command.help and command.help.strip(), name
        listed = next(line.split() for line in group_help.splitlines() if line.split()[:1] == [name])
        assert listed[1:4] == command.help.split()[:3], name
        own_help = " ".join(run(name, "--help").stdout.split())
        assert " ".join(command.help.split("\n\n")[0].split()) in own_help, name


# --- text -----------------------------------------------------------------------------------------------


def test_text_prints_gb18030_file_exactly(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """`dupcheck text` prints a GB18030 file's decoded text exactly, with no newline added."""
    content = report(("一、理论学习方面", STUDY), ("二、整改措施", MEASURES))
    folder = write_corpus(tmp_path / "corpus", {"张三-对照检查材料.txt": content}, encoding="gb18030")
    path = folder / "张三-对照检查材料.txt"
    assert path.read_bytes() == content.encode("gb18030")
    result = run("text", path)
    assert result.exit_code == 0
    assert result.stdout == content
    assert result.stderr == ""


def test_text_prints_docx_paragraphs_joined_by_newlines(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """`dupcheck text` of a .docx prints its paragraphs joined by single newlines."""
    folder = write_corpus(tmp_path / "corpus", {"李四.docx": docx_bytes("一、作风建设方面", STYLE)})
    result = run("text", folder / "李四.docx")
    assert result.exit_code == 0
    assert result.stdout == f"一、作风建设方面\n{STYLE}"


def test_text_and_scan_say_what_a_docx_hid(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """`dupcheck text` prints a .docx without its hidden text and names the flag on stderr; `scan` lists it."""
    document = docx.Document()
    paragraph = document.add_paragraph(STYLE[:60])
    paragraph.add_run("藏起来的字").font.hidden = True
    paragraph.add_run(STYLE[60:])
    buffer = io.BytesIO()
    document.save(buffer)
    folder = write_corpus(tmp_path / "corpus", {"李四.docx": buffer.getvalue(), "张三.txt": STUDY})
    result = run("text", folder / "李四.docx")
    assert (result.exit_code, result.stdout) == (0, STYLE)
    assert result.stderr == f"flag: {folder / '李四.docx'}: hidden text removed: 5 characters\n"
    scanned = run("scan", folder)
    assert scanned.exit_code == 0
    lines = scanned.stdout.splitlines()
    at = lines.index("Integrity flags (what a file hides from its reader or dresses up)")
    assert lines[at + 3].split() == ["李四", "李四.docx", "hidden", "text", "removed:", "5", "characters"]
    assert lines[at + 4] == ""


def test_text_missing_file_exits_1(tmp_path: Path) -> None:
    """`dupcheck text` of a missing file exits 1 with an 'error:' line naming it."""
    missing = tmp_path / "没有的文件.txt"
    result = run("text", missing)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {missing}: cannot read file")
    assert len(result.stderr.splitlines()) == 1


def test_text_prints_escape_characters_unchanged(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """`dupcheck text` prints a text with a stray ESC sequence exactly as read (offsets index this text)."""
    content = STUDY + "\x1b[31m" + MEASURES + "\n"
    folder = write_corpus(tmp_path / "corpus", {"张三.txt": content})
    assert run("scan", folder).exit_code == 0  # dupcheck reads the file, escape and all
    result = run("text", folder / "张三.txt")
    assert result.exit_code == 0
    assert result.stdout == content


def test_text_on_a_terminal_shows_escape_characters_escaped_and_keeps_its_lines(
    tmp_path: Path, write_corpus: WriteCorpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the text is read by a person, and the terminal would obey it: ESC, C1 CSI, a bidi override and
    a carriage return are shown escaped; lines, tabs and the Chinese are as they are."""
    content = STUDY + "\x1b]0;标题\x07\x9b2J\u202e\r\n\t" + MEASURES + "\n"
    folder = write_corpus(tmp_path / "corpus", {"张三.txt": content})
    terminal = FakeTerminal(True)
    monkeypatch.setattr(cli_module, "_stdout", lambda: terminal)
    result = run("text", folder / "张三.txt")
    assert result.exit_code == 0
    assert terminal.getvalue() == STUDY + "\\x1b]0;标题\\x07\\x9b2J\\u202e\\r\n\t" + MEASURES + "\n"


def test_version_option() -> None:
    """--version exits 0 and names the program."""
    result = run("--version")
    assert result.exit_code == 0
    assert "version" in result.stdout


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(("tty", "quiet", "shown"), [(True, False, True), (True, True, False), (False, False, False)])
def test_progress_bar_only_on_a_terminal_and_not_with_quiet(
    monkeypatch: pytest.MonkeyPatch, tty: bool, quiet: bool, shown: bool
) -> None:
    terminal = FakeTerminal(tty)
    monkeypatch.setattr(cli_module, "_stderr", lambda: terminal)
    result = run("scan", EXAMPLE_CORPUS, *(["--quiet"] if quiet else []))
    assert result.exit_code == 0
    drawn = terminal.getvalue()
    assert ("[" in drawn and "/" in drawn) == shown
    if shown:
        for stage in ("reading", "aligning"):  # a scan fingerprints while it reads
            assert stage in drawn
        assert drawn.endswith("\r\x1b[K")  # cleared before the table is printed


def test_progress_bar_redraws_at_most_ten_times_a_second_but_always_at_the_end() -> None:
    terminal = FakeTerminal(True)
    bar = cli_module.ProgressBar(terminal, enabled=True)
    for n in range(1, 1001):
        bar("reading", n, 1000)
    assert terminal.getvalue().count("\r") <= 3 and "1000/1000" in terminal.getvalue()


def test_scan_html_writes_one_self_contained_page(tmp_path: Path) -> None:
    page = tmp_path / "out" / "report.html"
    result = run("scan", EXAMPLE_CORPUS, "--html", page)
    assert result.exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in html and 'id="dupcheck-data"' in html
    assert "src=" not in html.split('id="dupcheck-data"')[0]  # nothing fetched from elsewhere
    assert f"wrote {page}" in result.output
    english = tmp_path / "en.html"
    assert run("scan", EXAMPLE_CORPUS, "--html", english, "--lang", "en").exit_code == 0
    assert 'lang="en"' in english.read_text(encoding="utf-8")


def test_scan_html_over_the_size_limit_writes_a_folder_and_says_so(tmp_path: Path) -> None:
    page = tmp_path / "out" / "report.html"
    result = run("scan", EXAMPLE_CORPUS, "--html", page, "--html-max-mb", "0.05")
    assert result.exit_code == 0 and not page.exists()
    folder = tmp_path / "out" / "report"
    assert sorted(p.name for p in folder.iterdir()) == ["data", "index.html"]
    assert sorted(p.name for p in (folder / "data").iterdir()) == ["0000.js"]
    assert 'id="dupcheck-data"' in (folder / "index.html").read_text(encoding="utf-8")
    assert f"wrote the folder {folder}: the report is 0.1 MB, over --html-max-mb 0.05" in result.output
    assert f"open {folder / 'index.html'} and keep the folder whole" in result.output
    # Written again: the folder replaced whole; a small report is one file again, the folder left alone.
    (folder / "data" / "0000.js").write_text("old", encoding="utf-8")
    assert run("scan", EXAMPLE_CORPUS, "--html", page, "--html-max-mb", "0.05").exit_code == 0
    assert (folder / "data" / "0000.js").read_text(encoding="utf-8").startswith("dupcheckChunk(0,")
    assert run("scan", EXAMPLE_CORPUS, "--html", page).exit_code == 0 and page.is_file() and folder.is_dir()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report", "report.html"]  # no temporary left


def test_a_folder_of_other_files_where_the_report_folder_goes_is_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "笔记.txt").write_text("mine", encoding="utf-8")
    result = run("scan", EXAMPLE_CORPUS, "--html", tmp_path / "report.html", "--html-max-mb", "0")
    assert result.exit_code == 1
    assert f"Error: {folder}: exists and is not a report folder dupcheck wrote" in result.output
    assert [p.name for p in folder.iterdir()] == ["笔记.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_html_inside_the_corpus_or_onto_a_folder_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "甲.txt").write_text(STUDY, encoding="utf-8")
    inside = run("scan", corpus, "--html", corpus / "report.html")
    assert inside.exit_code == 2 and "inside the corpus" in inside.output
    assert not (corpus / "report.html").exists()
    assert run("scan", corpus, "--html", tmp_path).exit_code == 2


def test_check_html_shows_the_draft(tmp_path: Path) -> None:
    page = tmp_path / "draft.html"
    draft = EXAMPLE_CORPUS / "综合办公室" / "王建国.txt"
    result = run("check", draft, "--against", EXAMPLE_CORPUS, "--html", page)
    assert result.exit_code == 0 and page.is_file()
    assert "王建国" in page.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------
# A full disk: one line naming the file, exit 1, the previous output as it was and no temporary left


def _small_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name, text in {"甲.txt": STUDY + INITIATIVE, "乙.txt": STUDY + STYLE, "丙.txt": SERVICE + MEETINGS}.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


OUTPUTS = {
    # name: (arguments after the corpus or draft, the files written, what the command is)
    "scan --html": (["--html", "{out}/r.html"], ["r.html"], "scan"),
    "scan --output": (["--format", "json", "--output", "{out}/r.json"], ["r.json"], "scan"),
    "scan --format csv": (["--format", "csv", "--output", "{out}"], list(CSV_FILES), "scan"),
    "scan --format xlsx": (["--format", "xlsx", "--output", "{out}/r.xlsx"], ["r.xlsx"], "scan"),
    "check --output": (["--against", "{corpus}", "--output", "{out}/d.txt"], ["d.txt"], "check"),
    "check --html": (["--against", "{corpus}", "--html", "{out}/d.html"], ["d.html"], "check"),
    "members --format csv": (["--format", "csv", "--output", "{out}/m.csv"], ["m.csv"], "members"),
}


def _output_command(name: str, corpus: Path, out: Path) -> tuple[list[str], list[Path]]:
    options, files, command = OUTPUTS[name]
    target = corpus / "甲.txt" if command == "check" else corpus
    args = [command, str(target), *(o.format(out=out, corpus=corpus) for o in options)]
    return args, [out / f for f in files]


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_an_output_on_a_full_disk_is_one_line_and_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    corpus, out = _small_corpus(tmp_path), tmp_path / "out"
    args, files = _output_command(name, corpus, out)
    assert run(*args).exit_code == 0
    before = {f: f.read_bytes() for f in files}
    assert all(before.values())

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs.os, "fsync", full)  # the disk fills while the new file is written out
    result = run(*args)
    assert result.exit_code == 1, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert line.endswith(": no space left on device") and str(files[0]) in line
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert {f: f.read_bytes() for f in files} == before
    assert sorted(p.name for p in out.iterdir()) == sorted(f.name for f in files)  # no temporary left


def test_outputs_on_a_real_full_file_system(tmp_path: Path) -> None:
    """The same on a small tmpfs filled to the last byte (where this test may mount one)."""
    corpus, mount = _small_corpus(tmp_path), tmp_path / "small"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        for name in OUTPUTS:
            out = mount / name.replace(" ", "_")
            args, files = _output_command(name, corpus, out)
            assert run(*args).exit_code == 0, name
            before = {f: f.read_bytes() for f in files}
            filler = mount / "filler"
            with contextlib.suppress(OSError), filler.open("ab", buffering=0) as handle:
                while True:
                    handle.write(b"\0" * 4096)
            result = run(*args)
            assert result.exit_code == 1, (name, result.output)
            (line,) = [line for line in result.output.splitlines() if line.startswith("Error: ")]
            assert line.startswith(f"Error: {out}") and line.endswith(": no space left on device"), name
            assert {f: f.read_bytes() for f in files} == before, name
            assert sorted(p.name for p in out.iterdir()) == sorted(f.name for f in files), name
            filler.unlink()
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)  # even with a file still open in it


def test_csv_output_naming_an_existing_file_is_a_usage_error(tmp_path: Path) -> None:
    """Four files cannot go into a file: one line, exit 2, the file as it was (it ended in FileExistsError)."""
    corpus, taken = _small_corpus(tmp_path), tmp_path / "results.csv"
    taken.write_text("a file of the user's", encoding="utf-8")
    result = run("scan", corpus, "--format", "csv", "--output", taken)
    assert result.exit_code == 2 and result.exception is not None and "Traceback" not in result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert line == f"Error: --output '{taken}' is a file; --format csv writes four files: name a folder"
    assert taken.read_text(encoding="utf-8") == "a file of the user's"


# --- help texts say what the code does ------------------------------------------------------------------


def _help(command: str, option: str) -> str:
    (param,) = [p for p in cli.commands[command].params if option in getattr(p, "opts", ())]
    return " ".join((param.help or "").split())


def test_scan_help_names_every_format_that_is_read() -> None:
    shown = " ".join((cli.commands["scan"].help or "").split())
    assert all(suffix in shown for suffix in SUPPORTED_SUFFIXES), shown


def test_members_by_file_help_names_the_separators_the_file_name_is_cut_at() -> None:
    from dupcheck.corpus import _NAME_END

    cut_at = {chr(c) for c in range(0x10000) if _NAME_END.fullmatch(chr(c))}
    named = {c for c in cut_at if not c.isspace()}
    assert named == {"-", "_", "—", "–", "－"} and all(f"'{c}'" in _help("scan", "--members-by") for c in named)
    assert "whitespace" in _help("scan", "--members-by") and {" ", "\t", "\u3000"} <= cut_at
    assert member_from_name("张三－对照检查材料.txt") == "张三" and member_from_name("张三+材料.txt") == "张三+材料"


def test_max_chars_help_says_when_a_text_file_is_refused_unread(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    """'A text file over 4 × N bytes is refused unread': at 4 × N + 5 bytes by its size, never decoded; at 4 × N
    + 2 it is read, and refused by its characters."""
    assert "A text file over 4 × N bytes is refused unread" in _help("scan", "--max-chars")
    files = {**clean_files(), "长.txt": "字" * 15, "短.txt": "字" * 14}  # 45 and 42 bytes of UTF-8
    result = run("scan", write_corpus(tmp_path / "corpus", files), "--max-chars", "10")
    assert result.exit_code == 1
    assert "error: 长.txt: too large: 45 bytes (over --max-chars 10 characters)" in result.stderr.splitlines()
    assert "error: 短.txt: too large: 14 characters (over --max-chars 10)" in result.stderr.splitlines()


def test_each_command_explains_its_own_index_option() -> None:
    assert "made one" not in _help("index", "--index") and "$DUPCHECK_INDEX_DIR" in _help("index", "--index")
    assert "'dupcheck index CORPUS' made one" in _help("scan", "--index")
    check_options = {o for p in cli.commands["check"].params for o in getattr(p, "opts", ())}
    assert "--index" not in check_options and "check has no --index" in _help("check", "--against")
