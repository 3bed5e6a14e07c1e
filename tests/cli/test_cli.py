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
        "analysis.json",
        "analysis.csv",
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


def test_analyze_names_the_most_central_entities_and_the_communities():
    result = run(KG, "analyze", "-q", env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "宁波市" in result.stdout and "community-0" in result.stdout and "event-7" in result.stdout
    as_json = run(KG, "analyze", "-q", "--format", "json")
    assert as_json.stdout == (ROOT / "exports" / "analysis.json").read_text(encoding="utf-8")
    as_csv = run(KG, "analyze", "-q", "--format", "csv")
    assert as_csv.stdout == (ROOT / "exports" / "analysis.csv").read_text(encoding="utf-8")


def test_path_prints_each_hop_with_its_sentence():
    result = run(KG, "path", "江丰", "宁波材料所", "-q", env={"COLUMNS": "300"})
    assert result.returncode == 0, result.stderr
    assert "kg:involves (涉及 / involves)" in result.stdout
    assert "在中国科学院、浙江省和宁波市的大力支持下" in result.stdout
    none = run(KG, "path", "江丰", "宁波材料所", "--max-hops", "1", "-q")
    assert none.returncode == 1 and "no path" in none.stderr
    ambiguous = run(KG, "path", "宁波高新", "江丰", "-q")
    assert ambiguous.returncode == 1
    assert "ningbo-hitech-zone" in ambiguous.stderr and "hitech-zone-committee" in ambiguous.stderr


def test_diff_exits_0_when_equal_and_1_when_different(write_csv):
    same = run(KG, "diff", "data/triples.csv", "exports/graph.nt")
    assert same.returncode == 0, same.stderr
    assert same.stdout == "" and "no change" in same.stderr
    old = write_csv(GOOD_ROWS, name="old.csv")
    new = write_csv([r.replace("甬江实验室,,zh", "甬江实验室（新）,,zh") for r in GOOD_ROWS], name="new.csv")
    text = run(KG, "diff", str(old), str(new))
    assert text.returncode == 1
    assert "relabelled: ent:lab rdfs:label: '甬江实验室' -> '甬江实验室（新）'" in text.stdout
    assert f"old {old}:6" in text.stdout and "甬江实验室位于宁波。" in text.stdout
    as_csv = run(KG, "diff", str(old), str(new), "--format", "csv")
    assert as_csv.returncode == 1 and as_csv.stdout.splitlines()[1].startswith("relabelled,")
    patch = run(KG, "diff", str(old), str(new), "--format", "patch")
    assert patch.stdout.startswith("DELETE DATA {") and "INSERT DATA {" in patch.stdout
    missing = run(KG, "diff", str(old), "no-such-revision-or-file")
    assert missing.returncode == 2 and "not a file, a folder or a git revision" in missing.stderr


def test_synth_like_and_resolve_find_the_planted_pairs(tmp_path):
    second = tmp_path / "second"
    made = run(KG, "synth", "6", "--like", "data/triples.csv", "--out", str(second), "--seed", "2")
    assert made.returncode == 0, made.stderr
    planted = (second / "planted.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(planted) == 6
    result = run(
        KG, "resolve", "data/triples.csv", str(second / "registry.csv"), "--no-shapes", env={"COLUMNS": "300"}
    )
    assert result.returncode == 0, result.stderr
    for line in planted:
        new, old, _ = line.split(",")
        assert f"{old} = {new}" in result.stdout or f"{new} = {old}" in result.stdout
    assert "data/triples.csv:" in result.stdout and "registry.csv:" in result.stdout  # both sides' rows
    # decided pairs are never proposed again
    new, old, _ = planted[0].split(",")
    decisions = tmp_path / "decided.csv"
    decisions.write_text(
        f"key,same_as,decision,who,date,reason\n{old},{new},same,t,2026-12-01,x\n", encoding="utf-8"
    )
    again = run(
        KG, "resolve", "data/triples.csv", str(second / "registry.csv"), "--no-shapes", "--decisions", str(decisions),
        "--format", "csv",
    )  # fmt: skip
    assert again.returncode == 0
    assert f"{old},{new}," not in again.stdout and f"{new},{old}," not in again.stdout
    assert again.stdout.startswith("key,same_as,decision,who,date,reason")
