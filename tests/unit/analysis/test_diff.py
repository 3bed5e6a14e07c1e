"""kg diff's library: changes named with their rows and sentences, and a patch that is exact."""

from __future__ import annotations

import json
import shutil
import subprocess

import pyoxigraph as ox
import pytest

from graph.analysis.diff import diff, diff_csv, diff_json, diff_text, load_side, sparql_patch
from graph.errors import InputError
from tests.conftest import EV, EV2, GOOD_ROWS, ROOT

NEW_ROWS = [
    row.replace("Yongjiang Laboratory", "Yongjiang Lab")  # relabelled (en)
    for row in GOOD_ROWS
    if "schema:location" not in row  # a fact removed
] + [
    f",lab,schema:location,ningbo,,,,,{EV2}",  # the value changed: same subject and property
    f",ningbo,a,schema:City,,,,,{EV2}",  # an entity added
    f",ningbo,rdfs:label,宁波,,zh,,,{EV2}",
    f"r1,zone,kg:rank,10,,,,,{EV}",
    f",#r1,kg:outOf,178,,,,,{EV}",  # a qualifier added (the old side has the rank without it)
]


def statement_store(triples) -> set[str]:
    store = ox.Store()
    store.extend(ox.Quad(*t) for t in triples)
    return {str(q.triple) for q in store}


@pytest.fixture
def sides(write_csv):
    old = write_csv([*GOOD_ROWS, f"r1,zone,kg:rank,10,,,,,{EV}"], name="old.csv")
    new = write_csv(NEW_ROWS, name="new.csv")
    return old, new


def test_each_kind_of_change_is_named_with_its_row_and_sentence(sides):
    old, new = sides
    result = diff(str(old), str(new))
    kinds = {(c.kind, c.predicate.rpartition("/")[2].rpartition("#")[2]) for c in result.changes}
    assert ("entity added", "") in kinds
    assert ("relabelled", "label") in kinds
    assert ("changed", "location") in kinds
    assert ("qualifier added", "rank") in kinds
    changed = next(c for c in result.changes if c.kind == "changed")
    assert changed.old.endswith("/zone") and changed.new.endswith("/ningbo")
    assert changed.old_row == f"{old}:8" and changed.new_row.startswith(f"{new}:")
    assert changed.old_sentence == "甬江实验室位于宁波。" == changed.new_sentence
    relabelled = next(c for c in result.changes if c.kind == "relabelled")
    assert (relabelled.old, relabelled.new) == ("Yongjiang Laboratory", "Yongjiang Lab")
    qualifier = next(c for c in result.changes if c.kind == "qualifier added")
    assert "outOf 178" in qualifier.new
    assert not result.equal


def test_the_patch_turns_the_old_graph_into_the_new_one(sides):
    old, new = sides
    result = diff(str(old), str(new))
    store = ox.Store()
    store.extend(ox.Quad(*t) for t in _terms(load_side(str(old)).triples))
    store.update(sparql_patch(result))
    assert {str(q.triple) for q in store} == statement_store(_terms(load_side(str(new)).triples))


def _terms(triples):
    parsed = ox.parse(
        input="".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode(), format=ox.RdfFormat.N_TRIPLES
    )
    return [(q.subject, q.predicate, q.object) for q in parsed]


def test_equal_sides_give_no_change_and_an_empty_patch(write_csv):
    path = write_csv(GOOD_ROWS)
    result = diff(str(path), str(path))
    assert result.equal and result.changes == [] and sparql_patch(result) == ""


def test_the_csv_and_its_built_graph_nt_are_equal():
    result = diff(str(ROOT / "data" / "triples.csv"), str(ROOT / "exports" / "graph.nt"))
    assert result.equal


def test_outputs_carry_the_same_changes(sides):
    old, new = sides
    result = diff(str(old), str(new))
    data = json.loads(diff_json(result))
    assert data["equal"] is False and len(data["changes"]) == len(result.changes)
    assert data["triples_inserted"] == len(result.inserted)
    assert diff_csv(result).count("\n") == len(result.changes) + 1
    text = diff_text(result, {"ent": "https://example.org/ningbo-kg/entity/"})
    assert any(mark == "~" and "ent:lab" in line and "Yongjiang Lab" in line for mark, line in text)


def test_two_git_revisions_of_the_data_are_compared_exactly(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")

    def git(*args):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    csv_path = repo / "data" / "triples.csv"
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    rank = next(i for i, line in enumerate(lines) if ",kg:rank,10," in line)
    lines[rank] = lines[rank].replace(",kg:rank,10,", ",kg:rank,9,")
    csv_path.write_text("".join(lines), encoding="utf-8")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "two")
    result = diff("HEAD~1", "HEAD", repo=repo)
    (change,) = [c for c in result.changes if c.kind == "changed"]
    assert (change.old, change.new) == ("10", "9")
    assert (
        change.old_row == change.new_row.replace("HEAD:", "HEAD~1:") == f"HEAD~1:data/triples.csv:{rank + 1}"
    )
    assert "排名第10" in change.old_sentence
    # exact: the patch applied to the old revision's graph gives the new revision's graph
    old_side, new_side = load_side("HEAD~1", repo=repo), load_side("HEAD", repo=repo)
    store = ox.Store()
    store.extend(ox.Quad(*t) for t in _terms(old_side.triples))
    store.update(sparql_patch(result))
    assert {str(q.triple) for q in store} == statement_store(_terms(new_side.triples))
    assert {t[1] for t in result.deleted + result.inserted} >= {"<https://example.org/ningbo-kg/vocab#rank>"}


def test_an_unknown_side_says_what_it_may_be(tmp_path):
    with pytest.raises(InputError, match="not a file, a folder or a git revision"):
        load_side("no-such-thing-here", repo=tmp_path)


def test_a_folder_side_reads_its_csvs_but_not_the_same_as_decisions(tmp_path, write_csv):
    path = write_csv(GOOD_ROWS)
    (tmp_path / "same-as.csv").write_text("key,same_as,decision,who,date,reason\n", encoding="utf-8")
    assert diff(str(tmp_path), str(path)).equal


def test_a_fact_given_another_sentence_is_an_evidence_change(write_csv):
    old = write_csv(GOOD_ROWS, name="old.csv")
    moved = GOOD_ROWS[-1].replace(EV2, EV)  # the location, now quoted from the zone's sentence
    new = write_csv([*GOOD_ROWS[:-1], moved], name="new.csv")
    result = diff(str(old), str(new))
    kinds = sorted(c.kind for c in result.changes)
    assert kinds == ["evidence added", "evidence removed"]
    added = next(c for c in result.changes if c.kind == "evidence added")
    assert added.predicate == "https://schema.org/location" and "排名第10" in added.new_sentence
    assert not result.equal
