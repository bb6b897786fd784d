"""The workbook of ``--format xlsx`` (src/dupcheck/xlsx.py), read back with openpyxl: the CSV files' columns and
values, shares as percentages, a frozen header with a filter, widths that fit Chinese, originality coloured by
--threshold, and no cell that runs as a formula."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from test_export import CARE, COPIED, DISCIPLINE, INNOVATION, STUDY, WriteCorpus, read_csv, report_text

from dupcheck.cli import cli
from dupcheck.export import CSV_FILES, SHARE_COLUMNS, write_csv
from dupcheck.members import Membership
from dupcheck.report import Report
from dupcheck.scan import scan
from dupcheck.xlsx import write_xlsx


@pytest.fixture
def corpus(tmp_path: Path, write_corpus: WriteCorpus) -> Path:
    """'=HYPERLINK.txt' and '张三.txt' share a paragraph; '=HYPERLINK' is a member (with --members-by file)."""
    return write_corpus(
        tmp_path / "corpus",
        {
            "=HYPERLINK.txt": report_text(("一、理论学习方面", STUDY), ("二、党建责任方面", COPIED)),
            "张三.txt": report_text(("一、组织纪律方面", DISCIPLINE), ("二、主体责任方面", COPIED)),
            "综合办公室/李四-对照检查材料.txt": report_text(
                ("一、关心职工方面", CARE), ("二、创新意识方面", INNOVATION)
            ),
        },
    )


@pytest.fixture
def report(corpus: Path) -> Report:
    return scan(corpus, membership=Membership(by="file"))


def cell_as_csv(value: object, csv_cell: str) -> str:
    """A workbook's cell as the CSV file writes it: a number that equals the CSV's, as the CSV's text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        assert float(csv_cell) == value
        return csv_cell
    assert value is None or isinstance(value, str)
    return value or ""


def rows(ws) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_four_sheets_hold_the_csv_files_columns_and_values(report: Report, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_xlsx(report, tmp_path / "结果.xlsx", threshold=0.7))
    assert book.sheetnames == ["documents", "sections", "pairs", "passages"]
    write_csv(report, tmp_path / "csv", threshold=0.7)
    for name in CSV_FILES:
        csv_rows = read_csv(tmp_path / "csv" / name)
        sheet = rows(book[name.removesuffix(".csv")])
        assert [str(v) for v in sheet[0]] == csv_rows[0], name
        # The same cells: numbers as numbers (the CSV's text of them), an empty cell for an empty text.
        assert [
            [cell_as_csv(v, c) for v, c in zip(row, csv_row, strict=True)]
            for row, csv_row in zip(sheet[1:], csv_rows[1:], strict=True)
        ] == csv_rows[1:], name
    documents = book["documents"]
    header = [c.value for c in documents[1]]
    li_si = next(r for r in documents.iter_rows(min_row=2) if r[0].value == "综合办公室/李四-对照检查材料.txt")
    chars = next(d.chars for d in report.documents if d.member == "李四")
    assert (li_si[header.index("chars")].value, li_si[header.index("originality")].value) == (chars, 1.0)


def test_shares_are_numbers_formatted_as_percent_and_the_rest_is_not(report: Report, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx", threshold=0.7))
    for ws in book.worksheets:
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            for name, cell in zip(header, row, strict=True):
                if name in SHARE_COLUMNS:
                    assert cell.data_type == "n" and isinstance(cell.value, float | int), (ws.title, name)
                    assert cell.number_format == "0.0%", (ws.title, name)
                else:
                    assert cell.number_format == "General", (ws.title, name)
    assert {"originality", "similarity", "share_a", "top_partner_share"} <= SHARE_COLUMNS


def test_header_is_frozen_filtered_and_bold(report: Report, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx", threshold=0.7))
    expected = {"documents": "Q", "sections": "O", "pairs": "G", "passages": "J"}  # documents: 17 columns
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{expected[ws.title]}{ws.max_row}", ws.title
        assert all(c.font.b for c in ws[1]), ws.title
    assert book["documents"].max_row == 1 + len(report.documents)


def test_column_widths_count_a_chinese_character_as_two(report: Report, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx", threshold=0.7))
    documents = book["documents"]
    longest = max(len(d.id) + sum(1 for c in d.id if "\u4e00" <= c <= "\u9fff") for d in report.documents)
    assert documents.column_dimensions["A"].width == longest + 2  # '综合办公室/李四-对照检查材料.txt': 14 × 2 + 5
    assert documents.column_dimensions["B"].width == len("=HYPERLINK") + 1 + 2  # with its quote
    assert book["passages"].column_dimensions["F"].width == 60 + 2  # a passage: cut to 60


@pytest.mark.parametrize(("threshold", "below"), [(0.7, "0.7"), (0.95, "0.95")])
def test_originality_is_coloured_below_the_threshold(report: Report, tmp_path: Path, threshold, below) -> None:
    book = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx", threshold=threshold))
    for name, column in (("documents", "F"), ("sections", "H")):
        ws = book[name]
        assert ws[f"{column}1"].value == "originality"
        ((rule_range, (rule,)),) = [(str(cf.sqref), cf.rules) for cf in ws.conditional_formatting]
        assert rule_range == f"{column}2:{column}{ws.max_row}"
        assert (rule.type, rule.operator, rule.formula) == ("cellIs", "lessThan", [below])
        assert rule.dxf.fill.fgColor.rgb.endswith("F4C7C3") or rule.dxf.fill.bgColor.rgb.endswith("F4C7C3")


def test_a_formula_like_name_stays_a_string(report: Report, tmp_path: Path) -> None:
    path = write_xlsx(report, tmp_path / "r.xlsx", threshold=0.7)
    book = openpyxl.load_workbook(path)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if "HYPERLINK" in str(c.value)]
    assert cells and all(c.data_type == "s" and str(c.value).startswith("'=HYPERLINK") for c in cells)
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 4 and not any("<f>" in xml or "<f " in xml for xml in sheets)  # no formula anywhere


def test_text_xml_cannot_hold_is_written_escaped(tmp_path: Path, write_corpus: WriteCorpus) -> None:
    corpus = write_corpus(
        tmp_path / "c",
        {
            "甲\x1b[31m.txt": report_text(("一、方面", STUDY), ("二、方面", COPIED)),
            "乙.txt": report_text(("一、方面", COPIED)),
        },
    )
    book = openpyxl.load_workbook(write_xlsx(scan(corpus), tmp_path / "r.xlsx", threshold=0.7))
    assert "甲\\x1b[31m.txt" in [c.value for c in book["documents"]["A"]]


def run(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_scan_format_xlsx_writes_the_workbook(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "结果" / "查重.xlsx"
    result = run("scan", corpus, "--format", "xlsx", "--output", out, "--threshold", "80", "--members-by", "file")
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    book = openpyxl.load_workbook(out)
    assert book["documents"].conditional_formatting and [p.name for p in out.parent.iterdir()] == ["查重.xlsx"]
    ((_, (rule,)),) = [(cf.sqref, cf.rules) for cf in book["documents"].conditional_formatting]
    assert rule.formula == ["0.8"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (None, "--format xlsx writes a workbook: name the file with --output"),
        ("corpus/r.xlsx", "is inside the corpus"),
        ("folder", "is a folder; name a file for --format xlsx"),
    ],
)
def test_scan_format_xlsx_refuses_what_it_cannot_write(corpus: Path, tmp_path: Path, where, message) -> None:
    (tmp_path / "folder").mkdir()
    output = [] if where is None else ["--output", tmp_path / where]
    result = run("scan", corpus, "--format", "xlsx", *output)
    assert result.exit_code == 2 and message in result.output
    assert not (corpus / "r.xlsx").exists() and not list((tmp_path / "folder").iterdir())
