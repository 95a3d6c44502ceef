# The search vector moves from the product's row to a narrow table of its own (see SearchDocument): a broad
# search reads the vector of most products, and the product rows, with all their texts, are twice as wide.

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


def move_vectors_in(apps, schema_editor):
    # Full-text search (`q` on /products/, the API and the CSV) matches against this vector. A GIN index
    # exists only on PostgreSQL; SQLite searches with a simple fallback instead.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "INSERT INTO inventory_searchdocument (product_id, vector) "
        "SELECT id, search_vector FROM inventory_knowledgeproduct WHERE search_vector IS NOT NULL"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_document_vector_gin ON inventory_searchdocument USING gin (vector)"
    )


def move_vectors_back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "UPDATE inventory_knowledgeproduct AS product SET search_vector = document.vector "
        "FROM inventory_searchdocument AS document WHERE document.product_id = product.id"
    )
    schema_editor.execute("DROP INDEX IF EXISTS search_document_vector_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0009_perf_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "product",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="inventory.knowledgeproduct",
                    ),
                ),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.RunPython(move_vectors_in, move_vectors_back),
        # Its GIN index (product_search_vector_gin, migration 0004) goes with the column.
        migrations.RemoveField(
            model_name="knowledgeproduct",
            name="search_vector",
        ),
    ]
