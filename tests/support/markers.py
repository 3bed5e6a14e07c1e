"""The ``slow`` mark, given to whole folders by their conftest.py (registered in pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest


def mark_slow(items: list[pytest.Item], folder: Path) -> None:
    """Mark every collected test under ``folder`` slow.

    A conftest's ``pytest_collection_modifyitems`` is handed every test of the session, not only
    its folder's, hence the filter.
    """
    for item in items:
        if item.path.is_relative_to(folder):
            item.add_marker(pytest.mark.slow)
