# The document's words in the search documents without their positions (search.fulltext._weighted): the
# vectors written before keep the words of the record (weights A to C) as they were and drop the positions
# of the document's (weight D), which is what writing them again would give, without reading the documents.

from django.db import migrations

STRIP_DOCUMENTS = (
    "UPDATE inventory_searchdocument SET vector = ts_filter(vector, '{a,b,c}') || strip(ts_filter(vector, '{d}')) "
    "WHERE length(ts_filter(vector, '{d}')) > 0"
)


def strip_documents(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STRIP_DOCUMENTS)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_full_text_index"),
        ("inventory", "0017_admin_list_indexes"),
    ]

    operations = [migrations.RunPython(strip_documents, migrations.RunPython.noop)]
