# The ranking vector of each search document (SearchDocument.head, see search.fulltext.HEAD): the record's
# own words in English with its type, themes and tags, written here from the products' rows with the words
# that writing the documents again would give.

from django.db import migrations

TOPICS = (
    "concat_ws(E'\\n', product.summary, product.why_valuable, "
    "(SELECT name FROM inventory_producttype WHERE id = product.product_type_id), "
    "(SELECT string_agg(theme.name, E'\\n') FROM inventory_knowledgeproduct_themes AS link "
    "JOIN inventory_theme AS theme ON theme.id = link.theme_id WHERE link.knowledgeproduct_id = product.id), "
    "(SELECT string_agg(tag.name, E'\\n') FROM inventory_taggedproduct AS link "
    "JOIN taggit_tag AS tag ON tag.id = link.tag_id WHERE link.content_object_id = product.id))"
)
FILL_HEADS = (
    "UPDATE inventory_searchdocument AS document SET head = "
    "setweight(to_tsvector('english'::regconfig, unaccent(product.title)), 'A') || "
    f"setweight(to_tsvector('english'::regconfig, unaccent({TOPICS})), 'B') || "
    "setweight(to_tsvector('english'::regconfig, unaccent(product.description)), 'C') "
    "FROM inventory_knowledgeproduct AS product WHERE product.id = document.product_id"
)


def fill_heads(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_HEADS)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_document_words_without_positions"),
        ("inventory", "0018_search_document_head"),
    ]

    operations = [migrations.RunPython(fill_heads, migrations.RunPython.noop)]
