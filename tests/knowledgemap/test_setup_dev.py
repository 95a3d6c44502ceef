"""`make run` loads reference and demo data once and makes one curator account."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from inventory.models import KnowledgeProduct, Organisation, Partnership, Programme, Theme
from needs.models import LearningActivity

pytestmark = pytest.mark.django_db


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_it_loads_the_data_once_and_a_second_run_changes_nothing(settings, capsys):
    settings.DEBUG = True
    call_command("setup_dev")
    first = capsys.readouterr().out
    assert "Loaded the reference data." in first
    assert "password '" in first
    counts = row_counts()
    published = KnowledgeProduct.objects.published()
    last_change = (
        KnowledgeProduct.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    )

    call_command("setup_dev")
    second = capsys.readouterr().out
    assert "already in the database" in second
    assert "password" not in second
    assert row_counts() == counts
    assert (
        KnowledgeProduct.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
        == last_change
    )
    assert published.count() == 80


def test_the_demo_data_is_as_rich_as_the_portal_needs(settings):
    settings.DEBUG = True
    call_command("setup_dev", "--no-demo", stdout=None)
    real_partnerships = set(Partnership.objects.values_list("pk", flat=True))
    real_organisations = set(Organisation.objects.values_list("pk", flat=True))
    call_command("setup_dev", stdout=None)
    published = KnowledgeProduct.objects.published()
    assert Programme.objects.filter(slug__in=["dialogue-and-dissent", "power-of-voices"]).count() == 2
    demo_partnerships = Partnership.objects.exclude(pk__in=real_partnerships)
    assert demo_partnerships.count() >= 12
    assert demo_partnerships.values("programme").distinct().count() >= 2
    organisations = Organisation.objects.exclude(pk__in=real_organisations)
    southern = organisations.filter(kind=Organisation.Kind.SOUTHERN_CSO)
    assert organisations.count() >= 40
    assert southern.count() * 2 >= organisations.count()
    assert southern.values("country").distinct().count() >= 15
    assert published.count() >= 80
    for theme in Theme.objects.all():
        assert published.filter(themes=theme).exists(), theme
    assert set(published.values_list("product_type__slug", flat=True)) == set(
        apps.get_model("inventory", "ProductType").objects.values_list("slug", flat=True)
    )
    for status in ("draft", "submitted", "archived"):
        assert KnowledgeProduct.objects.filter(status=status).exists()
    activities = LearningActivity.objects.public()
    assert activities.upcoming().exists() and activities.past().exists()


def test_it_refuses_to_run_outside_development(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="for development"):
        call_command("setup_dev")
    assert not get_user_model().objects.exists()
