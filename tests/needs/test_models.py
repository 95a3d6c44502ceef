"""The knowledge need, its workflow and its reference number; the learning formats."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from needs import services
from needs.models import KnowledgeNeed, LearningFormat
from tests.factories import KnowledgeNeedFactory, ProductFactory

pytestmark = pytest.mark.django_db
Status = KnowledgeNeed.Status


def test_every_need_gets_its_own_reference_from_its_year_and_number():
    first, second = KnowledgeNeedFactory(), KnowledgeNeedFactory()
    assert re.fullmatch(r"KN-\d{4}-\d{4,}", first.reference)
    assert first.reference != second.reference
    first.refresh_from_db()
    assert first.reference == f"KN-{first.created_at:%Y}-{first.pk:04d}"
    assert str(first) == f"{first.reference}: {first.title}"


def test_the_database_refuses_two_needs_with_one_reference():
    first = KnowledgeNeedFactory()
    with pytest.raises(IntegrityError):
        KnowledgeNeed.objects.filter(pk=KnowledgeNeedFactory().pk).update(reference=first.reference)


def test_a_need_names_its_partnership_from_the_list_or_typed_in():
    need = KnowledgeNeedFactory.build(partnership=None, partnership_name="  ")
    with pytest.raises(ValidationError) as raised:
        need.full_clean()
    assert "partnership_name" in raised.value.message_dict


def test_the_database_refuses_a_need_without_a_partnership():
    with pytest.raises(IntegrityError):
        KnowledgeNeedFactory(partnership=None, partnership_name="")


@pytest.mark.parametrize(
    ("start", "end", "allowed"),
    [
        (Status.NEW, Status.IN_REVIEW, True),
        (Status.IN_REVIEW, Status.ADDRESSED, True),
        (Status.ADDRESSED, Status.CLOSED, True),
        (Status.CLOSED, Status.IN_REVIEW, True),
        (Status.CLOSED, Status.NEW, False),
        (Status.MATCHED, Status.NEW, False),
        (Status.CLOSED, Status.ADDRESSED, False),
    ],
)
def test_the_status_follows_the_workflow(start, end, allowed):
    need = KnowledgeNeedFactory(status=start)
    need = KnowledgeNeed.objects.get(pk=need.pk)
    need.status = end
    if allowed:
        need.full_clean()
    else:
        with pytest.raises(ValidationError, match="cannot become"):
            need.full_clean()


def test_a_need_is_matched_only_with_matched_products():
    need = KnowledgeNeedFactory()
    with pytest.raises(ValidationError, match="no matched products yet"):
        services.need_set_status(need=need, status=Status.MATCHED)
    need.matched_products.add(ProductFactory())
    services.need_set_status(need=need, status=Status.MATCHED)
    assert KnowledgeNeed.objects.get().status == Status.MATCHED


def test_open_and_shareable_needs():
    KnowledgeNeedFactory(title="Open, public", consent_to_publish=True)
    KnowledgeNeedFactory(title="Closed, public", consent_to_publish=True, status=Status.CLOSED)
    KnowledgeNeedFactory(title="Addressed", status=Status.ADDRESSED)
    KnowledgeNeedFactory(title="Private")
    assert set(KnowledgeNeed.objects.open().values_list("title", flat=True)) == {"Open, public", "Private"}
    assert set(KnowledgeNeed.objects.shareable().values_list("title", flat=True)) == {
        "Open, public",
        "Closed, public",
    }


def test_the_learning_formats_come_with_the_database():
    assert list(LearningFormat.objects.values_list("name", flat=True)) == [
        "Webinar",
        "Peer exchange",
        "Training or workshop",
        "Coaching",
        "Community of practice",
        "Toolkit or guide",
        "Research or learning trajectory",
    ]


def test_curators_may_run_needs_and_the_nominations_queue():
    codenames = set(Group.objects.get(name="Curators").permissions.values_list("codename", flat=True))
    for action in ["add", "change", "delete", "view"]:
        assert f"{action}_knowledgeneed" in codenames
        assert f"{action}_learningformat" in codenames
    assert {"change_nomination", "view_nomination", "delete_nomination"} <= codenames
    assert "add_nomination" not in codenames
