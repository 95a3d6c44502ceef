"""A tag that only unpublished products carry is unknown to the public, as if it did not exist."""

import pytest

from inventory.models import KnowledgeProduct
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_tag():
    draft = ProductFactory(status=KnowledgeProduct.Status.DRAFT, published_at=None)
    draft.tags.add("Confidential donor strategy")
    return draft.tags.get()


@pytest.mark.parametrize("url", ["/products/?tag={}", "/api/products/?tag={}", "/products/export.csv?tag={}"])
def test_a_tag_only_drafts_carry_answers_as_an_unknown_tag(client, draft_tag, url):
    hidden = client.get(url.format(draft_tag.slug))
    unknown = client.get(url.format("no-such-tag"))
    assert hidden.status_code == unknown.status_code == 400
    assert "Confidential donor strategy" not in hidden.content.decode()


def test_the_tag_is_known_once_a_published_product_carries_it(client, draft_tag):
    ProductFactory().tags.add(draft_tag)
    response = client.get(f"/products/?tag={draft_tag.slug}")
    assert response.status_code == 200
    assert "Confidential donor strategy" in response.content.decode()
