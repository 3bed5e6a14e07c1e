"""The reliability suite: crashes, full disks and hostile inputs against real `kg` processes.

Every test here starts `kg` as a subprocess (marked slow). The long load and soak cases run only
with ``KG_LONG_TESTS=1`` in the environment.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.markers import mark_slow


def pytest_collection_modifyitems(items):
    mark_slow(items, Path(__file__).parent)
