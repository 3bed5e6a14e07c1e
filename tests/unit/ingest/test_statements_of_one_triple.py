"""One triple stated twice: with other qualifiers it is two statements; from another sentence, more evidence."""

from __future__ import annotations

from graph.explorer.statements import explorer_data
from graph.pipeline import check
from tests.conftest import EV, GOOD_ROWS

ENT = "https://example.org/ningbo-kg/entity/"
RANK = "https://example.org/ningbo-kg/vocab#rank"


def test_the_same_triple_with_other_qualifiers_is_kept_as_two_statements(write_csv):
    rows = [
        *GOOD_ROWS,
        f"r2023,zone,kg:rank,10,,,,,{EV}",
        f",#r2023,kg:outOf,178,,,,,{EV}",
        f"r2024,zone,kg:rank,10,,,,,{EV}",
        f",#r2024,kg:outOf,177,,,,,{EV}",
    ]
    graph, problems = check([write_csv(rows)], shapes=None)
    assert graph is not None, "\n".join(map(str, problems))
    assert not [p for p in problems if "duplicate" in p.message or "left out" in p.message]
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in graph.to_oxigraph()}
    assert (ENT + "zone", RANK, "10") in triples
    # one triple, two statement nodes, each with its own qualifier
    ranks = [f for f in explorer_data(graph).facts if f.predicate == RANK]
    assert len(ranks) == 2
    assert sorted(v.text for f in ranks for _, v in f.qualifiers) == ["177", "178"]
    assert len(graph) == len(set(graph.to_oxigraph()))
    store = graph.to_store()
    assert len(list(store.quads_for_pattern(None, None, None))) == len(graph)


def test_the_same_triple_with_the_same_qualifiers_is_still_a_duplicate(write_csv):
    rows = [
        *GOOD_ROWS,
        f"r1,zone,kg:rank,10,,,,,{EV}",
        f",#r1,kg:outOf,178,,,,,{EV}",
        f"r2,zone,kg:rank,10,,,,,{EV}",
        f",#r2,kg:outOf,178,,,,,{EV}",
    ]
    graph, problems = check([write_csv(rows)], shapes=None)
    assert graph is not None
    assert any("duplicate fact" in p.message and p.row == 11 for p in problems)
    assert len([f for f in explorer_data(graph).facts if f.predicate == RANK]) == 1
