"""A web process gives large freed blocks back to the system, however large the blocks it freed before, and
hands back what is freed in its heap when asked."""

import subprocess
import sys

import pytest
from django.conf import settings

from core import allocator

# What each probe starts with: the allocator, and the process's resident memory in MiB.
PRELUDE = """
import sys
from core import allocator

def resident() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
"""

PROBE = """
if sys.argv[1] == "fixed":
    allocator.install()
big = bytearray(16 * 2**20)  # a large value read once: freeing it raises a moving threshold to 16 MiB
del big
before = resident()
parts, kept = [], []
for _ in range(40):  # a later value read in parts of a MiB, between them what the process keeps
    parts.append(bytearray(b"x" * 2**20))
    kept.append(bytearray(b"y" * 64 * 2**10))
del parts
print(resident() - before)
"""

GIVE_BACK = """
allocator.install()
before = resident()
small = [bytearray(b"x" * 60 * 2**10) for _ in range(500)]  # under the threshold: from the heap, 30 MiB
pinned = bytearray(b"y" * 60 * 2**10)  # kept, above them: the heap cannot shrink from its top
del small
freed = resident() - before
if sys.argv[1] == "give back":
    allocator.give_back()
print(freed, resident() - before)
"""


def probe(script: str, mode: str) -> list[int]:
    """What a fresh process running `script` (after PRELUDE) with `mode` prints: MiB figures."""
    found = subprocess.run(
        [sys.executable, "-c", PRELUDE + script, mode],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return [int(figure) for figure in found.stdout.split()]


def kept_after_freeing(mode: str) -> int:
    """MiB a fresh process still holds after filling and freeing 40 blocks of 1 MiB."""
    return probe(PROBE, mode)[0]


@pytest.mark.skipif(not allocator.install(), reason="glibc's allocator only")
def test_blocks_freed_after_a_large_one_go_back_to_the_system():
    assert kept_after_freeing("moving") >= 30  # the threshold moved: the 40 MiB stay with the process
    assert kept_after_freeing("fixed") <= 6  # what is kept: 2.5 MiB


@pytest.mark.skipif(not allocator.install(), reason="glibc's allocator only")
def test_what_is_freed_in_the_heap_is_handed_back_when_asked():
    freed, after = probe(GIVE_BACK, "keep")
    assert freed >= 25 and after >= 25  # freed, but still the process's
    freed, after = probe(GIVE_BACK, "give back")
    assert freed >= 25 and after <= 5
