"""The database cache's table, so that `migrate` alone prepares a database (with Redis, or any cache that is
not the database, there is nothing to do). Running `createcachetable` as well stays harmless."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=False)]
