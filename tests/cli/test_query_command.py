"""``kg query`` as a user runs it, in a subprocess: output formats, errors, the list of example queries.

Every example query's answer through ``kg query`` is checked in-process, in
tests/article/test_example_queries.py; here one of them runs as a real process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from tests.conftest import GOOD_ROWS, ROOT
from tests.support.servers import KG

TEST_QUERIES = ROOT / "tests" / "support" / "queries"


def kg(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [KG, *args], cwd=cwd, capture_output=True, text=True, timeout=180, env=dict(os.environ)
    )


def test_kg_query_runs_an_example_query_by_name():
    result = kg("query", "09-events-in-date-order", "--rdf", "exports/graph.nt", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["head"]["vars"] == ["number", "date", "precision", "title_zh", "title_en"]
    numbers = [int(b["number"]["value"]) for b in document["results"]["bindings"]]
    assert sorted(numbers) == list(range(1, 11))  # the article's ten events
    assert "10 row(s)" in result.stderr


def test_kg_query_formats_and_piped_default(write_csv):
    csv = str(write_csv(GOOD_ROWS))
    piped = kg("query", "SELECT ?label WHERE { ent:lab rdfs:label ?label } ORDER BY ?label", "--data", csv)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.splitlines() == ["label", "Yongjiang Laboratory", "甬江实验室"]  # CSV when piped
    assert "2 row(s)" in piped.stderr
    as_json = kg("query", "located", "--queries", str(TEST_QUERIES), "--data", csv, "-f", "json")
    assert json.loads(as_json.stdout) == {"head": {}, "boolean": True}
    table = kg("query", "labels", "--queries", str(TEST_QUERIES), "--data", csv, "-f", "table")
    assert "ent:lab" in table.stdout and "甬江实验室" in table.stdout
    ntriples = kg("query", "evidence", "--queries", str(TEST_QUERIES), "--data", csv, "-f", "ntriples")
    assert (
        ntriples.stdout.count(" .\n") == 1
        and "<https://example.org/ningbo-kg/vocab#quote>" in ntriples.stdout
    )


def test_kg_query_refuses_a_format_that_does_not_fit_the_query(write_csv):
    result = kg("query", "ASK {}", "--data", str(write_csv(GOOD_ROWS)), "-f", "turtle")
    assert result.returncode == 2 and "--format turtle is for CONSTRUCT and DESCRIBE" in result.stderr


def test_kg_query_syntax_error_is_one_line_without_traceback(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# broken\nSELECT * WHERE {\n  ?s ?p }\n", encoding="utf-8")
    result = kg("query", str(bad), "--rdf", "exports/graph.nt")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert re.search(
        rf"{re.escape(str(bad))}: syntax error at line [34], column \d+: expected", result.stderr
    )


def test_kg_query_list_shows_names_and_questions():
    result = kg("query", "--list", "--queries", str(TEST_QUERIES))
    assert result.returncode == 0
    assert (
        "located  甬江实验室位于高新区吗？ / Is Yongjiang Laboratory located in the high-tech zone?"
        in result.stdout
    )


@pytest.mark.parametrize("command", ["query", "serve", "push"])
def test_new_commands_have_help_and_a_readme_section(command):
    result = kg(command, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout
    assert f"kg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")
