"""The settings are secure by default: what `manage.py check --deploy` says in a clean environment."""

import os
import subprocess
import sys

import pytest
from django.core.management.utils import get_random_secret_key

from knowledgemap.settings import BASE_DIR

pytestmark = pytest.mark.slow


def run_in_fresh_environment(args: list[str], **variables: str) -> subprocess.CompletedProcess:
    """Run manage.py with DEBUG off, a real SECRET_KEY, ALLOWED_HOSTS and only the given extra variables:
    nothing from this test run's own environment leaks in."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DEBUG": "0",
        "SECRET_KEY": get_random_secret_key(),
        "ALLOWED_HOSTS": "knowledgemap.example.org",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def print_setting(expression: str, **variables: str) -> str:
    code = f"from django.conf import settings; print({expression})"
    result = run_in_fresh_environment(
        ["shell", "--no-startup", "--verbosity", "0", "--command", code], **variables
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_deploy_check_finds_nothing_with_only_a_secret_key_and_allowed_hosts():
    result = run_in_fresh_environment(["check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_plain_http_takes_an_explicit_setting_and_the_deploy_check_then_warns():
    result = run_in_fresh_environment(["check", "--deploy"], INSECURE_HTTP="1")
    output = result.stdout + result.stderr
    for warning in ["security.W004", "security.W008", "security.W012", "security.W016"]:
        assert warning in output


def test_https_redirect_hsts_and_secure_cookies_are_on_by_default():
    expression = (
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS >= 31536000, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE"
    )
    assert print_setting(expression) == "True True True True"


def test_the_forwarded_proto_header_is_trusted_only_behind_a_declared_tls_proxy():
    assert print_setting("getattr(settings, 'SECURE_PROXY_SSL_HEADER', None)") == "None"
    assert print_setting("settings.SECURE_PROXY_SSL_HEADER", BEHIND_TLS_PROXY="1") == (
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


def test_uploads_go_to_media_root_by_default_and_to_a_private_bucket_when_one_is_named():
    storage = "__import__('django.core.files.storage').core.files.storage.storages['default']"
    assert print_setting(f"type({storage}).__name__") == "FileSystemStorage"
    described = print_setting(
        f"type({storage}).__name__, {storage}.bucket_name, {storage}.default_acl",
        AWS_STORAGE_BUCKET_NAME="knowledgemap-uploads",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9",
    )
    assert described == "S3Storage knowledgemap-uploads private"
