"""The two SHACL engines (pyshacl and graph.shacl.fast_engine) report the same violations on the same input."""

from __future__ import annotations

import pytest
import rdflib

import graph
from graph import pipeline
from graph import shacl as shapes
from graph.defaults import DEFAULT_SHAPES, DEFAULT_VOCABULARY
from graph.ingest import load_facts
from graph.model.build import build_graph
from graph.model.vocabulary import load_vocabulary
from graph.shacl.compile import CompiledShapes
from graph.shacl.types import UnsupportedShapes
from tests.conftest import EV, GOOD_ROWS, ROOT

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix kg: <https://example.org/ningbo-kg/vocab#> .
@prefix ent: <https://example.org/ningbo-kg/entity/> .
"""

# Every SHACL Core constraint component, every kind of target and path, severities, messages and
# a deactivated shape, each written so that the little graph below violates it.
EVERY_CONSTRAINT = (
    PREFIXES
    + """
kg:ZoneShape a sh:NodeShape ; sh:targetNode ent:zone ;
    sh:nodeKind sh:Literal ; sh:class kg:Laboratory ; sh:in ( ent:lab ) ; sh:minLength 500 ;
    sh:pattern "lab$" ; sh:not [ sh:class kg:HighTechZone ] ;
    sh:and ( [ sh:class kg:HighTechZone ] [ sh:class kg:Laboratory ] ) ;
    sh:or ( [ sh:class kg:Laboratory ] [ sh:nodeKind sh:Literal ] ) ;
    sh:xone ( [ sh:class kg:HighTechZone ] [ sh:nodeKind sh:IRI ] ) ;
    sh:node kg:LabOnly ;
    sh:closed true ; sh:ignoredProperties ( rdf:type ) ; sh:property [ sh:path rdfs:label ] .

kg:LabOnly a sh:NodeShape ; sh:class kg:Laboratory .

kg:EntityChecks a sh:NodeShape ; sh:targetClass kg:HighTechZone , kg:Laboratory ;
    sh:property
        [ sh:path rdfs:label ; sh:maxCount 1 ; sh:datatype xsd:string ; sh:languageIn ( "en" ) ;
          sh:maxLength 8 ; sh:minLength 4 ; sh:pattern "^ning" ; sh:flags "i" ; sh:severity sh:Warning ] ,
        [ sh:path skos:altLabel ; sh:minCount 1 ; sh:uniqueLang true ; sh:message "needs one alias a language" ] ,
        [ sh:path rdfs:label ; sh:equals skos:altLabel ] ,
        [ sh:path rdfs:label ; sh:disjoint skos:altLabel ] ,
        [ sh:path kg:researcherCount ; sh:lessThan kg:rank ; sh:lessThanOrEquals kg:rank ] ,
        [ sh:path kg:rank ; sh:minExclusive 10 ; sh:maxExclusive 5 ; sh:minInclusive 11 ; sh:maxInclusive 9 ] ,
        [ sh:path kg:rank ; sh:datatype xsd:integer ] ,
        [ sh:path rdfs:label ; sh:qualifiedValueShape [ sh:languageIn ( "fr" ) ] ; sh:qualifiedMinCount 1 ] ,
        [ sh:path rdfs:label ; sh:qualifiedValueShape [ sh:languageIn ( "zh" ) ] ; sh:qualifiedMaxCount 0 ] ,
        [ sh:path rdfs:label ; sh:hasValue "nothing" ] ,
        [ sh:path rdfs:label ; sh:in ( "宁波高新区"@zh ) ] ,
        [ sh:path rdfs:label ; sh:nodeKind sh:IRI ] ,
        [ sh:path rdfs:label ; sh:deactivated true ; sh:minCount 99 ] .

kg:PathChecks a sh:NodeShape ; sh:targetObjectsOf schema:location ;
    sh:property
        [ sh:path [ sh:inversePath schema:location ] ; sh:class kg:HighTechZone ] ,
        [ sh:path ( [ sh:inversePath schema:location ] rdfs:label ) ; sh:languageIn ( "en" ) ] ,
        [ sh:path [ sh:alternativePath ( rdfs:label skos:altLabel ) ] ; sh:maxCount 1 ] ,
        [ sh:path [ sh:zeroOrMorePath schema:location ] ; sh:maxCount 0 ] ,
        [ sh:path [ sh:oneOrMorePath schema:location ] ; sh:minCount 1 ] ,
        [ sh:path [ sh:zeroOrOnePath rdf:type ] ; sh:nodeKind sh:Literal ] .

kg:StatementChecks a sh:NodeShape ; sh:targetSubjectsOf rdf:subject ;
    sh:property
        [ sh:path prov:wasDerivedFrom ; sh:maxCount 0 ] ,
        [ sh:path kg:outOf ; sh:minCount 1 ; sh:message "'out of' is missing" ] ,
        [ sh:path rdf:object ; sh:datatype xsd:string ] ,
        [ sh:path rdf:predicate ; sh:in ( rdfs:label ) ] ,
        [ sh:path kg:approximation ; sh:class kg:Unit ] ,
        [ sh:path [ sh:alternativePath ( kg:outOf kg:year ) ] ; sh:maxCount 0 ] ,
        [ sh:path [ sh:alternativePath ( kg:outOf rdf:predicate ) ] ; sh:maxCount 1 ] ,
        [ sh:path ( rdf:subject rdfs:label ) ; sh:languageIn ( "en" ) ] .

kg:EvidenceChecks a sh:PropertyShape ; sh:targetClass kg:Evidence ; sh:path kg:quote ; sh:maxLength 5 .

# SHACL-SPARQL (as pyshacl runs it with advanced=True): a SPARQL target and SPARQL constraints
kg: sh:declare [ sh:prefix "kg" ; sh:namespace "https://example.org/ningbo-kg/vocab#"^^xsd:anyURI ] ,
    [ sh:prefix "rdf" ; sh:namespace "http://www.w3.org/1999/02/22-rdf-syntax-ns#"^^xsd:anyURI ] .

kg:FigureChecks a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:prefixes kg: ;
        sh:select "SELECT ?this WHERE { ?this rdf:predicate ?p . FILTER (?p != rdf:type) }" ] ;
    sh:sparql [ sh:prefixes kg: ; sh:message "{$this} states {?p} without a unit" ;
        sh:select "SELECT $this ?p WHERE { $this rdf:predicate ?p . FILTER NOT EXISTS { $this kg:unit ?u } }" ] ,
      [ sh:prefixes kg: ;
        sh:select "SELECT $this ?value WHERE { $this kg:approximation ?value }" ] .

kg:RankChecks a sh:PropertyShape ; sh:targetNode ent:zone ; sh:path kg:rank ;
    sh:sparql [ sh:message "rank {?value} is too high" ;
        sh:select "SELECT $this ?value WHERE { $this <https://example.org/ningbo-kg/vocab#rank> ?value . FILTER (?value > 5) }" ] .
"""
)

MORE_ROWS = [
    f",zone,kg:rank,10,,,,,{EV}",
    f"r1,zone,kg:researcherCount,300,,,,over,{EV}",
    ",#r1,kg:outOf,178,,,,,,,",
    f",zone,skos:altLabel,高新区,,zh,,,{EV}",
    f",zone,skos:altLabel,宁波高新区,,zh,,,{EV}",
]


def built(path, **options):
    """The graph of a CSV, built even when the rows break rules (to feed SHACL bad input)."""
    fact_set = load_facts([path], load_vocabulary(options.get("vocabulary", DEFAULT_VOCABULARY)))
    return build_graph(fact_set)


def both_engines(kg, shapes_graph):
    results = {engine: shapes.shacl_results(kg, shapes_graph, engine) for engine in ("pyshacl", "fast")}
    problems = {
        engine: shapes.results_to_problems(kg, shapes_graph, found) for engine, found in results.items()
    }
    return results, problems


def shapes_from(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format="turtle")


def test_every_constraint_kind_gives_the_same_violations(write_csv):
    kg = built(write_csv([*GOOD_ROWS, *MORE_ROWS]))
    shapes_graph = shapes_from(EVERY_CONSTRAINT)
    results, problems = both_engines(kg, shapes_graph)
    assert set(results["fast"]) == set(results["pyshacl"])
    assert problems["fast"] == problems["pyshacl"]
    components = {r.component.removesuffix("ConstraintComponent") for r in results["fast"]}
    every = {
        "Class", "Datatype", "NodeKind", "MinCount", "MaxCount", "MinExclusive", "MinInclusive",
        "MaxExclusive", "MaxInclusive", "MinLength", "MaxLength", "Pattern", "LanguageIn", "UniqueLang",
        "Equals", "Disjoint", "LessThan", "LessThanOrEquals", "Not", "And", "Or", "Xone", "Node",
        "QualifiedMinCount", "QualifiedMaxCount", "Closed", "HasValue", "In", "SPARQL",
    }  # fmt: skip
    assert every <= components, every - components
    assert any(not p.is_error for p in problems["fast"])  # the sh:Warning shape
    assert any("'out of' is missing" in p.message for p in problems["fast"])
    assert any("rank 10 is too high" in p.message for p in problems["fast"])
    assert any(
        "states https://example.org/ningbo-kg/vocab#rank without a unit" in p.message
        for p in problems["fast"]
    )


def test_the_project_shapes_give_the_same_violations(write_csv):
    """data/shapes.ttl on a graph with every kind of fault it checks."""
    rows = [
        *[r for r in GOOD_ROWS if "Yongjiang Laboratory" not in r],  # lab: no English label
        f",zone,rdfs:label,高新区,,zh,,,{EV}",  # zone: two Chinese labels
        f",ghost,kg:rank,3,,,,,{EV}",  # ghost: no type, no label
        f",zone,kg:rank,10,,,,,{EV}",
        f"r1,zone,kg:researcherCount,300,,,percent,over,{EV}",
        ",#r1,kg:outOf,178,,,,,,,",
        ",#r1,kg:outOf,179,,,,,,,",  # two 'out of' on one statement
        ",#r1,kg:unit,<https://example.org/ningbo-kg/vocab#Percent>,iri,,,,,,",  # unit repeated
        ",#r1,kg:unit,kg:About,iri,,,,,,",  # and a second unit
    ]
    kg = built(write_csv(rows))
    shapes_graph = shapes.load_shapes(DEFAULT_SHAPES)
    results, problems = both_engines(kg, shapes_graph)
    assert set(results["fast"]) == set(results["pyshacl"])
    assert problems["fast"] == problems["pyshacl"]
    assert len(problems["fast"]) >= 4
    assert {(p.row, p.column) for p in problems["fast"]} >= {(3, "object"), (5, "subject"), (9, "subject")}


def test_the_article_graph_is_clean_in_both_engines():
    kg = graph.build([ROOT / "data" / "triples.csv"], shapes=None)
    results, problems = both_engines(kg, shapes.load_shapes(DEFAULT_SHAPES))
    assert results == {"pyshacl": [], "fast": []}


def test_auto_uses_the_fast_engine_above_the_limit(write_csv, monkeypatch):
    rows = [r for r in GOOD_ROWS if "Yongjiang Laboratory" not in r]
    path = write_csv(rows)
    expected = graph.check([path], shacl="pyshacl")[1]
    assert expected and expected == graph.check([path], shacl="fast")[1]
    import pyshacl

    def refuse(*args, **kwargs):
        raise AssertionError("pyshacl was used above the limit")

    monkeypatch.setattr(pyshacl, "validate", refuse)
    monkeypatch.setattr(shapes, "PYSHACL_LIMIT", 10)
    assert graph.check([path])[1] == expected


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ("sh:rule [ a sh:TripleRule ]", "sh:rule"),
        ('sh:sparql [ sh:ask "ASK { }" ]', "without sh:select"),  # a SPARQL constraint is a SELECT
        ("sh:target [ a sh:JSTarget ]", "sh:JSTarget"),
    ],
)
def test_an_unimplemented_constraint_is_refused_not_passed(write_csv, tmp_path, extra, named):
    text = PREFIXES + f"kg:S a sh:NodeShape ; sh:targetClass kg:Laboratory ; {extra} ."
    with pytest.raises(UnsupportedShapes, match=named):
        CompiledShapes(shapes_from(text))
    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text(text, encoding="utf-8")
    with pytest.raises(graph.InputError, match="fast SHACL engine does not implement"):
        pipeline.check([write_csv(GOOD_ROWS)], shapes=shapes_file, shacl="fast")


def test_sparql_store_cuts_only_predicates_every_query_needs_joined():
    from graph.shacl.sparql_plan import SparqlQuery, sparql_plan

    joined = SparqlQuery("SELECT $this WHERE { $this <urn:p> ?x . ?x <urn:q> ?y }")
    negated = SparqlQuery("SELECT $this WHERE { $this <urn:r> ?x . FILTER NOT EXISTS { $this <urn:p> ?x } }")
    optional = SparqlQuery(
        "SELECT $this WHERE { $this <urn:r> ?x OPTIONAL { ?x <urn:s> ?y . $this <urn:r> ?y } }"
    )
    full, pruned = sparql_plan([joined])
    assert len(full) == 1 and set(pruned) == {"urn:p", "urn:q"} - full  # one side of the join is cut
    full, pruned = sparql_plan([joined, negated, optional])
    assert {"urn:p", "urn:r", "urn:s"} <= full  # used under NOT EXISTS or OPTIONAL: loaded in full
    assert set(pruned) == {"urn:q"}
    assert sparql_plan([SparqlQuery("SELECT $this WHERE { $this ?p ?o }")]) is None  # any predicate
