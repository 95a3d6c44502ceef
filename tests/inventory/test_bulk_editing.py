"""Admin actions that change many products at once, and merging tags that mean the same thing."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from taggit.models import Tag

from inventory import services
from inventory.models import KnowledgeProduct
from tests.factories import ProductFactory, ThemeFactory, complete_product

pytestmark = pytest.mark.django_db


def changelist():
    return reverse("admin:inventory_knowledgeproduct_changelist")


class TestThemeActions:
    def test_the_add_theme_action_first_asks_which_theme(self, curator_client):
        products = ProductFactory.create_batch(2)
        ThemeFactory(name="Civic space")
        response = curator_client.post(
            changelist(), {"action": "add_theme", "_selected_action": [p.pk for p in products]}
        )
        assert response.status_code == 200
        assert "Add a theme to 2 product(s)" in response.content.decode()
        assert 'name="theme"' in response.content.decode()

    def test_the_add_theme_action_adds_the_theme_to_each_selected_product(self, curator_client):
        chosen, other = ProductFactory(), ProductFactory()
        theme = ThemeFactory(name="Civic space")
        response = curator_client.post(
            changelist(),
            {"action": "add_theme", "_selected_action": [chosen.pk], "theme": theme.pk, "apply": "1"},
            follow=True,
        )
        assert "Theme “Civic space” added to 1 product(s)." in response.content.decode()
        assert list(chosen.themes.all()) == [theme]
        assert not other.themes.exists()
        assert chosen.history.latest().history_type == "~"

    def test_removing_a_theme_counts_only_the_products_that_had_it(self, curator_client):
        theme = ThemeFactory(name="Civic space")
        having, lacking = ProductFactory(themes=[theme]), ProductFactory()
        response = curator_client.post(
            changelist(),
            {
                "action": "remove_theme",
                "_selected_action": [having.pk, lacking.pk],
                "theme": theme.pk,
                "apply": "1",
            },
            follow=True,
        )
        assert "removed from 1 product(s)." in response.content.decode()
        assert not having.themes.exists()

    def test_an_invalid_choice_shows_the_form_again(self, curator_client):
        product = ProductFactory()
        response = curator_client.post(
            changelist(),
            {"action": "add_theme", "_selected_action": [product.pk], "theme": "999999", "apply": "1"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["theme"]


class TestTagActions:
    def test_adding_a_tag_reuses_the_tag_whatever_its_case(self, curator_client):
        existing = ProductFactory(tags=["advocacy"])
        product = ProductFactory()
        curator_client.post(
            changelist(),
            {"action": "add_tag", "_selected_action": [product.pk], "tag": "Advocacy ", "apply": "1"},
        )
        assert list(product.tags.names()) == ["advocacy"]
        assert Tag.objects.count() == 1 and existing.tags.count() == 1

    def test_removing_a_tag(self, curator_client):
        product = ProductFactory(tags=["advocacy", "gender"])
        tag = Tag.objects.get(name="gender")
        curator_client.post(
            changelist(),
            {"action": "remove_tag", "_selected_action": [product.pk], "tag": tag.pk, "apply": "1"},
        )
        assert list(product.tags.names()) == ["advocacy"]

    def test_publish_archive_and_feature_still_work_together(self, curator_client):
        product = complete_product(status=KnowledgeProduct.Status.SUBMITTED)
        for action in ("publish", "mark_featured", "archive"):
            curator_client.post(changelist(), {"action": action, "_selected_action": [product.pk]})
        product.refresh_from_db()
        assert (product.status, product.featured) == (KnowledgeProduct.Status.ARCHIVED, True)


class TestMergingTags:
    def test_the_merge_action_moves_every_product_to_the_tag_kept(self, curator_client):
        one = ProductFactory(tags=["advocacy"])
        both = ProductFactory(tags=["advocacy", "lobbying"])
        lobby = ProductFactory(tags=["lobbying"])
        keep = Tag.objects.get(name="advocacy")
        selected = list(Tag.objects.values_list("pk", flat=True))
        response = curator_client.post(
            reverse("admin:taggit_tag_changelist"),
            {"action": "merge_tags", "_selected_action": selected, "keep": keep.pk, "apply": "1"},
            follow=True,
        )
        assert "1 tag(s) merged into “advocacy”." in response.content.decode()
        assert list(Tag.objects.values_list("name", flat=True)) == ["advocacy"]
        for product in (one, both, lobby):
            assert list(product.tags.names()) == ["advocacy"]

    def test_tags_that_differ_only_in_case_or_spaces_are_merged_into_the_most_used(self):
        ProductFactory(tags=["advocacy"])
        ProductFactory(tags=["advocacy"])
        Tag.objects.create(name="Advocacy ")
        ProductFactory().tags.add(Tag.objects.get(name="Advocacy "))
        Tag.objects.create(name="gender  equality")
        done = services.tags_merge_duplicates()
        assert sorted(done) == [("advocacy", ["Advocacy "]), ("gender equality", [])]
        assert sorted(Tag.objects.values_list("name", flat=True)) == ["advocacy", "gender equality"]
        assert KnowledgeProduct.objects.filter(tags__name="advocacy").count() == 3

    def test_the_command_merges_duplicates_and_a_dry_run_changes_nothing(self, capsys):
        ProductFactory(tags=["advocacy"])
        Tag.objects.create(name="ADVOCACY")
        call_command("merge_duplicate_tags", "--dry-run")
        assert Tag.objects.count() == 2
        assert "1 tag(s) would change." in capsys.readouterr().out
        call_command("merge_duplicate_tags")
        assert list(Tag.objects.values_list("name", flat=True)) == ["advocacy"]
