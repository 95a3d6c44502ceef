"""A search's matches are ranked by the relevance index (search.relevance), the same on both databases, and
no request waits for that index to be built."""

import pytest
from django.urls import reverse

from search import relevance
from search.fulltext import update_search_vectors
from search.relevance import build_job as BUILD_JOB
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def listed(client, query: str) -> list[str]:
    response = client.get(reverse("pages:product-list"), {"q": query})
    assert response.status_code == 200
    return [product.title for product in response.context["page"].object_list]


@pytest.fixture
def catalogue():
    """An older product about water through and through, a newer one naming it once, in its description."""
    ProductFactory(
        title="Water committees that hold utilities to account",
        summary="How village water committees monitor water points.",
        tags=["water"],
        year=2017,
    )
    ProductFactory(
        title="Annual report of a partnership",
        summary="What the partnership did in its last year.",
        description="One chapter is on water.",
        year=2021,
    )
    update_search_vectors()


def test_the_product_most_about_the_words_comes_first_whatever_its_age(client, catalogue):
    assert listed(client, "water") == [
        "Water committees that hold utilities to account",
        "Annual report of a partnership",
    ]


def test_a_dutch_search_ranks_by_the_english_the_thesaurus_gives(client):
    """ "drinkwater" is found through the thesaurus's English for it, and ranks by those words too."""
    ProductFactory(
        title="Drinking water audits by citizens", summary="Drinking water points, audited.", year=2016
    )
    ProductFactory(title="Annual report", summary="A year of work.", description="Drinking water.", year=2022)
    update_search_vectors()
    found = listed(client, "drinkwater")
    assert found[0] == "Drinking water audits by citizens"


class TestNoRequestBuildsTheIndex:
    @pytest.fixture
    def queued(self, relevance_build_queued):
        return relevance_build_queued

    def test_until_a_new_sites_first_index_is_built_a_search_lists_its_matches_newest_first(
        self, client, catalogue, queued, monkeypatch
    ):
        builds = []
        build = relevance.build
        monkeypatch.setattr(relevance, "build", lambda: builds.append(1) or build())
        found = listed(client, "water")
        assert found == ["Annual report of a partnership", "Water committees that hold utilities to account"]
        assert (queued, builds) == (["build"], []), "queued, not built in the request"
        listed(client, "water committees")
        assert queued == ["build"], "queued once, however many searches ask"

        assert BUILD_JOB.call() == "built"
        assert builds == [1]
        assert listed(client, "water")[0] == "Water committees that hold utilities to account"
