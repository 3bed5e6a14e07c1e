"""graph.shacl.validate on any rdflib graph, with each engine; each class of wrong answer the fast
engine used to give, and the SPARQL both engines must refuse before they run."""

from __future__ import annotations

import http.server
import threading

import pytest
import rdflib
from rdflib.namespace import SH

import graph
from graph import shacl
from graph.defaults import DEFAULT_SHAPES
from graph.errors import InputError
from graph.shacl.types import UnsupportedShapes
from tests.conftest import EV, GOOD_ROWS, ROOT
from tests.unit.shacl.test_engines import built

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
"""


def turtle(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=PREFIXES + text, format="turtle")


def results(report: rdflib.Graph) -> set[tuple]:
    """(focus, path, value, component) of every result of a report."""
    return {
        (
            report.value(r, SH.focusNode),
            report.value(r, SH.resultPath),
            report.value(r, SH.value),
            report.value(r, SH.sourceConstraintComponent).rpartition("#")[2],
        )
        for r in report.objects(None, SH.result)
    }


def on_both(data: str, shapes: str) -> set[tuple]:
    """The results of ``shapes`` on ``data``, the same from both engines."""
    found = {}
    for engine in ("fast", "pyshacl"):
        conforms, report, text = shacl.validate(turtle(data), turtle(shapes), engine=engine)
        found[engine] = results(report)
        assert conforms == (not found[engine])
        assert text.startswith("Validation Report")
    assert found["fast"] == found["pyshacl"]
    return found["fast"]


EX = rdflib.Namespace("http://example.org/")


def test_subjects_of_and_objects_of_targets_find_their_nodes_when_no_path_reads_the_predicate():
    data = "ex:a ex:near ex:b . ex:b rdfs:label 'b' ."
    shapes = """
        ex:S1 a sh:NodeShape ; sh:targetSubjectsOf ex:near ; sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
        ex:S2 a sh:NodeShape ; sh:targetObjectsOf ex:near ; sh:property [ sh:path rdfs:comment ; sh:minCount 1 ] .
    """
    assert on_both(data, shapes) == {
        (EX.a, rdflib.RDFS.label, None, "MinCountConstraintComponent"),
        (EX.b, rdflib.RDFS.comment, None, "MinCountConstraintComponent"),
    }


def test_a_subjects_of_target_on_a_built_graph(write_csv):
    kg = built(write_csv([*GOOD_ROWS, f",ghost,kg:rank,3,,,,,{EV}"]))
    shapes_graph = rdflib.Graph().parse(
        data=PREFIXES
        + """@prefix kg: <https://example.org/ningbo-kg/vocab#> .
        kg:S a sh:NodeShape ; sh:targetSubjectsOf kg:rank ; sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .""",
        format="turtle",
    )
    found = {e: shacl.shacl_results(kg, shapes_graph, e) for e in ("fast", "pyshacl")}
    assert set(found["fast"]) == set(found["pyshacl"])
    assert [r.focus for r in found["fast"]] == ["https://example.org/ningbo-kg/entity/ghost"]


def test_less_than_compares_as_sparql_does():
    """A number is not less than a string: that pair cannot be compared, which is a violation."""
    data = """ex:a ex:low 1 , 5 ; ex:high "9" , 3 .
              ex:c ex:low "2024-01-01"^^xsd:date ; ex:high "2024-02-01"^^xsd:date ."""
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:a , ex:c ;
        sh:property [ sh:path ex:low ; sh:lessThan ex:high ] ,
                    [ sh:path ex:low ; sh:lessThanOrEquals ex:high ] ."""
    found = on_both(data, shapes)
    assert {(f, v) for f, _, v, _ in found} == {(EX.a, rdflib.Literal(1)), (EX.a, rdflib.Literal(5))}


def test_less_than_between_iris_is_a_violation():
    """SPARQL's < does not order IRIs (pyshacl 0.40 compares their text, against the spec)."""
    shapes = turtle(
        "ex:S a sh:NodeShape ; sh:targetNode ex:b ; sh:property [ sh:path ex:low ; sh:lessThan ex:high ] ."
    )
    conforms, report, _ = shacl.validate(turtle("ex:b ex:low ex:x ; ex:high ex:y ."), shapes, engine="fast")
    assert not conforms
    assert results(report) == {(EX.b, EX.low, EX.x, "LessThanConstraintComponent")}


@pytest.mark.parametrize(
    ("where", "pyshacl_agrees"),
    [
        ("FILTER ($this = ex:bad)", True),
        ("BIND ($this AS ?that) FILTER (?that = ex:bad)", True),
        # pyshacl 0.40 binds $this outside the UNION only, so ex:good fails too
        ("{ FILTER (false) } UNION { FILTER ($this = ex:bad) }", False),
        ("{ SELECT $this WHERE { FILTER ($this = ex:bad) } }", True),
        ("{ { FILTER ($this = ex:bad) } FILTER bound($this) }", True),
    ],
)
def test_this_is_pre_bound_wherever_it_appears(where, pyshacl_agrees):
    data = "ex:bad a ex:T . ex:good a ex:T ."
    shapes = f"""ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
        ex:S a sh:NodeShape ; sh:targetClass ex:T ;
        sh:sparql [ sh:prefixes ex: ; sh:select "SELECT $this WHERE {{ {where} }}" ] ."""
    expected = {(EX.bad, None, EX.bad, "SPARQLConstraintComponent")}
    if pyshacl_agrees:
        assert on_both(data, shapes) == expected
    else:
        assert results(shacl.validate(turtle(data), turtle(shapes), engine="fast")[1]) == expected


def test_path_is_substituted_in_a_property_shapes_query():
    data = 'ex:a ex:name "x"@de , "y"@en , "z" . ex:a ex:other "w" .'
    shapes = """ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:name ;
        sh:sparql [ sh:select "SELECT $this ?value WHERE { $this $PATH ?value FILTER (lang(?value) != 'de') }" ] ."""
    found = on_both(data, shapes)
    assert {v for *_, v, _ in [(f, p, v, c) for f, p, v, c in found]} == {
        rdflib.Literal("y", lang="en"),
        rdflib.Literal("z"),
    }
    assert {p for _, p, _, _ in found} == {EX.name}


@pytest.mark.parametrize(
    ("where", "named"),
    [
        ("$this ?p ?o . MINUS { $this ?p 'x' }", "MINUS"),
        ("VALUES ?o { 1 } $this ?p ?o", "VALUES"),
        ("$this ?p ?o . { SELECT ?o WHERE { ?s ?p ?o } }", r"subquery that does not return \$this"),
        ("BIND (ex:bad AS $this)", r"assigns \$this"),
        ("{ SELECT * WHERE { $this ?p ?o } }", r"subquery that selects \*"),
    ],
)
@pytest.mark.parametrize("engine", ["fast", "pyshacl", "auto"])
def test_sparql_that_shacl_forbids_is_refused_by_every_engine(where, named, engine):
    shapes = f"""ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
        ex:S a sh:NodeShape ; sh:targetNode ex:bad ;
        sh:sparql [ sh:prefixes ex: ; sh:select "SELECT $this WHERE {{ {where} }}" ] ."""
    with pytest.raises(InputError, match=named) as raised:
        shacl.validate(turtle("ex:bad ex:p 'x' ."), turtle(shapes), engine=engine)
    assert not isinstance(raised.value, UnsupportedShapes)  # not a refusal "auto" could work around
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_service_never_sends_a_request(engine):
    """A SERVICE clause naming a real endpoint on this machine is refused, and the endpoint hears nothing."""
    requests = []

    class Endpoint(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            requests.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/sparql"
        shapes = f"""ex:S a sh:NodeShape ; sh:targetNode ex:a ;
            sh:sparql [ sh:select "SELECT $this WHERE {{ $this ?p ?o . SERVICE <{url}> {{ ?s ?p ?o }} }}" ] ."""
        with pytest.raises(InputError, match="SERVICE"):
            shacl.validate(turtle("ex:a ex:p 1 ."), turtle(shapes), engine=engine)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert requests == []


def test_auto_validates_with_pyshacl_what_the_fast_engine_refuses(monkeypatch):
    """A SHACL-AF rule (which pyshacl applies before it validates) is refused by the fast engine."""
    shapes = turtle("""ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:rule [ a sh:SPARQLRule ; sh:construct "CONSTRUCT { $this <http://example.org/q> 1 } WHERE { }" ] ;
        sh:property [ sh:path ex:q ; sh:minCount 1 ] .""")
    data = turtle("ex:a ex:p 1 .")
    with pytest.raises(UnsupportedShapes, match="sh:rule, which the fast SHACL engine does not implement"):
        shacl.validate(data, shapes, engine="fast")
    monkeypatch.setattr(shacl, "PYSHACL_LIMIT", 0)  # auto would choose the fast engine
    assert shacl.validate(data, shapes, engine="auto")[0] is True  # pyshacl ran the rule, then validated


def test_shapes_graph_and_current_shape_are_pre_bound():
    shapes = turtle("""ex:S a sh:NodeShape ; sh:targetNode ex:a , ex:b ; ex:flag ex:b ;
        sh:sparql [ sh:select "SELECT $this WHERE { GRAPH $shapesGraph { $currentShape <http://example.org/flag> $this } }" ] .""")
    conforms, report, _ = shacl.validate(turtle("ex:a ex:p 1 . ex:b ex:p 2 ."), shapes, engine="fast")
    assert results(report) == {(EX.b, None, EX.b, "SPARQLConstraintComponent")}


def test_auto_chooses_by_size(monkeypatch):
    import pyshacl

    data = turtle("ex:a a ex:T .")
    shapes = turtle(
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:minCount 1 ] ."
    )
    expected = shacl.validate(data, shapes, engine="pyshacl")
    calls = []
    real = pyshacl.validate
    monkeypatch.setattr(pyshacl, "validate", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert shacl.validate(data, shapes)[0] is expected[0] is False
    assert calls == [1]
    monkeypatch.setattr(shacl, "PYSHACL_LIMIT", 0)
    assert results(shacl.validate(data, shapes)[1]) == results(expected[1])
    assert calls == [1]


def test_warnings_conform_when_allowed():
    data = turtle("ex:a a ex:T .")
    shapes = turtle(
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:severity sh:Warning ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ] ."
    )
    for engine in ("fast", "pyshacl"):
        assert shacl.validate(data, shapes, engine=engine)[0] is False
        assert shacl.validate(data, shapes, engine=engine, allow_warnings=True)[0] is True


def test_the_article_export_conforms_in_both_engines():
    """The reference engine checks the article's own exported graph, and agrees with the fast one."""
    data = rdflib.Graph().parse(ROOT / "exports" / "graph.nt", format="nt")
    shapes_graph = shacl.load_shapes(DEFAULT_SHAPES)
    assert len(data) > shacl.PYSHACL_LIMIT  # so "auto" would never run pyshacl on it
    answers = {engine: shacl.validate(data, shapes_graph, engine=engine) for engine in ("pyshacl", "fast")}
    assert answers["pyshacl"][0] is answers["fast"][0] is True
    assert results(answers["pyshacl"][1]) == results(answers["fast"][1]) == set()


def test_kg_check_of_the_article_gives_the_same_problems_with_either_engine():
    article = [ROOT / "data" / "triples.csv"]
    problems = {engine: graph.check(article, shacl=engine)[1] for engine in ("pyshacl", "fast")}
    assert problems["pyshacl"] == problems["fast"]
    assert not [p for p in problems["fast"] if p.message.startswith("SHACL")]


def test_a_sparql_constraint_on_literal_focus_nodes():
    data = 'ex:a ex:p "one" , "two"^^xsd:token .'
    shapes = """ex:S a sh:NodeShape ; sh:targetNode "one" , "two"^^xsd:token , "three" ;
        sh:sparql [ sh:select "SELECT $this WHERE { ?s <http://example.org/p> $this }" ] ."""
    found = on_both(data, shapes)
    assert {f for f, *_ in found} == {rdflib.Literal("one"), rdflib.Literal("two", datatype=rdflib.XSD.token)}


def test_the_project_shapes_sparql_runs_once_for_all_focus_nodes():
    """$this in data/shapes.ttl's queries is bound by a top-level triple pattern: no run per node."""
    from graph.shacl.compile import CompiledShapes
    from graph.shacl.sparql_plan import SparqlQuery

    compiled = CompiledShapes(shacl.load_shapes(DEFAULT_SHAPES))
    queries = [a for s in compiled._shapes.values() for kind, a in s.constraints if kind == "Sparql"]
    assert len(queries) == 2 and all(q.join for q in queries)
    assert not SparqlQuery("SELECT $this WHERE { $this ?p ?o } LIMIT 1").join
    assert not SparqlQuery("SELECT $this WHERE { $this ?p ?o OPTIONAL { FILTER ($this = ?o) } }").join


@pytest.mark.parametrize("engine", ["fast", "pyshacl", "auto"])
def test_service_spelt_with_an_escape_is_refused_in_constraints_and_rules(engine):
    """SPARQL reads \\u0053ERVICE as SERVICE: the refusal reads the parsed query, not only its text."""
    for clause in (
        'sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o . \\\\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }" ]',
        'sh:rule [ a sh:SPARQLRule ; sh:construct "CONSTRUCT { $this ?p ?o } WHERE { \\\\u0053ERVICE <http://127.0.0.1:9/> { $this ?p ?o } }" ]',
    ):
        shapes = turtle(f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; {clause} .")
        assert "\\u0053ERVICE" in str(
            next(shapes.objects(None, SH.select), None) or next(shapes.objects(None, SH.construct))
        )
        with pytest.raises(InputError, match="uses SERVICE"):
            shacl.validate(turtle("ex:a ex:p 1 ."), shapes, engine=engine)
