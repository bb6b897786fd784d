"""The report as one Excel workbook for supervisors (``--format xlsx``): the documents, sections, pairs and
passages sheets, with the CSV files' columns (``export.report_sheets``).

What a supervisor does with it decides its form: shares are numbers formatted as percentages (they sort and
filter as numbers), the header row stays in view and carries a filter, columns are as wide as what they hold (a
Chinese character takes two columns' width), and an originality below ``--threshold`` is red (conditional
formatting, so it follows a value edited by hand).

Document text and file names are untrusted. Every text cell is written as a string (``data_type`` ``s``: openpyxl
would store a value that starts with ``=`` as a formula), with ``untrusted.safe_cell``'s ``'`` in front of one
that starts like a formula, as in the CSV files, so that editing the cell does not turn it into one; characters
XML cannot hold (C0 controls) are written as their escapes, and a cell is cut to what Excel holds. The workbook is
written whole or not at all (``outputs.write_file``).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dupcheck.export import SHARE_COLUMNS, Sheet, report_sheets
from dupcheck.outputs import ensure_outside, write_file
from dupcheck.report import Report
from dupcheck.untrusted import safe_cell

PERCENT_FORMAT = "0.0%"
BELOW_THRESHOLD = PatternFill(start_color="F4C7C3", end_color="F4C7C3", fill_type="solid")
MAX_CELL = 32_767  # characters Excel holds in a cell
MAX_WIDTH = 60  # a column wider than this is cut (its cells keep their text)


def write_xlsx(report: Report, path: Path, *, threshold: float, protect: Iterable[Path] = ()) -> Path:
    """The workbook at ``path``, never inside the corpus folders ``protect``, complete or not at all."""
    ensure_outside(path, protect, "--output")
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in report_sheets(report, threshold=threshold):
        _fill(workbook.create_sheet(sheet.name), sheet, threshold)
    # Made in memory, then written: openpyxl leaves its zip archive open when a write to the file fails.
    packed = io.BytesIO()
    workbook.save(packed)
    write_file(path, lambda out: out.write(packed.getbuffer()), binary=True, protect=protect)
    return path


def _fill(ws: Worksheet, sheet: Sheet, threshold: float) -> None:
    widths = [_width(name) for name in sheet.header]
    ws.append(list(sheet.header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    percent_columns = [i for i, name in enumerate(sheet.header) if name in SHARE_COLUMNS]
    for row in sheet.rows:
        ws.append([_value(v) for v in row])
        cells = ws[ws.max_row]
        for i, value in enumerate(row):
            if isinstance(value, str) and value:
                cells[i].data_type = "s"  # a string, whatever it starts with
            widths[i] = max(widths[i], 7 if i in percent_columns else _width(str(cells[i].value)))
        for i in percent_columns:
            cells[i].number_format = PERCENT_FORMAT
    last = get_column_letter(len(sheet.header))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{ws.max_row}"
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(width, MAX_WIDTH) + 2
    if "originality" in sheet.header and ws.max_row > 1:
        column = get_column_letter(sheet.header.index("originality") + 1)
        ws.conditional_formatting.add(
            f"{column}2:{column}{ws.max_row}",
            CellIsRule(operator="lessThan", formula=[repr(threshold)], fill=BELOW_THRESHOLD),
        )


def _value(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if not value:
        return None  # an empty text is an empty cell
    text = ILLEGAL_CHARACTERS_RE.sub(lambda m: repr(m.group())[1:-1], value)
    text = safe_cell(text)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _width(text: str) -> int:
    """Columns ``text`` takes on its longest line: a wide (Chinese, full-width) character two."""
    return max(
        (sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) for line in text.split("\n")), default=0
    )
