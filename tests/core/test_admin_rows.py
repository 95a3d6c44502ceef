"""An admin list's rows link to their change pages with the address Django would write, whatever the key,
and carry the list's filters back (core.admin_rows)."""

import pytest
from django.contrib.admin.utils import quote
from django.urls import reverse

from core.admin_rows import ChangeListRows


class _List(ChangeListRows):
    """A list of countries (their key is a code), without a request: only its rows' links are asked for."""

    def __init__(self, filters: str = ""):  # no ChangeList set-up, no database
        self.row_filters = filters
        self.opts = type("Opts", (), {"app_label": "inventory", "model_name": "country"})
        self.pk_attname = "code"
        self.model_admin = type("Admin", (), {"admin_site": type("Site", (), {"name": "admin"})})


def _row(key):
    return type("Row", (), {"code": key})


@pytest.mark.parametrize("key", ["KE", "a/b_c", "é ü", "x?y#z", "100%", 12])
def test_a_rows_link_is_the_one_django_writes(key):
    assert _List().url_for_result(_row(key)) == reverse("admin:inventory_country_change", args=(quote(key),))


def test_a_filtered_lists_rows_bring_the_curator_back_to_it():
    filters = "_changelist_filters=region__exact%3Dafrica"
    link = _List(filters).url_for_result(_row("KE"))
    assert link == reverse("admin:inventory_country_change", args=("KE",)) + "?" + filters
