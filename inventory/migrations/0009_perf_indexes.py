# Indexes for the public pages at a hundred thousand products; each says which query it serves.

import django.db.models.functions.text
from django.db import migrations, models

# (name, table, PostgreSQL columns, SQLite columns, condition)
BY_HAND = [
    # The browse page's default order (ProductFilter.order: year, then publication, newest first): its first
    # page is read from this index instead of sorting every published product. It holds the id and year of
    # every published product too, so the facets' "published products matching …" subqueries, the result
    # count and the year facet read it alone (an index-only scan), never the wide product rows.
    # SQLite sorts NULL last in a descending order already and cannot say NULLS LAST in an index.
    (
        "product_published_newest",
        "inventory_knowledgeproduct",
        '"year" DESC NULLS LAST, "published_at" DESC NULLS LAST, "id" DESC',
        '"year" DESC, "published_at" DESC, "id" DESC',
        "WHERE \"status\" = 'published'",
    ),
    # Filters and facets reach products from a theme, partnership, organisation, country or language
    # (ProductFilter.filter_many, filter_theme; facets._links; related products): with the product's id
    # beside the linked row's, those subqueries read the index alone. The tables are made by Django for
    # the many-to-many fields, so their indexes can only be added here.
    *[
        (
            f"product_{name}_link_reverse",
            f"inventory_knowledgeproduct_{field}",
            f'"{name}_id", "knowledgeproduct_id"',
            f'"{name}_id", "knowledgeproduct_id"',
            "",
        )
        for name, field in [
            ("theme", "themes"),
            ("partnership", "partnerships"),
            ("organisation", "organisations"),
            ("country", "countries"),
            ("language", "languages"),
        ]
    ],
]


def create_indexes(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, table, pg_columns, sqlite_columns, condition in BY_HAND:
        columns = pg_columns if postgresql else sqlite_columns
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns}) {condition}')


def drop_indexes(apps, schema_editor):
    for name, *_ in BY_HAND:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0008_reviewers_group'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='knowledgeproduct',
            index=models.Index(django.db.models.functions.text.Lower('title'), models.F('id'), condition=models.Q(('status', 'published')), name='product_published_title'),
        ),
        migrations.AddIndex(
            model_name='knowledgeproduct',
            index=models.Index(models.OrderBy(models.F('published_at'), descending=True), condition=models.Q(('featured', True), ('status', 'published')), name='product_featured_newest'),
        ),
        migrations.AddIndex(
            model_name='taggedproduct',
            index=models.Index(fields=['tag', 'content_object'], name='product_tag_reverse'),
        ),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
