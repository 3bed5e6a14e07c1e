"""The W3C suites run against real `kg serve` processes: all are marked slow."""

from __future__ import annotations

from pathlib import Path

from tests.support.markers import mark_slow


def pytest_collection_modifyitems(items):
    mark_slow(items, Path(__file__).parent)
