"""Tests for dupcheck.export: CSV safety and encoding, the terminal table, and flagged sections."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dupcheck.export import (
    CSV_FILES,
    _json_pieces,
    flagged_sections,
    percent,
    render_check,
    render_members,
    render_table,
    write_csv,
    write_json,
)
from dupcheck.members import MemberRow, Membership
from dupcheck.report import (
    CopyResult,
    DocumentResult,
    GroupResult,
    MatchResult,
    PairResult,
    Report,
    SectionResult,
    Shares,
    Side,
)
from dupcheck.scan import scan

WriteCorpus = Callable[..., Path]  # the write_corpus fixture from conftest.py

# Paragraphs of self-review material (对照检查材料), each written for these tests and distinct from the others.
STUDY = (
    "对照党章党规，我在政治理论学习上存在以干代学的倾向。今年上半年支部安排的十二次专题学习，我有三次因出差请假，"
    "事后也没有及时补学，学习强国积分长期处于支部后几名。读书时偏爱看解读文章，对原著原文下的功夫不深，讲起新思想"
    "新观点来只能说个大概，用来指导项目管理实践更是力不从心。今后我要给自己定下硬指标，每天固定半小时研读原文。"
)
DISCIPLINE = (
    "在遵守组织纪律方面，我对请示报告制度执行得不够严格。八月份调整工程分包方案时，我认为属于技术细节，只在微信群"
    "里说了一声，没有形成书面请示，事后被审计指出程序瑕疵。这件事表面上是图省事，实质上是规矩意识淡薄，把个人"
    "判断凌驾于组织程序之上。我已向支部作了书面说明，并把重大事项报告清单打印出来放在案头，逐项对照执行。"
)
CARE = (
    "关心关爱职工方面做得还不够。班组里有两名同志家中老人长期生病，我虽然知道情况，但只是在节日前去慰问过一次，"
    "没有帮助协调排班和休假，也没有向工会申请困难补助。直到其中一位同志因为连续值班身体透支请了病假，我才意识到"
    "问题的严重性。这反映出我对职工的冷暖关心不够主动，把带队伍简单理解为抓任务、盯指标，缺少温度。"
)
INNOVATION = (
    "创新意识不强，工作方法守旧。配网抢修还沿用电话派单、纸质记录的老办法，兄弟单位早已推广移动作业终端，我却"
    "担心增加培训负担、影响抢修时效而迟迟没有跟进，结果今年夏季高峰期间平均到达现场时间比兄弟单位多出十五分钟。"
    "今后我要主动到先进单位取经，年内完成移动终端在本班组的全面试点，并把抢修时效纳入月度考核。"
)
# The paragraph two members share; it starts like a spreadsheet formula.
COPIED = (
    "=cmd|' /C calc'!A0 在落实全面从严治党主体责任方面，我存在重业务轻党建的思想，认为党建工作是软任务，"
    "安排部署时往往一带而过。支部的党员活动室去年有四个月没有开展主题党日，党员发展工作也一度停滞，两名入党积极"
    "分子的培养考察记录出现空档。说到底，是我没有真正把抓好党建作为最大的政绩，一岗双责落实得不到位，今后要把"
    "党建和业务同谋划、同部署、同考核，每季度至少讲一次专题党课。"
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def report_text(*sections: tuple[str, str]) -> str:
    return "".join(f"{heading}\n{body}\n" for heading, body in sections)


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def shares(originality: float, reuse: float = 0.0) -> Shares:
    return Shares(originality=originality, reuse=reuse, template=0.0, boilerplate=1 - originality - reuse)


def section(title: str, start: int, end: int, originality: float, chars: int = 10, level: int = 1) -> SectionResult:
    return SectionResult(title=title, level=level, start=start, end=end, chars=chars, shares=shares(originality))


def document(sections: list[SectionResult]) -> DocumentResult:
    return DocumentResult(
        id="张三.txt", member="张三", unit="", chars=100, shares=shares(0.5), sections=sections, spans=[]
    )


# --- write_csv on a real scan ---------------------------------------------------------------------------


@pytest.fixture
def scanned(tmp_path: Path, write_corpus: WriteCorpus) -> Report:
    """A scan where '=HYPERLINK.txt' and '张三.txt' share a paragraph starting with '=cmd|'."""
    corpus = write_corpus(
        tmp_path / "corpus",
        {
            "=HYPERLINK.txt": report_text(("一、理论学习方面", STUDY), ("二、党建责任方面", COPIED)),
            "张三.txt": report_text(("一、组织纪律方面", DISCIPLINE), ("二、主体责任方面", COPIED)),
            "综合办公室/李四-对照检查材料.txt": report_text(
                ("一、关心职工方面", CARE), ("二、创新意识方面", INNOVATION)
            ),
        },
    )
    return scan(corpus, membership=Membership(by="file"))  # '=HYPERLINK' is the member, a cell to neutralise


def test_write_csv_writes_four_files_with_bom(scanned: Report, tmp_path: Path) -> None:
    """write_csv creates the folder and writes the four CSV files, each starting with the UTF-8 BOM."""
    folder = tmp_path / "结果" / "csv"
    written = write_csv(scanned, folder, threshold=0.7)
    assert written == [folder / name for name in CSV_FILES]
    assert sorted(p.name for p in folder.iterdir()) == sorted(CSV_FILES)
    for path in written:
        raw = path.read_bytes()
        assert raw.startswith(codecs.BOM_UTF8), path.name
        assert not raw[3:].startswith(codecs.BOM_UTF8), path.name
        raw.decode("utf-8-sig")  # the rest is UTF-8


def _readme_csv_columns() -> dict[str, list[str]]:
    """The columns of each CSV file, from the README's table."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\w+\.csv) \| ([^|]+) \|$", readme, flags=re.M)
    return {name: [c.strip() for c in columns.split(",")] for name, columns in rows}


README_CSV_COLUMNS = _readme_csv_columns()


def test_write_csv_headers_and_rows(scanned: Report, tmp_path: Path) -> None:
    """Each CSV reads back with the csv module (utf-8-sig) with the documented header and one row per item."""
    write_csv(scanned, tmp_path / "out", threshold=0.7)
    tables = {name: read_csv(tmp_path / "out" / name) for name in CSV_FILES}
    for name in CSV_FILES:  # the header is the one the README documents
        assert tables[name][0] == README_CSV_COLUMNS[name], name
    assert len(tables["documents.csv"]) == 1 + len(scanned.documents) == 4
    assert len(tables["sections.csv"]) == 1 + sum(len(d.sections) for d in scanned.documents)
    assert len(tables["pairs.csv"]) == 1 + len(scanned.pairs) == 2
    assert len(tables["passages.csv"]) == 1 + len(scanned.matches) == 2

    documents = {row[0]: dict(zip(tables["documents.csv"][0], row, strict=True)) for row in tables["documents.csv"][1:]}
    li_si = documents["综合办公室/李四-对照检查材料.txt"]
    assert (li_si["member"], li_si["unit"], li_si["originality"]) == ("李四", "综合办公室", "1.0")
    zhang_san = documents["张三.txt"]
    assert zhang_san["top_partner"] == "'=HYPERLINK"
    assert 0.2 < float(zhang_san["reuse"]) < 0.6
    assert zhang_san["flagged_sections"] == "二、主体责任方面"


def test_write_csv_neutralises_formula_cells(scanned: Report, tmp_path: Path) -> None:
    """A member file '=HYPERLINK.txt' and a copied '=cmd|' passage never reach a CSV as a live formula."""
    write_csv(scanned, tmp_path / "out", threshold=0.7)
    tables = {name: read_csv(tmp_path / "out" / name) for name in CSV_FILES}

    documents = tables["documents.csv"]
    hyperlink = next(row for row in documents if "HYPERLINK.txt" in row[0])
    assert hyperlink[:2] == ["'=HYPERLINK.txt", "'=HYPERLINK"]
    assert tables["pairs.csv"][1][:2] == ["'=HYPERLINK", "张三"]
    assert {row[0] for row in tables["sections.csv"][1:] if "HYPERLINK" in row[0]} == {"'=HYPERLINK.txt"}

    passage = dict(zip(tables["passages.csv"][0], tables["passages.csv"][1], strict=True))
    assert passage["kind"] == "reuse"
    assert {passage["document_a"], passage["document_b"]} == {"'=HYPERLINK.txt", "张三.txt"}
    for key in ("text_a", "text_b"):
        assert "在落实全面从严治党主体责任方面" in passage[key]
        assert not passage[key].startswith(FORMULA_STARTS)

    for name, rows in tables.items():
        for row in rows:
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS), (name, cell)


def test_write_csv_neutralises_passage_text_starting_with_formula(tmp_path: Path) -> None:
    """A passage whose text starts with '=cmd|' is written to passages.csv with a leading apostrophe."""
    text_a = "=cmd|' /C calc'!A0 本人理论学习不够深入"
    text_b = "-2+3 本人理论学习不够深入"
    result = Report(
        documents=[],
        matches=[MatchResult("reuse", 0.9, Side("张三.txt", 0, len(text_a)), Side("@李四.txt", 0, len(text_b)))],
        pairs=[],
        groups=[],
        errors=[],
        settings={},
        texts={"张三.txt": text_a, "@李四.txt": text_b},
    )
    write_csv(result, tmp_path, threshold=0.7)
    rows = read_csv(tmp_path / "passages.csv")
    assert rows[1] == [
        "reuse",
        "0.9",
        "张三.txt",
        "0",
        str(len(text_a)),
        "'" + text_a,
        "'@李四.txt",
        "0",
        str(len(text_b)),
        "'" + text_b,
    ]


# --- render_table ---------------------------------------------------------------------------------------


def test_render_table_lists_members_and_percentages(scanned: Report) -> None:
    """The table names every member and document with its originality, reuse and partner as percentages."""
    table = render_table(scanned, threshold=0.7)
    assert table.startswith("Documents (3), least original first\n")
    for doc in scanned.documents:
        row = next(line for line in table.splitlines() if doc.id in line)
        assert row.split()[0] == doc.member
        assert percent(doc.shares.originality) in row
        assert percent(doc.shares.reuse) in row
    zhang_san = next(d for d in scanned.documents if d.id == "张三.txt")
    assert f"=HYPERLINK ({percent(zhang_san.top_partner_share)})" in table
    assert "Members who share the most text" in table
    assert "sections below 70.0%" in table
    assert "1 passages found; --evidence shows them." in table


def test_render_table_evidence_shows_passage_text(scanned: Report) -> None:
    """With evidence=True the table prints the shared passage's text for both documents."""
    table = render_table(scanned, threshold=0.7, evidence=True)
    assert "[1] reuse, similarity 100.0%" in table
    assert table.count("在落实全面从严治党主体责任方面，我存在重业务轻党建的思想") == 2


# --- what reaches the terminal --------------------------------------------------------------------------

# What a terminal acts on (retitle, clear, recolour, overwrite, reverse, break a line) and how it must be shown.
OBEYED = {
    "\x1b]0;标题\x07": "\\x1b]0;标题\\x07",
    "\x1b[2J": "\\x1b[2J",
    "\x9b31m": "\\x9b31m",
    "\r": "\\r",
    "\x08\x08": "\\x08\\x08",
    "\u202e": "\\u202e",
    "\u2028": "\\u2028",
    "\x7f": "\\x7f",
    "\n": "\\n",
}
EVERY = "".join(OBEYED)


def raw_controls(output: str) -> list[str]:
    """Characters in ``output`` a terminal would act on or hide, newlines between lines aside."""
    return [c for c in output if c != "\n" and (unicodedata.category(c)[0] == "C" or c in "\u2028\u2029")]


def assert_shown_escaped(output: str, times: int = 1) -> None:
    assert raw_controls(output) == []
    for escaped in OBEYED.values():
        assert output.count(escaped) >= times, escaped


def hostile_report() -> Report:
    """Every part of the table filled, every name, title and passage holding every kind of control."""
    a_id, b_id, c_id = f"甲{EVERY}.txt", f"乙{EVERY}.txt", f"丙{EVERY}.txt"
    text = f"前言{EVERY}在落实主体责任方面存在差距{EVERY}。"
    low = SectionResult(f"一、问题{EVERY}", 1, 0, len(text), len(text), shares(0.1, 0.9))

    def doc(doc_id: str, member: str) -> DocumentResult:
        return DocumentResult(
            id=doc_id,
            member=member,
            unit="",
            chars=len(text),
            shares=Shares(0.1, 0.5, 0.1, 0.1, self_=0.1, collective=0.1),
            sections=(low,),
            spans=(),
            top_partner=f"乙{EVERY}",
            top_partner_share=0.5,
            earlier_versions=(f"旧{EVERY}.txt",),
        )

    side_a, side_b, side_c = (Side(d, 0, len(text)) for d in (a_id, b_id, c_id))
    return Report(
        documents=[doc(a_id, f"甲{EVERY}"), doc(b_id, f"乙{EVERY}"), doc(c_id, "007")],
        matches=[MatchResult("reuse", 1.0, side_a, side_b)],
        pairs=[PairResult(f"甲{EVERY}", f"乙{EVERY}", 10, 10, 0.5, 0.5, 1)],
        groups=[GroupResult((f"甲{EVERY}", f"乙{EVERY}", "007"), (side_a, side_b, side_c))],
        errors=[],
        settings={},
        copies=[CopyResult((a_id, b_id), (f"甲{EVERY}", f"乙{EVERY}"), (0.9, 0.9))],
        texts={a_id: text, b_id: text, c_id: text},
        members={a_id: f"甲{EVERY}", b_id: f"乙{EVERY}", c_id: "007"},
        outlines={d: [(0, len(text), low.title)] for d in (a_id, b_id, c_id)},
    )


def test_render_table_shows_every_control_escaped_in_every_part() -> None:
    """Copies, documents, collective, earlier versions, pairs, groups and evidence: no control reaches the
    terminal raw, and each is shown as its escape."""
    report = hostile_report()
    table = render_table(report, threshold=0.7, evidence=True)
    assert_shown_escaped(table)
    for title in ("Whole-report copies", "Members who repeat", "Earlier versions", "Members who share", "Groups"):
        assert title in table
    evidence = table.split("Evidence (each passage")[1]
    assert_shown_escaped(evidence)  # the evidence's names and passages themselves


def test_render_table_shows_members_named_like_numbers_as_written() -> None:
    """Members '007' and '1e3' are shown as written (tabulate alone reads a column of such names as the numbers 7
    and 1000); the numbers we put in stay numbers, aligned right."""

    def doc(member: str) -> DocumentResult:
        return DocumentResult(
            id=f"{member}.txt", member=member, unit="", chars=5, shares=shares(0.5, 0.5), sections=(), spans=()
        )

    report = Report(
        documents=[doc("007"), doc("1e3")],
        matches=[],
        pairs=[PairResult("007", "1e3", 12345, 8, 0.5, 0.5, 3)],
        groups=[],
        errors=[],
        settings={},
    )
    table = render_table(report, threshold=0.7)
    assert re.search(r"^007 +007\.txt ", table, flags=re.M) and re.search(r"^1e3 +1e3\.txt ", table, flags=re.M)
    assert re.search(r"^007 +1e3 ", table, flags=re.M)  # the pair
    assert "1000" not in table
    pair_line = next(line for line in table.splitlines() if "12345 (50.0%)" in line)
    header = next(line for line in table.splitlines() if line.endswith("passages"))
    assert pair_line.endswith(" 3") and len(pair_line) == len(header)  # the count, a number, aligned right


def test_render_check_shows_every_control_escaped() -> None:
    report = hostile_report()
    draft = report.documents[0]
    report.documents = [draft]
    checked = render_check(report)
    before, after = checked.split("Where your text comes from")
    assert_shown_escaped(before)  # the draft's name, member, section
    assert_shown_escaped(after)  # where each passage comes from
    assert checked.startswith(f"Draft 甲{''.join(OBEYED.values())}.txt (member 甲")


def test_render_members_shows_every_control_escaped_and_chinese_as_it_is() -> None:
    rows = [
        MemberRow(f"办公室/张{EVERY}.txt", f"张{EVERY}", f"张{EVERY}", "办公室", "personal", f"file name{EVERY}"),
        MemberRow(
            "运维检修部/李晓梅（副主任）：２０２４年度　述职报告.docx",
            "李晓梅",
            "李晓梅",
            "运维检修部",
            "personal",
            "x",
        ),
    ]
    table = render_members(rows)
    assert_shown_escaped(table, times=4)
    assert "运维检修部/李晓梅（副主任）：２０２４年度　述职报告.docx" in table


def test_write_json_escapes_what_a_terminal_obeys_and_reads_back_the_same() -> None:
    """JSON leaves C1 controls, bidi overrides and line separators raw; written as \\u escapes they are harmless
    on a terminal and parse back to the very same names."""
    report = hostile_report()
    out = io.StringIO()
    write_json(report, out)
    assert raw_controls(out.getvalue()) == []
    assert "\\u009b31m" in out.getvalue() and "\\u202e" in out.getvalue()
    assert [d["id"] for d in json.loads(out.getvalue())["documents"]] == [d.id for d in report.documents]
    assert "李晓梅（副主任）：２０２４年度　述职报告" in _json_of("李晓梅（副主任）：２０２４年度　述职报告")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(min_value=0, max_value=10**6).map(lambda x: round(x, 4))  # the report's numbers: four places
    | st.text(),  # lone surrogates, controls, line separators too
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=5))
def test_the_json_report_is_written_in_pieces_as_the_standard_encoder_writes_it_whole(data) -> None:
    """Pieces joined are ``json.dumps(…, ensure_ascii=False, indent=2)``: empty lists and maps, nesting below the
    streamed levels, and strings orjson refuses (a lone surrogate) alike."""
    assert "".join(_json_pieces(data, 0, 2)) == json.dumps(data, ensure_ascii=False, indent=2)


def test_a_large_report_is_written_a_piece_at_a_time() -> None:
    """No piece holds two documents' texts: what is held at once is one report's text, not the whole JSON."""
    texts = {f"成员{n}.txt": "报告正文" * 1000 for n in range(50)}
    pieces = list(_json_pieces({"schema": "x", "texts": texts}, 0, 2))
    assert max(len(piece) for piece in pieces) < 4100
    assert json.loads("".join(pieces))["texts"] == texts


def _json_of(name: str) -> str:
    out = io.StringIO()
    write_json(Report([], [], [], [], [], {"name": name}), out)
    return out.getvalue()


# --- flagged_sections -----------------------------------------------------------------------------------


def test_flagged_sections_skips_children_of_a_flagged_section() -> None:
    """A section inside one already flagged is left out; flagged siblings and their children are kept."""
    part_one = section("一、存在的问题", 0, 100, 0.2)
    child = section("（一）理论学习方面", 10, 50, 0.1, level=2)
    grandchild = section("1.学习不深入", 20, 40, 0.0, level=3)
    part_two = section("二、整改措施", 100, 200, 0.9)
    low_child = section("（一）加强学习", 120, 160, 0.3, level=2)
    deeper = section("1.每周学习", 130, 150, 0.1, level=3)
    doc = document([part_one, child, grandchild, part_two, low_child, deeper])
    assert flagged_sections(doc, 0.7) == [part_one, low_child]


def test_flagged_sections_ignores_empty_and_original_sections() -> None:
    """Sections at or above the threshold, and sections without characters, are not flagged."""
    at_threshold = section("一、基本情况", 0, 10, 0.7)
    empty = section("二、存在的问题", 10, 12, 0.0, chars=0)
    low = section("三、整改措施", 12, 40, 0.5)
    doc = document([at_threshold, empty, low])
    assert flagged_sections(doc, 0.7) == [low]
    assert flagged_sections(doc, 0.5) == []
