"""An import names every problem of a row, each in the curator's words, all at once."""

import pytest
import tablib

from inventory.resources import ProductResource
from tests.factories import ProductTypeFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_a_year_that_is_not_a_number_is_named_beside_the_rows_other_problems():
    ProductTypeFactory(name="Toolkit")
    ThemeFactory(name="Civic space")
    sheet = tablib.Dataset(headers=["title", "summary", "type", "themes", "year", "url"])
    sheet.append(["Fine", "A summary", "Toolkit", "Civic space", "2019", "https://example.org/a"])
    sheet.append(["", "A summary", "Toolkitt", "Civic spac", "twenty", "https://example.org/b"])
    problems = ProductResource().import_data(sheet, dry_run=True).problems
    row_3 = [problem for problem in problems if problem.startswith("Row 3")]
    assert not any("class" in problem or "decimal" in problem for problem in problems), problems
    year = [problem for problem in row_3 if "“twenty” is not a whole number" in problem]
    assert year and "Year" in year[0], problems
    assert any("Toolkitt" in problem for problem in row_3), problems
    assert any("Civic spac" in problem for problem in row_3), problems
    assert any("Title" in problem for problem in row_3), problems
