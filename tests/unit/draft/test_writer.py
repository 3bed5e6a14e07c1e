"""The draft's CSV: its columns, byte-determinism and atomic writes."""

from __future__ import annotations

import os

import pytest

from graph.draft.writer import DRAFT_COLUMNS, render_rows, write_rows
from graph.ingest.csv_reader import COLUMNS, read_rows


def test_the_review_columns_follow_the_format_columns_and_the_reader_accepts_them(tmp_path):
    assert DRAFT_COLUMNS[: len(COLUMNS)] == COLUMNS
    path = write_rows(
        [{"subject": "x", "predicate": "a", "object": "kg:Fund", "note": "check, please"}], tmp_path / "d.csv"
    )
    result = read_rows(path)
    assert result.problems == []
    assert result.rows[0]["object"] == "kg:Fund"
    assert "note" not in result.rows[0].cells  # the build ignores the review columns


def test_an_unknown_column_is_still_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(",".join((*COLUMNS, "remarks")) + "\n", encoding="utf-8")
    assert [p.column for p in read_rows(path).problems] == ["remarks"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "draft.csv"
    path.write_text("old", encoding="utf-8")

    def broken(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_rows([{"subject": "x", "predicate": "a", "object": "kg:Fund"}], path)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["draft.csv"]


def test_rendering_is_deterministic():
    rows = [{"subject": "x", "predicate": "rdfs:label", "object": "“引号”, 逗号", "lang": "zh"}]
    assert render_rows(rows) == render_rows([dict(r) for r in rows])
    assert "\r" not in render_rows(rows)
