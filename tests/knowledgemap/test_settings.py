"""Settings come from the environment; a bad value stops the start with a clear message."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from knowledgemap.settings import env_bool, env_int, env_list

PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "db = settings.DATABASES['default'];"
    "print(json.dumps({'engine': db['ENGINE'], 'options': db.get('OPTIONS', {}),"
    "'cache': settings.CACHES['default']['BACKEND'], 'debug': settings.DEBUG}))"
)


def read_settings(**env):
    """Start the settings in a fresh interpreter with exactly this environment."""
    clean = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="knowledgemap.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=clean, capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    return result


def test_env_helpers_refuse_values_they_cannot_read(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    monkeypatch.setenv("SOME_NUMBER", "ten")
    monkeypatch.setenv("SOME_LIST", " a, b ,,c ")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be a boolean"):
        env_bool("SOME_FLAG")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be a whole number"):
        env_int("SOME_NUMBER", 1)
    assert env_list("SOME_LIST") == ["a", "b", "c"]


@pytest.mark.slow  # a fresh interpreter each
def test_debug_is_off_by_default_and_then_a_secret_key_is_required():
    result = read_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


@pytest.mark.slow  # a fresh interpreter each
def test_sqlite_is_set_up_for_several_writing_workers():
    result = read_settings(DEBUG="1")
    found = json.loads(result.stdout)
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["options"]["transaction_mode"] == "IMMEDIATE"
    assert found["options"]["timeout"] >= 5
    assert "journal_mode=WAL" in found["options"]["init_command"]


@pytest.mark.slow  # a fresh interpreter each
def test_the_cache_is_shared_by_workers():
    assert (
        json.loads(read_settings(DEBUG="1").stdout)["cache"] == "django.core.cache.backends.db.DatabaseCache"
    )
    with_redis = json.loads(read_settings(DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/0").stdout)
    assert with_redis["cache"] == "django.core.cache.backends.redis.RedisCache"


@pytest.mark.slow  # a fresh interpreter each
def test_postgres_comes_from_database_url():
    found = json.loads(read_settings(DEBUG="1", DATABASE_URL="postgres://u:p@db.example:5432/km").stdout)
    assert found["engine"] == "django.db.backends.postgresql"
    assert "transaction_mode" not in found["options"]
