"""Full-text search vectors of products, kept in KnowledgeProduct.search_vector on PostgreSQL."""

from collections.abc import Iterable

from django.db import connection

# Title weighs most; the summary, why it is valuable and the tags next; the description least.
_UPDATE = """
UPDATE inventory_knowledgeproduct AS p SET search_vector =
    setweight(to_tsvector('english', coalesce(p.title, '')), 'A')
    || setweight(to_tsvector('english', concat_ws(' ', p.summary, p.why_valuable, (
        SELECT string_agg(t.name, ' ') FROM inventory_taggedproduct tp
        JOIN taggit_tag t ON t.id = tp.tag_id WHERE tp.content_object_id = p.id
    ))), 'B')
    || setweight(to_tsvector('english', coalesce(p.description, '')), 'C')
"""


def update_search_vectors(product_ids: Iterable[int] | None = None) -> None:
    """Recompute the vectors of the given products (all when None). SQLite has no vectors: nothing to do."""
    if connection.vendor != "postgresql":
        return
    ids = None if product_ids is None else list(product_ids)
    if ids == []:
        return
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(_UPDATE)
        else:
            cursor.execute(_UPDATE + " WHERE p.id = ANY(%s)", [ids])
