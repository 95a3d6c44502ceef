# The full-text index of each database (search.fulltext): on PostgreSQL the unaccent extension, with which
# the search documents and queries are read without accents; on SQLite the FTS5 table, one row per product
# (its id as the rowid). Fill them with `manage.py update_search_vectors`.

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

FTS_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, summary, description, document, tokenize = 'porter unicode61 remove_diacritics 2')"
)


def create_fts_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(FTS_TABLE)


def drop_fts_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0013_document_text"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(create_fts_table, drop_fts_table),
    ]
