"""Products to and from spreadsheets: round trips, all-or-nothing imports, names and codes for relations."""

import pytest
import tablib
from django.db import connection
from django.utils import translation
from taggit.models import Tag

from inventory.models import Involvement, KnowledgeProduct, Stakeholder
from inventory.resources import ProductResource
from tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    ProductFactory,
    ProductTypeFactory,
    ProgrammeFactory,
    StakeholderFactory,
    ThemeFactory,
    country,
    language,
)

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


@pytest.fixture
def inventory():
    """Three products with every kind of relation, as a curator would have entered them."""
    toolkit = ProductTypeFactory(name="Toolkit")
    civic, climate = ThemeFactory(name="Civic space"), ThemeFactory(name="Climate justice")
    fgg = PartnershipFactory(
        name="Fair, Green and Global Alliance", acronym="FGG", programme=ProgrammeFactory(name="Dialogue")
    )
    valley = OrganisationFactory(name="Voices of the Valley", country=country("UG"))
    delta = OrganisationFactory(name="Delta Rights", country=country("NL"))
    products = []
    for n, themes in enumerate([[civic], [civic, climate], []], start=1):
        product = ProductFactory(title=f"Guide {n}", product_type=toolkit, themes=themes, tags=["advocacy"])
        product.partnerships.set([fgg])
        product.organisations.set([valley, delta][:n])
        product.countries.set([country("UG"), country("KE")])
        product.languages.set([language("en")])
        products.append(product)
    return products


def export(fmt="csv") -> tablib.Dataset:
    dataset = ProductResource().export(queryset=KnowledgeProduct.objects.order_by("title"))
    return tablib.Dataset().load(dataset.export(fmt), format=fmt)


def sheet(rows: list[dict]) -> tablib.Dataset:
    headers = list(dict.fromkeys(key for row in rows for key in row))
    return tablib.Dataset(*[[row.get(h, "") for h in headers] for row in rows], headers=headers)


def import_sheet(dataset, **kwargs):
    return ProductResource().import_data(dataset, **kwargs)


def snapshot():
    """Everything an import could change, to compare before and after."""
    return [
        (
            p.slug,
            p.title,
            p.updated_at,
            sorted(t.name for t in p.themes.all()),
            sorted(p.tags.names()),
            sorted(o.name for o in p.organisations.all()),
            p.history.count(),
        )
        for p in KnowledgeProduct.objects.order_by("slug")
    ]


class TestExport:
    def test_relations_are_exported_as_names_and_codes(self, inventory):
        row = export().dict[1]
        assert row["Title"] == "Guide 2"
        assert row["Type"] == "Toolkit"
        assert row["Themes"] == "Civic space; Climate justice"
        assert row["Partnerships"] == "Fair, Green and Global Alliance"
        assert row["Organisations"] == "Delta Rights; Voices of the Valley"
        assert row["Countries"] == "Kenya; Uganda"
        assert row["Languages"] == "English"
        assert row["Tags"] == "advocacy"

    def test_the_nominators_private_details_are_not_exported(self, inventory):
        KnowledgeProduct.objects.update(nominator_name="Ada", nominator_email="ada@example.org")
        exported = export().export("csv")
        assert "nominator" not in exported
        assert "ada@example.org" not in exported

    def test_a_name_two_records_share_is_exported_as_the_slug(self, inventory):
        other = PartnershipFactory(
            name="Fair, Green and Global Alliance", programme=ProgrammeFactory(name="Power")
        )
        inventory[0].partnerships.add(other)
        cell = export().dict[0]["Partnerships"]
        assert other.slug in cell.split("; ")


class TestRoundTrip:
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_reimporting_an_unchanged_export_changes_nothing(self, inventory, fmt):
        before = snapshot()
        result = import_sheet(export(fmt))
        assert not result.has_errors() and not result.has_validation_errors(), result.problems
        assert [row.import_type for row in result.rows] == ["skip", "skip", "skip"]
        assert snapshot() == before

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_reimporting_with_edits_changes_exactly_the_edited_rows(self, inventory, fmt):
        dataset = export(fmt)
        rows = dataset.dict
        rows[0]["Title"] = "Guide 1, second edition"
        rows[2]["Themes"] = "Climate justice"
        before = {row[0]: row for row in snapshot()}

        result = import_sheet(sheet(rows))

        assert [row.import_type for row in result.rows] == ["update", "skip", "update"]
        after = {row[0]: row for row in snapshot()}
        assert after[rows[0]["Slug"]][1] == "Guide 1, second edition"
        assert after[rows[2]["Slug"]][3] == ["Climate justice"]
        assert after[rows[1]["Slug"]] == before[rows[1]["Slug"]]
        # One history entry per changed product, none for the unchanged one.
        assert [after[r["Slug"]][-1] - before[r["Slug"]][-1] for r in rows] == [1, 0, 1]


class TestAllOrNothing:
    def test_a_sheet_with_one_bad_row_saves_nothing_and_names_the_row_and_the_reason(self, inventory):
        rows = [
            {"title": "New guide A", "type": "Toolkit", "summary": "A.", "themes": "Civic space"},
            {"title": "New guide B", "type": "Toolkit", "summary": "B.", "themes": "Civic space"},
            {"title": "New guide C", "type": "Toolkit", "summary": "C.", "themes": "Civic space; Xyz"},
            {"title": "New guide D", "type": "Toolkit", "summary": "D.", "themes": ""},
        ]
        before = snapshot()

        result = import_sheet(sheet(rows))

        # The header is row 1, so the third product is on row 4 of the sheet.
        assert result.problems == ["Row 4, column “Themes”: unknown theme “Xyz”"]
        assert KnowledgeProduct.objects.count() == 3
        assert snapshot() == before

    def test_a_bad_row_also_undoes_the_updates_of_the_good_rows(self, inventory):
        rows = export().dict
        rows[0]["Title"] = "Renamed"
        rows[1]["Year"] = "1850"
        before = snapshot()

        result = import_sheet(sheet(rows))

        assert "Row 3, column “Year”: Give a year between 1990 and 2100." in result.problems
        assert all(problem.startswith("Row 3, column “Year”") for problem in result.problems)
        assert snapshot() == before

    def test_every_bad_row_is_reported_at_once(self, inventory):
        rows = [
            {"title": "", "type": "Pamphlet", "summary": "A.", "countries": "Atlantis; KE", "status": "done"},
            {"title": "Good", "type": "Toolkit", "summary": "B.", "languages": "Klingon"},
        ]
        problems = import_sheet(sheet(rows)).problems
        assert "Row 2, column “Title”: This field cannot be blank." in problems
        assert "Row 2, column “Type”: unknown product type “Pamphlet”" in problems
        assert "Row 2, column “Countries”: unknown country “Atlantis” (did you mean “Albania”?)" in problems
        allowed = "draft, submitted, published, archived"
        assert f"Row 2, column “Status”: unknown status “done” (use one of: {allowed})" in problems
        assert "Row 3, column “Languages”: unknown language “Klingon” (did you mean “Kongo”?)" in problems

    def test_an_unknown_column_stops_the_import(self, inventory):
        result = import_sheet(
            sheet([{"title": "A", "type": "Toolkit", "summary": "A.", "theme": "Civic space"}])
        )
        assert result.problems[0].startswith("Unknown column(s): theme. The columns are: Slug, Title, Type")
        assert KnowledgeProduct.objects.count() == 3

    def test_a_preview_saves_nothing(self, inventory):
        result = import_sheet(sheet([{"title": "New", "type": "Toolkit", "summary": "A."}]), dry_run=True)
        assert [row.import_type for row in result.rows] == ["new"]
        assert KnowledgeProduct.objects.count() == 3


class TestNamesAndCodes:
    def test_relations_are_found_by_name_slug_or_code_whatever_the_case(self, inventory):
        valley = inventory[0].organisations.get()
        row = {
            "title": "Land rights guide",
            "type": "toolkit",
            "summary": "How communities claimed land.",
            "themes": "CIVIC SPACE; climate-justice",
            "partnerships": "FGG",
            "organisations": f"{valley.slug}; delta rights",
            "countries": "ug; Tanzania, United Republic of; Kenya; NLD",
            "languages": "fr; Spanish",
            "tags": "Advocacy ; land rights",
            "year": "2018",
            "status": "Published",
            "featured": "yes",
        }
        result = import_sheet(sheet([row]))
        assert not result.problems
        product = KnowledgeProduct.objects.get(title="Land rights guide")
        assert product.product_type.name == "Toolkit"
        assert sorted(t.name for t in product.themes.all()) == ["Civic space", "Climate justice"]
        assert [p.acronym for p in product.partnerships.all()] == ["FGG"]
        assert sorted(o.name for o in product.organisations.all()) == ["Delta Rights", "Voices of the Valley"]
        assert sorted(c.code for c in product.countries.all()) == ["KE", "NL", "TZ", "UG"]
        assert sorted(lang.code for lang in product.languages.all()) == ["es", "fr"]
        assert product.status == Status.PUBLISHED and product.published_at is not None and product.featured
        # "Advocacy " is the existing tag "advocacy", not a new one.
        assert sorted(product.tags.names()) == ["advocacy", "land rights"]
        assert Tag.objects.filter(name__iexact="advocacy").count() == 1

    def test_a_row_without_slug_updates_the_product_of_the_same_title(self, inventory):
        result = import_sheet(sheet([{"title": "guide 2", "type": "Toolkit", "summary": "Shorter."}]))
        assert [row.import_type for row in result.rows] == ["update"]
        assert KnowledgeProduct.objects.get(pk=inventory[1].pk).summary == "Shorter."
        assert KnowledgeProduct.objects.count() == 3

    def test_a_row_with_an_unknown_slug_adds_a_product_with_that_slug(self, inventory):
        import_sheet(sheet([{"slug": "fresh", "title": "Fresh", "type": "Toolkit", "summary": "New."}]))
        assert KnowledgeProduct.objects.get(slug="fresh").title == "Fresh"

    def test_a_theme_name_two_themes_share_asks_for_the_slug(self, inventory):
        parent = ThemeFactory(name="Gender")
        ThemeFactory(name="Civic space", parent=parent)
        rows = [{"title": "A", "type": "Toolkit", "summary": "A.", "themes": "Civic space"}]
        assert import_sheet(sheet(rows)).problems == [
            "Row 2, column “Themes”: “Civic space” names more than one theme: give its slug"
        ]

    def test_empty_status_and_featured_cells_leave_them_as_they_are(self, inventory):
        KnowledgeProduct.objects.filter(pk=inventory[0].pk).update(featured=True)
        rows = export().dict
        rows[0].update(Status="", Featured="", Summary="Edited.")
        import_sheet(sheet(rows))
        product = KnowledgeProduct.objects.get(pk=inventory[0].pk)
        assert (product.summary, product.status, product.featured) == ("Edited.", Status.PUBLISHED, True)

    def test_an_import_cannot_skip_the_workflow(self, inventory):
        rows = [{"title": "Draft", "type": "Toolkit", "summary": "A.", "status": "draft"}]
        import_sheet(sheet(rows))
        rows[0]["Status"] = "archived"
        problems = import_sheet(sheet(rows)).problems
        assert problems == ["Row 2, column “Status”: A draft product cannot become archived directly."]


class TestAfterImport:
    def test_each_imported_product_gets_one_history_entry(self, inventory):
        import_sheet(sheet([{"title": "New", "type": "Toolkit", "summary": "A.", "themes": "Civic space"}]))
        product = KnowledgeProduct.objects.get(title="New")
        [entry] = product.history.all()
        assert entry.history_type == "+"
        assert [t.theme.name for t in entry.themes.all()] == ["Civic space"]

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="search vectors exist on PostgreSQL only")
    @pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the import commits
    def test_imported_products_are_searchable_once_the_import_commits(self, inventory):
        import_sheet(sheet([{"title": "Seed banks", "type": "Toolkit", "summary": "A.", "tags": "farming"}]))
        assert KnowledgeProduct.objects.filter(search_document__vector="farming").get().title == "Seed banks"


def test_an_export_asks_a_fixed_number_of_queries_however_many_products(django_assert_num_queries, inventory):
    for n in range(12):
        product = ProductFactory(title=f"More {n}", themes=[ThemeFactory()], tags=[f"tag {n}"])
        Involvement.objects.create(product=product, stakeholder=StakeholderFactory(), role="funder")
    # 1 count and 1 page of products (pages of 100), 7 prefetched relations (themes, partnerships,
    # organisations, countries, languages, tags, involvements with their stakeholders), and 7 lookup tables
    # read once (type, themes, partnerships, organisations, countries, languages, stakeholders) to tell an
    # ambiguous name from a unique one.
    with django_assert_num_queries(16):
        export()


class TestStakeholders:
    """The stakeholders involved in a product, each with its role, as "Name (role)" in one cell."""

    @pytest.fixture
    def stakeholders(self, inventory):
        ministry = StakeholderFactory(name="Ministry of Finance")
        radio = StakeholderFactory(name="Radio Kaya", category=Stakeholder.Category.MEDIA)
        internal = StakeholderFactory(name="Land Commission", scope=Stakeholder.Scope.INTERNAL)
        external = StakeholderFactory(name="Land Commission", scope=Stakeholder.Scope.EXTERNAL)
        return {"ministry": ministry, "radio": radio, "internal": internal, "external": external}

    def involvements(self, title: str) -> set[tuple[str, str]]:
        product = KnowledgeProduct.objects.get(title=title)
        return {(str(i.stakeholder), i.role) for i in product.involvements.all()}

    def test_they_are_exported_with_their_roles_and_a_shared_name_with_its_scope(
        self, inventory, stakeholders
    ):
        Involvement.objects.create(
            product=inventory[0], stakeholder=stakeholders["ministry"], role="audience"
        )
        Involvement.objects.create(product=inventory[0], stakeholder=stakeholders["radio"], role="co-creator")
        Involvement.objects.create(
            product=inventory[1], stakeholder=stakeholders["external"], role="reviewer"
        )
        rows = export().dict
        assert rows[0]["Stakeholders"] == "Ministry of Finance (audience); Radio Kaya (co-creator)"
        assert rows[1]["Stakeholders"] == "Land Commission (external) (reviewer)"
        assert rows[2]["Stakeholders"] == ""

    def test_an_import_links_them_with_their_roles_by_name_whatever_the_case(self, inventory, stakeholders):
        row = {"title": "Guide 1", "type": "Toolkit", "summary": "A."}
        cell = "ministry of finance; RADIO KAYA (Co-creator); Land Commission (internal) (funder)"
        result = import_sheet(sheet([{**row, "stakeholders": cell}]))
        assert not result.has_errors() and not result.has_validation_errors(), result.problems
        assert self.involvements("Guide 1") == {
            ("Ministry of Finance (external)", "audience"),  # no role: audience
            ("Radio Kaya (external)", "co-creator"),
            ("Land Commission (internal)", "funder"),
        }

    def test_a_new_product_gets_them_too(self, stakeholders):
        ProductTypeFactory(name="Toolkit")
        row = {"title": "New guide", "type": "Toolkit", "summary": "A.", "stakeholders": "Radio Kaya (user)"}
        result = import_sheet(sheet([row]))
        assert not result.has_errors() and not result.has_validation_errors(), result.problems
        assert self.involvements("New guide") == {("Radio Kaya (external)", "user")}

    def test_reimporting_an_export_changes_nothing_and_a_changed_role_is_saved(self, inventory, stakeholders):
        Involvement.objects.create(product=inventory[0], stakeholder=stakeholders["radio"], role="user")
        result = import_sheet(export())
        assert [row.import_type for row in result.rows] == ["skip", "skip", "skip"]
        rows = export().dict
        rows[0]["Stakeholders"] = "Radio Kaya (funder)"
        result = import_sheet(sheet(rows))
        assert [row.import_type for row in result.rows] == ["update", "skip", "skip"]
        assert self.involvements("Guide 1") == {("Radio Kaya (external)", "funder")}

    def test_a_sheet_without_the_column_leaves_them_as_they_are(self, inventory, stakeholders):
        Involvement.objects.create(product=inventory[0], stakeholder=stakeholders["radio"], role="user")
        import_sheet(sheet([{"title": "Guide 1", "type": "Toolkit", "summary": "Shorter."}]))
        assert KnowledgeProduct.objects.get(title="Guide 1").summary == "Shorter."
        assert self.involvements("Guide 1") == {("Radio Kaya (external)", "user")}

    def test_an_unknown_stakeholder_or_role_and_a_shared_name_are_refused_with_the_reason(self, stakeholders):
        ProductTypeFactory(name="Toolkit")
        row = {"title": "New guide", "type": "Toolkit", "summary": "A."}
        cells = ["Nobody (audience)", "Radio Kaya (boss)", "Land Commission (reviewer)"]
        result = import_sheet(
            sheet([{**row, "title": f"Guide {n}", "stakeholders": c} for n, c in enumerate(cells)])
        )
        problems = " ".join(result.problems)
        assert "unknown stakeholder “Nobody”" in problems
        assert "unknown stakeholder or role in “Radio Kaya (boss)” (roles: co-creator, user" in problems
        assert "“Land Commission” names more than one stakeholder" in problems
        assert not KnowledgeProduct.objects.filter(title__startswith="Refused").exists()


class TestHeadings:
    """Columns are headed as the admin's forms label the fields, in the curator's language; an import reads
    those headings in any of the site's languages, and the short column names too."""

    def test_an_export_is_headed_with_the_forms_labels(self, inventory):
        assert export().headers[:7] == [
            "Slug",
            "Title",
            "Type",
            "Summary",
            "Description",
            "Why it is valuable",
            "Themes",
        ]

    def test_the_headings_are_the_labels_of_the_curators_change_form(self, inventory, rf):
        from django.contrib import admin
        from django.contrib.auth.models import User

        request = rf.get("/admin/")
        request.user = User(is_superuser=True, is_staff=True)
        form = admin.site._registry[KnowledgeProduct].get_form(request)
        resource = ProductResource()
        labelled = {field.attribute: resource.label_of(field) for field in resource.get_export_fields()}
        in_form = {name: labelled[name] for name in form.base_fields if name in labelled}
        assert len(in_form) >= 10
        assert in_form == {name: str(form.base_fields[name].label) for name in in_form}

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_a_sheet_headed_in_another_language_of_the_site_imports(self, inventory, fmt, monkeypatch):
        """A Dutch curator's export, headed in Dutch, imports on an English admin."""
        dataset = ProductResource().export(queryset=KnowledgeProduct.objects.order_by("title"))
        dutch = {"Title": "Titel", "Summary": "Samenvatting", "Themes": "Thema's"}
        label_of = ProductResource.label_of

        def in_dutch(self, field):
            label = label_of(self, field)
            return dutch.get(label, label) if translation.get_language() == "nl" else label

        monkeypatch.setattr(ProductResource, "label_of", in_dutch)
        dataset.headers = [dutch.get(heading, heading) for heading in dataset.headers]
        before = snapshot()
        result = import_sheet(tablib.Dataset().load(dataset.export(fmt), format=fmt))
        assert [row.import_type for row in result.rows] == ["skip", "skip", "skip"], result.problems
        assert snapshot() == before

    def test_headings_are_read_whatever_their_case_and_spaces(self, inventory):
        rows = [{" TITLE ": "New guide", "type": "Toolkit", "Summary": "A.", "themes": "Civic space"}]
        result = import_sheet(sheet(rows))
        assert [row.import_type for row in result.rows] == ["new"], result.problems
        assert KnowledgeProduct.objects.filter(title="New guide").exists()
