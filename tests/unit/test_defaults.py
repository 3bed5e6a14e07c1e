"""The one rule of defaults: a default data/ file is the working directory's when it is there, else the package's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import pipeline
from graph.cli import cli
from graph.defaults import (
    DEFAULT_CSV,
    DEFAULT_SHAPES,
    DEFAULT_VOCABULARY,
    QUERIES_DIR,
    STARTER,
    resolve,
)
from graph.ingest import load_facts
from graph.sparql.query import example_queries, find_query
from tests.conftest import ROOT

SHIPPED = [DEFAULT_VOCABULARY, DEFAULT_SHAPES, QUERIES_DIR]
STARTER_SOURCE = "sources/ningbo-2024-top-ten-excerpt.txt"


def facts_only(folder: Path, drop: str | None = None) -> None:
    """A project folder with the starter's facts (less the rows starting with ``drop``) and source
    document, and no vocabulary, shapes or queries."""
    (folder / "data" / "sources").mkdir(parents=True)
    shutil.copyfile(STARTER / "data" / STARTER_SOURCE, folder / "data" / STARTER_SOURCE)
    lines = (STARTER / "data/triples.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if drop is None or not line.startswith(drop)]
    (folder / DEFAULT_CSV).write_text("\n".join(kept) + "\n", encoding="utf-8")


def test_the_defaults_are_relative_paths_a_user_would_type():
    assert [str(p) for p in (DEFAULT_CSV, *SHIPPED)] == [
        "data/triples.csv",
        "data/vocabulary.ttl",
        "data/shapes.ttl",
        "data/queries",
    ]


@pytest.mark.parametrize("default", SHIPPED, ids=str)
def test_a_folder_without_the_file_gets_the_package_copy(default, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve(default) == STARTER / default
    assert resolve(str(default)) == STARTER / default  # a string the user typed is the same path
    assert resolve(default).exists()


@pytest.mark.parametrize("default", SHIPPED, ids=str)
def test_a_folder_with_the_file_keeps_its_own(default, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    if default == QUERIES_DIR:
        (tmp_path / default).mkdir()
    else:
        (tmp_path / default).write_text("", encoding="utf-8")
    assert resolve(default) == default


def test_the_rule_follows_the_working_directory_at_call_time(tmp_path, monkeypatch):
    (tmp_path / "with" / "data").mkdir(parents=True)
    (tmp_path / "with" / DEFAULT_SHAPES).write_text("", encoding="utf-8")
    (tmp_path / "without").mkdir()
    monkeypatch.chdir(tmp_path / "with")
    assert resolve(DEFAULT_SHAPES) == DEFAULT_SHAPES
    monkeypatch.chdir(tmp_path / "without")
    assert resolve(DEFAULT_SHAPES) == STARTER / DEFAULT_SHAPES
    monkeypatch.chdir(tmp_path / "with")
    assert resolve(DEFAULT_SHAPES) == DEFAULT_SHAPES


def test_other_paths_and_the_facts_never_fall_back(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve(DEFAULT_CSV) == DEFAULT_CSV  # the facts are the user's, never the package's
    assert resolve("mine/vocabulary.ttl") == Path("mine/vocabulary.ttl")
    assert resolve(tmp_path / DEFAULT_VOCABULARY) == tmp_path / DEFAULT_VOCABULARY  # absolute: as given


def test_in_this_checkout_the_defaults_are_its_data():
    assert resolve(DEFAULT_VOCABULARY).resolve() == (ROOT / "data/vocabulary.ttl").resolve()


def test_a_folder_with_only_facts_builds_with_the_package_vocabulary_and_shapes(tmp_path, monkeypatch):
    facts_only(tmp_path / "good")
    monkeypatch.chdir(tmp_path / "good")
    graph, problems = pipeline.check()
    assert graph is not None and problems == []
    assert len(graph.facts.facts) == 30


def test_the_package_shapes_are_checked_in_a_folder_without_shapes(tmp_path, monkeypatch):
    facts_only(tmp_path, drop=",miit,rdfs:label,Ministry")
    monkeypatch.chdir(tmp_path)
    graph, problems = pipeline.check()
    assert graph is None
    assert any("English label" in p.message for p in problems), problems
    assert load_facts([DEFAULT_CSV]).errors == []  # the rows alone are fine: only the shapes object


def test_a_folder_vocabulary_replaces_the_package_one(tmp_path, monkeypatch):
    facts_only(tmp_path)
    vocabulary = (STARTER / DEFAULT_VOCABULARY).read_text(encoding="utf-8")
    start = vocabulary.index("kg:topTalentCount a owl:DatatypeProperty")
    (tmp_path / DEFAULT_VOCABULARY).write_text(vocabulary[:start], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    graph, problems = pipeline.check()
    assert graph is None
    assert any("kg:topTalentCount" in p.message for p in problems), problems


def test_queries_come_from_the_folder_or_else_the_package(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shipped = [q.name for q in example_queries()]
    assert shipped == [p.stem for p in sorted((STARTER / QUERIES_DIR).glob("*.rq"))] and shipped
    assert find_query(shipped[0]).text == (STARTER / QUERIES_DIR / f"{shipped[0]}.rq").read_text(
        encoding="utf-8"
    )
    (tmp_path / QUERIES_DIR).mkdir(parents=True)
    (tmp_path / QUERIES_DIR / "mine.rq").write_text("# mine\nASK {}\n", encoding="utf-8")
    assert [q.name for q in example_queries()] == ["mine"]


def test_help_shows_the_relative_defaults_not_where_the_package_lies():
    runner = CliRunner()
    for command in (["validate"], ["query"], ["serve"]):
        result = runner.invoke(cli, [*command, "--help"])
        assert result.exit_code == 0, result.output
        text = " ".join(result.output.split())  # as read, whatever the wrapping
        assert "[default: data/vocabulary.ttl]" in text
        assert "[default: data/shapes.ttl]" in text
        assert str(ROOT) not in text and str(STARTER) not in text
