"""Checks that need tools from outside Python (Chromium, Java with the Nu Html Checker, GNU gettext).

On a developer's machine without them these checks are skipped with the reason. CI sets
REQUIRE_ALL_CHECKS=1, which turns every such skip into a failure: there, a check that did not run is a check
that failed.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

REQUIRE_ALL_CHECKS = os.environ.get("REQUIRE_ALL_CHECKS", "").lower() in {"1", "true", "yes"}
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
VNU_JAR = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def unavailable(reason: str) -> None:
    """Skip the test for `reason`; under REQUIRE_ALL_CHECKS, fail it instead."""
    if REQUIRE_ALL_CHECKS:
        pytest.fail(f"{reason} (REQUIRE_ALL_CHECKS is set, so this check must run)", pytrace=False)
    pytest.skip(reason)


def java_and_vnu() -> tuple[str, Path]:
    """The java command and the Nu Html Checker's jar, or skip (see `unavailable`)."""
    java = shutil.which("java")
    if java is None:
        unavailable("the HTML checks need Java (17 or later) to run the Nu Html Checker")
    if not VNU_JAR.exists():
        unavailable(f"the HTML checks need the Nu Html Checker: run `npm ci` (looked for {VNU_JAR})")
    return java, VNU_JAR


def xgettext() -> str:
    command = shutil.which("xgettext")
    if command is None:
        unavailable("checking the translations for new strings needs GNU gettext (apt-get install gettext)")
    return command
