"""`kg draft`: a draft of the article that `kg validate` accepts, the same bytes every time, known entities by key."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

KG = shutil.which("kg", path=str(Path(sys.executable).parent)) or "kg"
ARTICLE = ROOT / "data/sources/000_ae5b4b592fd66ac1.txt"
VOCABULARY = ROOT / "data/vocabulary.ttl"
SHAPES = ROOT / "data/shapes.ttl"


def kg(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([KG, *args], cwd=cwd, capture_output=True, text=True, timeout=180)


@pytest.fixture
def project(tmp_path):
    """A folder laid out like a project: the article in data/sources/, the draft to go to data/."""
    (tmp_path / "data/sources").mkdir(parents=True)
    shutil.copy(ARTICLE, tmp_path / "data/sources" / ARTICLE.name)
    shutil.copy(ROOT / "data/triples.csv", tmp_path / "data/triples.csv")
    return tmp_path


def draft(project: Path, *options: str, out: str = "data/draft.csv") -> subprocess.CompletedProcess:
    result = kg(
        "draft",
        f"data/sources/{ARTICLE.name}",
        "--vocabulary",
        str(VOCABULARY),
        "--out",
        out,
        *options,
        cwd=project,
    )
    assert result.returncode == 0, result.stderr
    return result


def validate(project: Path, path: str) -> subprocess.CompletedProcess:
    return kg("validate", path, "--vocabulary", str(VOCABULARY), "--shapes", str(SHAPES), cwd=project)


def test_the_draft_of_the_article_validates(project):
    result = draft(project)
    assert "wrote" in result.stderr
    checked = validate(project, "data/draft.csv")
    assert checked.returncode == 0, checked.stderr
    assert "valid:" in checked.stderr
    with open(project / "data/draft.csv", encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0])[-2:] == ["confidence", "note"]
    assert all(row["evidence"] for row in rows if not row["subject"].startswith("#"))


def test_the_draft_is_byte_deterministic(project):
    draft(project, out="data/one.csv")
    draft(project, out="data/two.csv")
    assert (project / "data/one.csv").read_bytes() == (project / "data/two.csv").read_bytes()


def test_known_entities_are_linked_by_key_and_the_draft_still_validates(project):
    draft(project, "--known", "data/triples.csv")
    with open(project / "data/draft.csv", encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    subjects = {row["subject"] for row in rows}
    assert {"nbu", "nimte", "ningbo-hitech-zone", "yongjiang-lab", "event-3"} <= subjects
    links = {(row["subject"], row["predicate"], row["object"]) for row in rows}
    assert {("event-3", "kg:involves", "nbut"), ("event-4", "kg:involves", "nbu")} <= links
    assert ("event-3", "schema:isPartOf", "top-ten-list") in links
    checked = validate(project, "data/draft.csv")
    assert checked.returncode == 0, checked.stderr


def test_compare_prints_found_missed_and_extra(project):
    result = draft(project, "--compare", "data/triples.csv")
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["entities", "figures", "links", "rows"]
    assert "found" in lines[0] and "missed" in lines[0] and "extra" in lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "missing.txt: article not found. Fix:"),
        ([f"data/sources/{ARTICLE.name}", "--out", "nowhere/draft.csv"], "does not exist. Fix:"),
        (
            [f"data/sources/{ARTICLE.name}", "--known", "nope.csv"],
            "nope.csv: known-entities CSV not found. Fix:",
        ),
        ([f"data/sources/{ARTICLE.name}", "--compare", "nope.csv"], "nope.csv: curated CSV not found. Fix:"),
    ],
)
def test_user_errors_are_one_line_without_a_traceback(project, args, message):
    result = kg("draft", *args, "--vocabulary", str(VOCABULARY), cwd=project)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (project / "draft.csv").exists()


def test_an_article_that_is_not_utf8_is_refused(project):
    (project / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    result = kg("draft", "latin1.txt", "--vocabulary", str(VOCABULARY), cwd=project)
    assert result.returncode == 1
    assert "not UTF-8. Fix:" in result.stderr
