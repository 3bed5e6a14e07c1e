"""`kg init DIR`: a new project folder that builds at once, made whole or not at all, from the article's own facts."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from graph import pipeline
from graph.defaults import STARTER
from graph.errors import InputError
from graph.starter import init_project
from tests.conftest import ROOT

KG = shutil.which("kg", path=str(Path(sys.executable).parent)) or "kg"
STARTER_DATA = STARTER / "data"
ARTICLE = "sources/000_ae5b4b592fd66ac1.txt"
STARTER_SOURCE = "sources/ningbo-2024-top-ten-excerpt.txt"


def kg(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([KG, *args], cwd=cwd, capture_output=True, text=True, timeout=180)


def starter_files() -> dict[str, bytes]:
    return {str(p.relative_to(STARTER_DATA)): p.read_bytes() for p in STARTER_DATA.rglob("*") if p.is_file()}


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_init_writes_the_starter_data_folder(tmp_path):
    files = init_project(tmp_path / "new" / "graph")
    data = tmp_path / "new" / "graph" / "data"
    assert files == sorted(data / name for name in starter_files())
    assert tree(data) == starter_files()
    assert {"triples.csv", "vocabulary.ttl", "shapes.ttl", "dataset.ttl", STARTER_SOURCE} <= set(tree(data))
    assert [p.name for p in (tmp_path / "new" / "graph").iterdir()] == ["data"]  # no staging folder left


def test_init_fills_an_empty_folder(tmp_path):
    init_project(tmp_path)
    assert tree(tmp_path / "data") == starter_files()


def test_the_new_project_builds_without_a_problem(tmp_path, monkeypatch):
    init_project(tmp_path / "project")
    monkeypatch.chdir(tmp_path / "project")
    graph, problems = pipeline.check()
    assert graph is not None and problems == []
    assert len(graph.facts.facts) == 30
    assert graph.facts.vocabulary.path.resolve() == (tmp_path / "project/data/vocabulary.ttl").resolve()


@pytest.mark.parametrize("existing", ["folder with a file", "file"])
def test_init_refuses_anything_but_a_new_or_empty_folder_and_writes_nothing(existing, tmp_path):
    target = tmp_path / "target"
    if existing == "file":
        target.write_text("mine", encoding="utf-8")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree(tmp_path)
    with pytest.raises(InputError, match="new or empty folder"):
        init_project(target)
    assert tree(tmp_path) == before


@pytest.mark.parametrize("target_exists", [False, True])
def test_a_failure_part_way_leaves_nothing_half_made(target_exists, tmp_path, monkeypatch):
    target = tmp_path / "outer" / "project"
    if target_exists:
        target.mkdir(parents=True)
    copies = []

    def copy_then_fail(source, destination, **kwargs):
        if len(copies) == 3:
            raise OSError(28, "No space left on device")
        copies.append(destination)
        return shutil.copyfile(source, destination, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", copy_then_fail)
    with pytest.raises(OSError, match="No space left"):
        init_project(target)
    assert len(copies) == 3  # it failed part way, with files already copied
    if target_exists:
        assert list(target.iterdir()) == []
    else:
        assert not (tmp_path / "outer").exists()


def test_the_starter_facts_are_rows_of_the_project_data_quoting_the_article():
    """Nothing is invented: each starter row is a row of data/triples.csv (its source renamed), and
    each line of the starter's source document is a line of the article."""
    project_rows = (ROOT / "data/triples.csv").read_text(encoding="utf-8").splitlines()
    starter_rows = (STARTER_DATA / "triples.csv").read_text(encoding="utf-8").splitlines()
    assert starter_rows[0] == project_rows[0]
    assert 10 <= len(starter_rows) - 1 <= 30
    assert all(row.replace(STARTER_SOURCE, ARTICLE) in project_rows for row in starter_rows[1:])
    article_lines = set((ROOT / "data" / ARTICLE).read_text(encoding="utf-8").splitlines())
    excerpt = (STARTER_DATA / STARTER_SOURCE).read_text(encoding="utf-8").splitlines()
    assert [line for line in excerpt if line and line not in article_lines] == []
    with open(STARTER_DATA / "triples.csv", encoding="utf-8") as stream:
        sources = {row["source"] for row in csv.DictReader(stream)} - {""}
    assert sources == {STARTER_SOURCE}


def test_the_starter_vocabulary_is_part_of_the_project_vocabulary():
    project = Graph().parse(ROOT / "data/vocabulary.ttl")
    starter = Graph().parse(STARTER_DATA / "vocabulary.ttl")
    assert len(starter) > 100
    assert set(starter) - set(project) == set()


def test_kg_init_then_build_validate_and_list_queries(tmp_path):
    made = kg("init", "project", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "next: cd project && kg build" in made.stderr
    project = tmp_path / "project"
    built = kg("build", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "460 triples from 30 facts" in built.stderr
    assert (project / "exports/graph.ttl").stat().st_size > 0
    assert kg("validate", "-q", cwd=project).returncode == 0
    listed = kg("query", "--list", cwd=project)
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [
        p.stem for p in sorted((project / "data/queries").glob("*.rq"))
    ]
    answer = kg("query", "03-high-tech-zone-ranking", "--format", "csv", cwd=project)
    assert answer.stdout.splitlines()[1].startswith("10,178,")


def test_kg_init_refuses_a_folder_in_use_in_one_line(tmp_path):
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "notes.txt").write_text("mine", encoding="utf-8")
    refused = kg("init", "project", cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.strip().count("\n") == 0 and "Traceback" not in refused.stderr
    assert "project: is a folder that is not empty" in refused.stderr
    assert [p.name for p in (tmp_path / "project").iterdir()] == ["notes.txt"]


def test_kg_init_has_help():
    shown = subprocess.run([KG, "init", "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0
    assert "Usage: kg init [OPTIONS] DIRECTORY" in shown.stdout and "kg init my-graph" in shown.stdout
