"""same-as.csv: decisions are data; the build merges the pairs marked same and keeps every fact and sentence."""

from __future__ import annotations

from graph.analysis.resolve import find_candidates
from graph.model.same_as import read_decisions
from graph.pipeline import check
from tests.conftest import EV, EV2, GOOD_ROWS

ENT = "https://example.org/ningbo-kg/entity/"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
# a second source names the lab again, under another key and name, with a fact of its own
SECOND = [
    f",yj-lab,a,kg:Laboratory,,,,,{EV2}",
    f",yj-lab,rdfs:label,甬江实验室（宁波）,,zh,,,{EV2}",
    f",yj-lab,schema:location,zone,,,,,{EV2}",  # the same fact from the other key (another row)
    f",zone,kg:hosts,yj-lab,,,,,{EV}",  # a link to the other key
]


def ask(graph, query: str):
    return list(graph.to_store().query(query))


def test_a_same_decision_merges_the_two_keys_into_one_iri(write_csv, tmp_path):
    path = write_csv([*GOOD_ROWS, *SECOND])
    (tmp_path / "same-as.csv").write_text(
        "key,same_as,decision,who,date,reason\nlab,yj-lab,same,tester,2026-12-01,one lab under two names\n",
        encoding="utf-8",
    )
    graph, problems = check([path], shapes=None)
    assert graph is not None, "\n".join(map(str, problems))
    subjects = {t.subject.value for t in graph.to_oxigraph()}
    assert ENT + "yj-lab" not in subjects  # every fact moved to the canonical key
    triples = {(str(t.subject), str(t.predicate), str(t.object)) for t in graph.to_oxigraph()}
    lab = f"<{ENT}lab>"
    assert (lab, f"<{OWL_SAME_AS}>", f"<{ENT}yj-lab>") in triples
    # the other name is an alias (the canonical key has a zh label), the link now points at the one IRI
    assert (lab, "<http://www.w3.org/2004/02/skos/core#altLabel>", '"甬江实验室（宁波）"@zh') in triples
    assert (f"<{ENT}zone>", "<https://example.org/ningbo-kg/vocab#hosts>", lab) in triples
    # the location stated twice (rows 8 and 12) is one triple whose statement keeps both rows' evidence
    sentences = ask(
        graph,
        f"""SELECT ?quote WHERE {{ ?st <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> {lab} ;
              <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <https://schema.org/location> ;
              <http://www.w3.org/ns/prov#wasDerivedFrom>/<https://example.org/ningbo-kg/vocab#quote> ?quote }}""",
    )
    assert len(sentences) == 1  # both rows quote the same sentence: one evidence node
    labels = ask(graph, f"SELECT ?l WHERE {{ {lab} <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")
    assert sorted(s["l"].value for s in labels) == ["Yongjiang Laboratory", "甬江实验室"]


def test_a_merged_duplicate_from_another_sentence_adds_its_evidence(write_csv, tmp_path):
    rows = [*GOOD_ROWS, f",yj-lab,a,kg:Laboratory,,,,,{EV}", f",yj-lab,rdfs:label,甬江,,zh,,,{EV}"]
    rows.append(f",yj-lab,schema:location,zone,,,,,{EV}")  # the lab's location, from the zone's sentence
    path = write_csv(rows)
    (tmp_path / "same-as.csv").write_text("key,same_as,decision\nlab,yj-lab,same\n", encoding="utf-8")
    graph, problems = check([path], shapes=None)
    assert graph is not None, "\n".join(map(str, problems))
    assert any("kept as more evidence" in p.message for p in problems)
    quotes = ask(
        graph,
        f"""SELECT ?quote WHERE {{ ?st <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <{ENT}lab> ;
              <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <https://schema.org/location> ;
              <http://www.w3.org/ns/prov#wasDerivedFrom>/<https://example.org/ningbo-kg/vocab#quote> ?quote }}""",
    )
    assert sorted(q["quote"].value for q in quotes) == sorted(
        ["甬江实验室位于宁波。", "宁波高新区在全国178家高新区中排名第10。"]
    )
    location = ask(graph, f"SELECT ?o WHERE {{ <{ENT}lab> <https://schema.org/location> ?o }}")
    assert len(location) == 1


def test_without_decisions_both_keys_stay_and_resolve_proposes_the_pair(write_csv):
    path = write_csv([*GOOD_ROWS, *SECOND])
    graph, problems = check([path], shapes=None)
    assert graph is not None
    subjects = {t.subject.value for t in graph.to_oxigraph()}
    assert ENT + "yj-lab" in subjects
    pairs = {frozenset((c.a.key, c.b.key)) for c in find_candidates(graph)}
    assert frozenset(("lab", "yj-lab")) in pairs


def test_a_different_decision_changes_nothing_but_is_never_proposed_again(write_csv, tmp_path):
    path = write_csv([*GOOD_ROWS, *SECOND])
    decisions = tmp_path / "same-as.csv"
    decisions.write_text(
        "key,same_as,decision,who,date,reason\nyj-lab,lab,different,t,2026-12-01,two labs\n", encoding="utf-8"
    )
    graph, _ = check([path], shapes=None)
    assert ENT + "yj-lab" in {t.subject.value for t in graph.to_oxigraph()}
    assert frozenset(("lab", "yj-lab")) not in {
        frozenset((c.a.key, c.b.key)) for c in find_candidates(graph, decisions)
    }


def test_bad_decision_rows_are_reported_with_their_row(tmp_path):
    path = tmp_path / "same-as.csv"
    path.write_text("key,same_as,decision\na,b,maybe\nc,c,same\nd,e,same\n", encoding="utf-8")
    problems = []
    decisions = read_decisions(path, problems)
    assert [(d.key, d.same_as, d.row) for d in decisions] == [("d", "e", 4)]
    assert [(p.row, p.column) for p in problems] == [(2, "decision"), (3, "same_as")]


def test_the_article_needs_no_decision():
    from tests.support.article_graph import ROOT

    same_as = ROOT / "data" / "same-as.csv"
    assert not same_as.exists() or [d for d in read_decisions(same_as) if d.decision == "same"] == []


def test_the_merged_graph_loads_in_oxigraph(write_csv, tmp_path):
    path = write_csv([*GOOD_ROWS, *SECOND])
    (tmp_path / "same-as.csv").write_text("key,same_as,decision\nlab,yj-lab,same\n", encoding="utf-8")
    graph, problems = check([path])
    assert graph is not None, "\n".join(map(str, problems))
    store = graph.to_store()
    assert len(store) == len(set(graph.to_oxigraph()))
    assert store.query(f"ASK {{ <{ENT}lab> <{OWL_SAME_AS}> <{ENT}yj-lab> }}")


def test_the_merged_away_iri_is_no_node_of_the_network(write_csv, tmp_path):
    from graph.explorer.network import network_view

    path = write_csv([*GOOD_ROWS, *SECOND])
    (tmp_path / "same-as.csv").write_text("key,same_as,decision\nlab,yj-lab,same\n", encoding="utf-8")
    graph, _ = check([path], shapes=None)
    assert set(network_view(graph).nodes) == {ENT + "lab", ENT + "zone"}
