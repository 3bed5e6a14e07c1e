"""The habits of sqlite-utils and rdfpipe: stdin as ``-``, ``--format`` on stats, results on stdout and
everything else on stderr, relative defaults in ``--help``, a port that does not collide, one-line refusals."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graph.cli import cli
from tests.conftest import ROOT

KG = shutil.which("kg", path=str(Path(sys.executable).parent)) or "kg"
TRIPLES = (ROOT / "data" / "triples.csv").read_text(encoding="utf-8")


def run(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [KG, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=180, env=dict(os.environ)
    )


def test_validate_reads_csv_from_stdin():
    valid = run("validate", "-", stdin=TRIPLES)
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout == "" and "valid: 910 facts" in valid.stderr
    broken = run("validate", "-", stdin=TRIPLES.replace(",kg:rank,", ",kg:rankx,", 1))
    assert broken.returncode == 1
    assert broken.stderr.startswith("<stdin>:") and "/tmp/" not in broken.stderr
    # validate never writes, so it does not say that nothing was written
    assert "nothing was written" not in broken.stderr
    assert broken.stderr.rstrip().endswith("error(s).")


def test_query_reads_its_text_from_stdin():
    answer = run("query", "-", "-f", "json", stdin="ASK { ?zone kg:rank 10 }")
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("output_format", ["csv", "json"])
def test_stats_formats_put_only_results_on_stdout(output_format):
    result = run("stats", "--format", output_format)
    assert result.returncode == 0, result.stderr
    if output_format == "json":
        document = json.loads(result.stdout)
        assert document["triples"] == 5675 and document["facts"] == 910
        counts = {row["term"]: row["count"] for row in document["classes"]}
    else:
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert list(rows[0]) == ["kind", "term", "label_zh", "label_en", "count"]
        counts = {row["term"]: int(row["count"]) for row in rows if row["kind"] == "class"}
    assert counts["kg:Event"] == 10
    assert "5675" not in result.stdout.splitlines()[-1] or output_format == "json"


def test_synth_reports_on_stderr(tmp_path):
    result = run("synth", "50", "--out", str(tmp_path / "s"))
    assert result.returncode == 0 and result.stdout == "" and "wrote" in result.stderr


def test_help_shows_relative_defaults_and_serve_does_not_take_oxigraphs_port():
    for name in ("build", "validate", "stats", "query", "serve", "push"):
        text = run(name, "--help").stdout
        assert str(ROOT) not in text and "/home/" not in text and "/work/" not in text, name
    port = next(p for p in cli.get_command(None, "serve").params if p.name == "port")
    assert port.default == 8765
    assert "default: 8765" in " ".join(run("serve", "--help").stdout.split())


def test_serve_refuses_a_missing_explorer_page_in_one_line():
    result = run("serve", "--port", "0", "--explorer", "missing.html")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "--explorer missing.html: no such file" in result.stderr
