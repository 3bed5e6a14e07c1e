"""The fast path for plainly valid rows gives exactly what the full rules give, facts and problems alike."""

from __future__ import annotations

import pytest

from graph.defaults import DEFAULT_VOCABULARY
from graph.ingest import load_facts
from graph.ingest import row_rules as facts_module
from graph.model.vocabulary import load_vocabulary
from graph.synthetic import generate
from tests.conftest import EV, GOOD_ROWS, ROOT

# rows each plain, odd or wrong in one way the fast path must notice (it hands them to the full rules)
ODD_ROWS = [
    f"r1,zone,kg:rank,10,,,,,{EV}",
    ",#r1,kg:outOf,178,,,,,,,",
    ",#r1,kg:outOf,179,,,,,source.txt,,",
    ",#r1,kg:outOf,180,,,percent,,,,",
    "r1x,#r1,kg:outOf,181,,,,,,,",
    ",#r 1,kg:outOf,182,,,,,,,",
    f",zone,kg:rank,0,,,,,{EV}",
    f",zone,kg:rank,007,,,,,{EV}",
    f",zone,kg:rank,-3,,,,,{EV}",
    f",zone,skos:altLabel,-12,nonNegativeInteger,,,,{EV}",
    f",zone,skos:altLabel,12,nonNegativeInteger,,,,{EV}",
    f",zone,skos:altLabel,1.50,decimal,,,,{EV}",
    f",zone,skos:altLabel,.5,decimal,,,,{EV}",
    f",zone,skos:altLabel,2024-02-30,date,,,,{EV}",
    f",zone,skos:altLabel,2024-02-29,date,,,,{EV}",
    f",zone,skos:altLabel,2024-12-23Z,date,,,,{EV}",
    f",zone,skos:altLabel,1,boolean,,,,{EV}",
    f",zone,skos:altLabel,1e3,double,,,,{EV}",
    f",zone,skos:altLabel,x,string,,,,{EV}",
    f",zone,skos:altLabel,x,,EN,,,{EV}",
    f",zone,skos:altLabel,x,,en_US,,,{EV}",
    f",zone,skos:altLabel,lab,iri,,,,{EV}",
    f",zone,skos:altLabel,lab,iri,en,,,{EV}",
    f",zone,schema:location,lab,,en,,,{EV}",
    f",zone,kg:rank,lab,iri,,,,{EV}",
    f",zone,a,kg:Laboratoy,,,,,{EV}",
    f",zone,a,kg:Laboratory,date,en,,,{EV}",
    f",zone,kg:hots,lab,,,,,{EV}",
    f",zone,hosts,lab,,,,,{EV}",
    f",zone,<https://example.org/ningbo-kg/vocab#rank>,5,,,,,{EV}",
    f",<https://example.org/x>,rdfs:label,x,,en,,,{EV}",
    f",<https://example.org/x,rdfs:label,x,,en,,,{EV}",
    f",nope:x,rdfs:label,x,,en,,,{EV}",
    f",宁波,rdfs:label,x,,en,,,{EV}",
    f",zone,kg:researcherCount,300,,,percent,over,{EV}",
    f",zone,kg:researcherCount,301,,,people,over,{EV}",
    f",zone,kg:researcherCount,302,,,,roughly,{EV}",
    ",zone,skos:altLabel,y,,zh,,,source.txt,Event 5,宁波高新区在全国178家高新区中排名第10。",
    ",zone,skos:altLabel,y,,zh,,,source.txt,event-5,不在文章里。",
    ",zone,skos:altLabel,y,,zh,,,missing.txt,event-5,句子",
    ",zone,skos:altLabel,y,,zh,,,,event-5,",
    ",zone,skos:altLabel,z,,zh,,,source.txt,event-5,宁波高新区在全国178家高新区中排名第10 。",
    "bad id!,zone,skos:altLabel,w,,zh,,," + EV,
    f",zone,skos:altLabel,v,,zh,,,{EV}",
    f",zone,skos:altLabel,v,,zh,,,{EV}",
]


def load_with_full_rules(paths, vocabulary):
    """load_facts with the fast path switched off: every row goes through the full rules."""
    original = facts_module.RowReader.read_file

    def slow(self, records, path, facts, problems):
        for number, cells in records.records():
            self._read_slow(records.name, number, cells, path, facts, problems)

    facts_module.RowReader.read_file = slow
    try:
        return load_facts(paths, vocabulary)
    finally:
        facts_module.RowReader.read_file = original


@pytest.mark.parametrize("which", ["odd rows", "the article", "synthetic"])
def test_fast_path_and_full_rules_agree(which, write_csv, tmp_path):
    vocabulary = load_vocabulary(DEFAULT_VOCABULARY)
    if which == "odd rows":
        paths = [write_csv([*GOOD_ROWS, *ODD_ROWS])]
    elif which == "the article":
        paths = [ROOT / "data" / "triples.csv"]
    else:
        dataset = generate(tmp_path / "synthetic", 3000, seed=3)
        paths, vocabulary = [dataset.csv], load_vocabulary(dataset.vocabulary)
    fast = load_facts(paths, vocabulary)
    full = load_with_full_rules(paths, vocabulary)
    assert fast.facts == full.facts
    assert sorted(fast.problems) == sorted(full.problems)
    if which == "odd rows":
        assert len(fast.errors) >= 25 and fast.facts


def test_a_negative_non_negative_integer_is_refused(write_csv):
    found = load_facts([write_csv([*GOOD_ROWS, f",zone,skos:altLabel,-12,nonNegativeInteger,,,,{EV}"])])
    assert [(p.row, p.column) for p in found.errors] == [(9, "object")]
    assert "must be at least 0" in found.errors[0].message
