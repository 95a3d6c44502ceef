"""The spreadsheet formats of every admin export and import template: whatever a nominator or curator typed,
a spreadsheet program shows it as text and never runs it as a formula.

- Excel: every text cell is written as a text cell (openpyxl would make a cell starting with "=" a formula).
  Read back, the text is exactly what was typed.
- CSV has no cell types: a cell starting with = + - @, a tab or a carriage return gets a ' in front, which
  spreadsheet programs read as "this is text". The import takes that ' off again (`unescape`), so a sheet
  exported, edited and imported keeps its text."""

from io import BytesIO

from import_export.formats.base_formats import CSV, XLSX
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value) -> str:
    """A CSV cell a spreadsheet shows as text and never runs."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def unescape(value):
    """The text a defused CSV cell stood for."""
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value[1:2]
        and value[1:].startswith(FORMULA_STARTS)
    ):
        return value[1:]
    return value


class SafeCSV(CSV):
    def export_data(self, dataset, **kwargs):
        safe = dataset.__class__(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            safe.append([defuse(cell) for cell in row])
        return super().export_data(safe, **kwargs)


class SafeXLSX(XLSX):
    def export_data(self, dataset, **kwargs):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = (dataset.title or "Sheet")[:31]
        rows = [dataset.headers or [], *dataset]
        for row_number, row in enumerate(rows, start=1):
            for column_number, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column_number)
                if isinstance(value, str):
                    cell.value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
                    cell.data_type = "s"  # Text, even when it starts with "=".
                else:
                    cell.value = value
                if row_number == 1:
                    cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        stream = BytesIO()
        workbook.save(stream)
        return stream.getvalue()


SHEET_FORMATS = [SafeCSV, SafeXLSX]
