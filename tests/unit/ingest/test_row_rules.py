"""The fast path for plainly valid rows gives exactly what the full rules give, facts and problems alike."""

from __future__ import annotations

import pytest

from graph.defaults import DEFAULT_VOCABULARY
from graph.ingest import load_facts
from graph.ingest.fast_path import FastPath
from graph.ingest.row_rules import RowRules
from graph.model.vocabulary import load_vocabulary
from graph.synthetic import generate
from tests.conftest import EV, GOOD_ROWS, ROOT

# rows each plain, odd or wrong in one way the fast path must notice (it hands them to the full rules)
ODD_ROWS = [
    f",zone,kg:researcherCount,299,,,percent,,{EV}",
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
    ",zone,skos:altLabel,u,,zh,,,,,",
    f",zone,schema:location,nope:lab,,,,,{EV}",
    f",zone,schema:location,lab!,,,,,{EV}",
    ",zone,kg:researcherCount,303,,,percent,,,,",
]


def load_with_full_rules(paths, vocabulary, monkeypatch):
    """load_facts with the fast path switched off: every row goes through the full rules."""

    def read_by_full_rules(self, records, path, facts, problems):
        for number, cells in records.records():
            fact, found = self.rules.read(records.name, number, cells, path)
            problems.extend(found)
            if fact is not None:
                facts.append(fact)

    with monkeypatch.context() as patch:
        patch.setattr(FastPath, "read_file", read_by_full_rules)
        return load_facts(paths, vocabulary)


@pytest.mark.parametrize("which", ["odd rows", "the article", "synthetic"])
def test_fast_path_and_full_rules_agree(which, write_csv, tmp_path, monkeypatch):
    vocabulary = load_vocabulary(DEFAULT_VOCABULARY)
    if which == "odd rows":
        paths = [write_csv([*GOOD_ROWS, *ODD_ROWS])]
    elif which == "the article":
        paths = [ROOT / "data" / "triples.csv"]
    else:
        dataset = generate(tmp_path / "synthetic", 3000, seed=3)
        paths, vocabulary = [dataset.csv], load_vocabulary(dataset.vocabulary)
    handed_over = []  # rows the fast path hands to the full rules
    read = RowRules.read
    with monkeypatch.context() as patch:
        patch.setattr(RowRules, "read", lambda self, *row: handed_over.append(row[1]) or read(self, *row))
        fast = load_facts(paths, vocabulary)
    full = load_with_full_rules(paths, vocabulary, monkeypatch)
    assert fast.facts == full.facts
    assert fast.problems == full.problems
    if which == "odd rows":
        assert len(fast.errors) >= 25 and fast.facts
        assert {p.row for p in fast.errors} <= set(handed_over)
        assert not set(handed_over) & set(range(2, 2 + len(GOOD_ROWS)))
    else:  # every row is valid: none needs the full rules
        assert not fast.problems and handed_over == []


def test_a_negative_non_negative_integer_is_refused(write_csv):
    found = load_facts([write_csv([*GOOD_ROWS, f",zone,skos:altLabel,-12,nonNegativeInteger,,,,{EV}"])])
    assert [(p.row, p.column) for p in found.errors] == [(9, "object")]
    assert "must be at least 0" in found.errors[0].message
