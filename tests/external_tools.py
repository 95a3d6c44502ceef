"""Checks that need tools from outside Python (Chromium, Java with the Nu Html Checker, GNU gettext, nginx).

On a developer's machine without them these checks are skipped with the reason. CI sets
REQUIRE_ALL_CHECKS=1, which turns every such skip into a failure: there, a check that did not run is a check
that failed.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_nginx(configure: Callable[[str, int], str], purpose: str) -> Iterator[int]:
    """nginx (the system's package) on a free port with the configuration `configure(folder, port)` writes,
    run from a temporary folder, until the block ends; yields the port. Skips for `purpose` without nginx."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        unavailable(f"{purpose} needs nginx (apt-get install nginx)")
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        conf = Path(folder) / "nginx.conf"
        conf.write_text(configure(folder, port))
        # Run as root (CI), nginx's workers are another user, who must reach what is under the folder.
        Path(folder).chmod(0o755)
        process = subprocess.Popen([nginx, "-c", str(conf), "-p", folder], stderr=subprocess.PIPE)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
            yield port
        finally:
            process.terminate()
            process.wait(timeout=10)
