"""A web process gives large freed blocks back to the system, however large the blocks it freed before."""

import subprocess
import sys

import pytest
from django.conf import settings

from core import allocator

PROBE = """
import sys
from core import allocator

def resident() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024

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


def kept_after_freeing(mode: str) -> int:
    """MiB a fresh process still holds after filling and freeing 40 blocks of 1 MiB."""
    found = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True, cwd=settings.BASE_DIR
    )
    return int(found.stdout.strip())


@pytest.mark.skipif(not allocator.install(), reason="glibc's allocator only")
def test_blocks_freed_after_a_large_one_go_back_to_the_system():
    assert kept_after_freeing("moving") >= 30  # the threshold moved: the 40 MiB stay with the process
    assert kept_after_freeing("fixed") <= 6  # what is kept: 2.5 MiB


GIVE_BACK = """
import sys
from core import allocator

def resident() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024

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


@pytest.mark.skipif(not allocator.install(), reason="glibc's allocator only")
def test_what_is_freed_in_the_heap_is_handed_back_when_asked():
    def held(mode: str) -> tuple[int, int]:
        found = subprocess.run(
            [sys.executable, "-c", GIVE_BACK, mode],
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
        )
        freed, after = found.stdout.split()
        return int(freed), int(after)

    freed, after = held("keep")
    assert freed >= 25 and after >= 25  # freed, but still the process's
    freed, after = held("give back")
    assert freed >= 25 and after <= 5
