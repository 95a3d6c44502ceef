"""Spreadsheets curators can read and write: import and export through django-import-export.

- Relations are names or codes, never database ids: a theme by its name or slug, a country by its ISO code
  or name. Many values in one cell are separated by "; " (names such as "Fair, Green and Global Alliance"
  hold commas).
- Every import is all or nothing: one bad row and nothing is saved. Each problem is one sentence naming the
  spreadsheet row ("Row 12, column “themes”: unknown theme “Xyz”"); rows count as in a spreadsheet program,
  the header being row 1.
- Rows are matched to existing records by slug, or by a natural key when the slug cell is empty; rows that
  would change nothing are skipped, and each saved row makes one history entry.
- Lookup tables are read once per import, so a 5,000-row sheet does not ask the database 5,000 times which
  theme "Civic space" is.
- Exports never hold a live formula, whatever was typed (`formats.py`).
"""

from core.spreadsheets.formats import SHEET_FORMATS, SafeCSV, SafeXLSX, defuse
from core.spreadsheets.resources import (
    SheetDiff,
    SheetResource,
    SheetResult,
    readable_export_resource,
)
from core.spreadsheets.widgets import (
    SEPARATOR,
    ChoiceWidget,
    KeepWhenBlankTextWidget,
    LinkWidget,
    Lookup,
    RelatedSetWidget,
    RelatedWidget,
    RelationColumn,
    TagsWidget,
    TextWidget,
    WholeNumberWidget,
    YesNoWidget,
    column,
    normalise,
    relation,
    split_cell,
    tidy,
)

__all__ = [
    "SEPARATOR",
    "SHEET_FORMATS",
    "SafeCSV",
    "SafeXLSX",
    "defuse",
    "ChoiceWidget",
    "KeepWhenBlankTextWidget",
    "LinkWidget",
    "Lookup",
    "RelatedSetWidget",
    "RelatedWidget",
    "RelationColumn",
    "SheetDiff",
    "SheetResource",
    "SheetResult",
    "TagsWidget",
    "TextWidget",
    "WholeNumberWidget",
    "YesNoWidget",
    "column",
    "normalise",
    "readable_export_resource",
    "relation",
    "split_cell",
    "tidy",
]
