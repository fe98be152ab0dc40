"""The database cache's table (settings.CACHES without REDIS_URL).

Django makes it with `manage.py createcachetable`, which is not a migration; running it here means
`migrate` alone prepares a new database, a fresh checkout's SQLite or a school's PostgreSQL. (Test
databases get it from Django's test setup too.) With Redis configured it does nothing.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("classroom", "0003_revisions_and_audit"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False),
    ]
