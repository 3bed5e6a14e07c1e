"""The `kg` command through its real entry points, as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EV, GOOD_ROWS, ROOT

KG = shutil.which("kg", path=str(Path(sys.executable).parent)) or "kg"


def run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}
    )


@pytest.mark.parametrize("command", [[], ["build"], ["validate"], ["stats"]])
def test_every_command_has_help(command):
    result = run(KG, *command, "--help")
    assert result.returncode == 0
    assert "Usage:" in result.stdout


def test_python_dash_m_is_the_same_command():
    assert run(sys.executable, "-m", "graph", "--help").stdout == run(KG, "--help").stdout


def test_build_writes_every_export(write_csv, tmp_path):
    out = tmp_path / "out"
    result = run(KG, "build", str(write_csv(GOOD_ROWS)), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert {p.name for p in out.iterdir()} == {
        "graph.ttl",
        "graph.nt",
        "graph.jsonld",
        "graph.rdf",
        "graph.graphml",
        "nodes.csv",
        "edges.csv",
        "void.ttl",
        "graph.html",
        "graph.gexf",
    }


def test_build_with_errors_prints_each_and_leaves_exports_untouched(write_csv, tmp_path):
    out = tmp_path / "out"
    assert run(KG, "build", str(write_csv(GOOD_ROWS)), "--out", str(out), "-q").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = write_csv(
        [
            *GOOD_ROWS,
            f",zone,dcterms:date,2024-13-40,,,,,{EV}",
            f",zone,kg:hots,lab,,,,,{EV}",
            f",zone,rdfs:label,x,,zh,,,{EV},extra",
        ],
        name="bad.csv",
    )
    result = run(KG, "build", str(bad), "--out", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if " error: " in line]
    assert len(lines) == 3
    assert lines[0].startswith(f"{bad}:9: column object: error: '2024-13-40'")
    assert lines[1].startswith(f"{bad}:10: column predicate: error:")
    assert lines[2].startswith(f"{bad}:11: column #12: error:")
    assert "nothing was written" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_validate_and_stats(write_csv):
    path = str(write_csv(GOOD_ROWS))
    assert run(KG, "validate", path).returncode == 0
    result = run(KG, "stats", path)
    assert result.returncode == 0
    assert "kg:Laboratory" in result.stdout and "schema:location" in result.stdout


def test_missing_file_is_a_one_line_error(tmp_path):
    result = run(KG, "validate", str(tmp_path / "nope.csv"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "nope.csv: error: cannot read the file" in result.stderr


def test_bad_vocabulary_is_a_one_line_error(write_csv, tmp_path):
    vocabulary = tmp_path / "vocab.ttl"
    vocabulary.write_text("this is not turtle", encoding="utf-8")
    result = run(KG, "validate", str(write_csv(GOOD_ROWS)), "--vocabulary", str(vocabulary))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "not a valid Turtle vocabulary" in result.stderr


def test_output_does_not_depend_on_hash_seed(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        result = run(KG, "build", "--out", str(out), "-q", env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outputs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outputs[0] == outputs[1]
