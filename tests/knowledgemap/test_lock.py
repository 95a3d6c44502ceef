"""Installs are reproducible: requirements/*.txt pin each dependency of pyproject.toml to a version its
range admits, and this environment (made by `make` from requirements/dev.txt) runs exactly those versions."""

import re
import tomllib
from importlib import metadata

import pytest
from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())["project"]
LOCKS = {
    "base": PYPROJECT["dependencies"],
    "s3": PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["s3"],
    "dev": PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["dev"],
}


def pins(lock: str) -> dict[str, str]:
    text = (settings.BASE_DIR / "requirements" / f"{lock}.txt").read_text()
    return {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s#]+)", text, re.MULTILINE)
    }


@pytest.mark.parametrize("lock", LOCKS)
def test_each_lock_pins_every_dependency_within_its_range(lock):
    pinned = pins(lock)
    for line in LOCKS[lock]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in requirements/{lock}.txt: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements/{lock}.txt pins {name}=={pinned[name]}, outside {requirement.specifier}: "
            "run `make lock`"
        )


def test_s3_support_is_only_in_the_locks_that_ask_for_it():
    assert "boto3" not in pins("base")
    assert "boto3" in pins("s3")


def test_this_environment_runs_the_locked_versions():
    different = {
        name: (version, metadata.version(name))
        for name, version in pins("dev").items()
        if metadata.version(name) != version
    }
    assert different == {}, "run `make` to install requirements/dev.txt"
