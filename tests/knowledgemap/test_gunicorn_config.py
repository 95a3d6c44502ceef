"""gunicorn.conf.py takes the address, processes and timeouts from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledgemap.settings import BASE_DIR

pytestmark = pytest.mark.slow


def gunicorn_config(**variables: str) -> dict[str, str]:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [str(gunicorn), "--config", "gunicorn.conf.py", "--print-config", "knowledgemap.wsgi"],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), "DEBUG": "1", **variables},  # DEBUG: the app loads too
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_it_listens_on_localhost_only_unless_told_otherwise():
    config = gunicorn_config()
    assert config["bind"] == "['127.0.0.1:8000']"
    assert config["timeout"] == "30"


def test_port_processes_threads_and_timeout_come_from_the_environment():
    config = gunicorn_config(
        HOST="0.0.0.0", PORT="9123", WEB_CONCURRENCY="3", GUNICORN_THREADS="2", GUNICORN_TIMEOUT="45"
    )
    assert config["bind"] == "['0.0.0.0:9123']"
    assert (config["workers"], config["threads"], config["timeout"]) == ("3", "2", "45")
    assert config["worker_class"] == "gthread"
