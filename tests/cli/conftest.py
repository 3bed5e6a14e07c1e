"""Every test here runs `kg` (and for push, Oxigraph's server) as a subprocess: all are marked slow."""

from __future__ import annotations

from pathlib import Path

from tests.support.markers import mark_slow


def pytest_collection_modifyitems(items):
    mark_slow(items, Path(__file__).parent)
