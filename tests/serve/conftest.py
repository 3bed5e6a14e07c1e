"""Every test here starts `kg serve` as a subprocess and talks HTTP to it: all are marked slow."""

from __future__ import annotations

from pathlib import Path

from tests.support.markers import mark_slow


def pytest_collection_modifyitems(items):
    mark_slow(items, Path(__file__).parent)
