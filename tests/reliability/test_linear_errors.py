"""Errors are found in linear time: each distinct mistake is worked out once, whatever the number of rows."""

from __future__ import annotations

import difflib

from graph.ingest import csv_reader, load_facts
from tests.conftest import EV, GOOD_ROWS, HEADER


def test_the_spelling_suggestion_is_computed_once_per_distinct_cell(write_csv, monkeypatch):
    calls = []
    real = difflib.get_close_matches

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    rows = [f",zone{i},skos:altLabell,别名{i},,zh,,,{EV}" for i in range(500)]
    facts = load_facts([write_csv([*GOOD_ROWS, *rows])])
    assert sum("altLabell" in p.message or "altLabell" in p.hint for p in facts.errors) >= 1
    assert calls.count("skos:altLabell") <= 1


def test_a_header_of_many_columns_is_reported_in_bounded_lines(write_csv, monkeypatch):
    calls = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    header = HEADER + "," + ",".join(f"extra{i}" for i in range(100_000)) + "," + ",".join([""] * 100_000)
    facts = load_facts([write_csv([], header=header)])
    assert len(facts.problems) <= csv_reader.MAX_HEADER_PROBLEMS + 2
    assert any("more unknown columns" in p.message for p in facts.problems)
    assert any("appears 100000 times" in p.message for p in facts.problems)
    assert len(calls) <= csv_reader.MAX_HEADER_PROBLEMS
