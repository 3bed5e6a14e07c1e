"""SHACL Core without pyshacl: a shapes graph compiled to checks that run over the built graph's table.

pyshacl needs the graph as an rdflib Graph and walks it node by node (about 70 µs per triple
on our machine, so a million-row build would spend eight minutes in it). This engine evaluates
each shape over all its focus nodes at once and checks each distinct value once; value nodes of
statement nodes come straight from the facts.

It implements the SHACL Core constraint components, the four kinds of target and every kind of
property path, and the SHACL-SPARQL pyshacl runs in its advanced mode (SELECT constraints and
SPARQL targets), following pyshacl's reading of the specification (the tests run both on the
same bad inputs). A shapes graph that uses anything else (rules, ASK validators, custom
components, JavaScript) is refused with :class:`UnsupportedShapes`: it is never silently passed.

This module compiles the shapes; :mod:`graph.shacl_view` reads the graph and
:mod:`graph.shacl_checks` checks the constraints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import rdflib
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.namespace import SH

from .errors import InputError
from .facts import RDF_TYPE
from .shacl_view import RDFS_SUBCLASS, Term
from .triple_table import TripleTable

_SH = str(SH)

#: SHACL terms a shape may use: targets, paths, the Core constraint parameters, and non-validating ones
SUPPORTED = {
    SH[name]
    for name in (
        "targetClass targetNode targetSubjectsOf targetObjectsOf path property node class datatype nodeKind "
        "minCount maxCount minExclusive minInclusive maxExclusive maxInclusive minLength maxLength pattern "
        "flags languageIn uniqueLang equals disjoint lessThan lessThanOrEquals not and or xone "
        "qualifiedValueShape qualifiedMinCount qualifiedMaxCount qualifiedValueShapesDisjoint closed "
        "ignoredProperties hasValue in message severity deactivated name description order group "
        "defaultValue sparql select prefixes declare prefix namespace target"
    ).split()
}
_PATH_KEYS = {SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath}


class UnsupportedShapes(InputError):
    """The shapes use something this engine does not implement (the pyshacl engine may)."""


@dataclass(frozen=True)
class ShaclResult:
    """One validation result, as SHACL reports it (``sh:focusNode``, ``sh:resultPath``, ``sh:value`` ...)."""

    focus: Term
    path: str | None  # the predicate, when the path is a single predicate
    value: Term | None
    component: str  # e.g. "MinCountConstraintComponent"
    shape: rdflib.term.Node  # the shape in the shapes graph that reports it
    severity: str
    message: str | None = None  # the message of a SPARQL constraint, its {?variables} filled in


@dataclass(eq=False)
class CompiledShape:
    node: rdflib.term.Node
    path: object = None  # a predicate IRI (str) or a compiled complex path (tuple)
    path_iri: str | None = None
    severity: str = str(SH.Violation)
    deactivated: bool = False
    targets: list[tuple[str, Term]] = field(default_factory=list)
    constraints: list[tuple] = field(default_factory=list)


class Validator:
    """Compiles a shapes graph once; ``validate(table)`` returns every result for a built graph."""

    def __init__(self, shapes: rdflib.Graph):
        self.graph = shapes
        self._shapes: dict[rdflib.term.Node, CompiledShape] = {}
        self._check_supported()
        self.top = [self.shape(node) for node in self._targeted()]

    # ------------------------------------------------------------------ compiling

    def _check_supported(self) -> None:
        unknown = set()
        for _, p, o in self.graph:
            if str(p).startswith(_SH) and p not in SUPPORTED and p not in _PATH_KEYS and p not in _LIST_TERMS:
                unknown.add(p)
            if p == RDF.type and str(o).startswith(_SH) and o not in _KNOWN_TYPES:
                unknown.add(o)
        if unknown:
            names = ", ".join(sorted(f"sh:{str(term)[len(_SH) :]}" for term in unknown))
            raise UnsupportedShapes(
                f"the shapes use {names}, which the fast SHACL engine does not implement; "
                "validate with pyshacl instead (--shacl pyshacl)"
            )

    def _targeted(self) -> list[rdflib.term.Node]:
        nodes = set()
        for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
            nodes.update(self.graph.subjects(target, None))
        for cls in (RDFS.Class, rdflib.OWL.Class):
            for node in self.graph.subjects(RDF.type, cls):
                if (node, RDF.type, SH.NodeShape) in self.graph or (
                    node,
                    RDF.type,
                    SH.PropertyShape,
                ) in self.graph:
                    nodes.add(node)  # an implicit class target
        return sorted(nodes, key=str)

    def shape(self, node: rdflib.term.Node) -> CompiledShape:
        found = self._shapes.get(node)
        if found is not None:
            return found
        g = self.graph
        shape = self._shapes[node] = CompiledShape(node)
        shape.deactivated = g.value(node, SH.deactivated) == Literal(True)
        severity = g.value(node, SH.severity)
        if severity is not None:
            shape.severity = str(severity)
        path = g.value(node, SH.path)
        if path is not None:
            shape.path = self._path(path)
            shape.path_iri = str(path) if isinstance(path, URIRef) else None
        for cls in g.objects(node, SH.targetClass):
            shape.targets.append(("class", _term(cls)))
        for value in g.objects(node, SH.targetNode):
            shape.targets.append(("node", _term(value)))
        for p in g.objects(node, SH.targetSubjectsOf):
            shape.targets.append(("subjectsOf", str(p)))
        for p in g.objects(node, SH.targetObjectsOf):
            shape.targets.append(("objectsOf", str(p)))
        for target in g.objects(node, SH.target):
            if (target, RDF.type, SH.SPARQLTarget) not in g or g.value(target, SH.select) is None:
                raise UnsupportedShapes(
                    f"{_name(g, node)} has an sh:target that is not a SPARQL target with sh:select, which the "
                    "fast SHACL engine does not implement; validate with pyshacl instead (--shacl pyshacl)"
                )
            shape.targets.append(("sparql", SparqlQuery(self._query_text(target))))
        if (node, RDF.type, RDFS.Class) in g or (node, RDF.type, rdflib.OWL.Class) in g:
            shape.targets.append(("class", str(node)))
        shape.constraints = self._constraints(node, shape)
        return shape

    def _path(self, node) -> object:
        g = self.graph
        if isinstance(node, URIRef):
            return str(node)
        if (node, RDF.first, None) in g:
            return ("sequence", tuple(self._path(item) for item in g.items(node)))
        for key, kind in (
            (SH.inversePath, "inverse"),
            (SH.zeroOrMorePath, "zeroOrMore"),
            (SH.oneOrMorePath, "oneOrMore"),
            (SH.zeroOrOnePath, "zeroOrOne"),
        ):
            inner = g.value(node, key)
            if inner is not None:
                return (kind, self._path(inner))
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return ("alternative", tuple(self._path(item) for item in g.items(alternatives)))
        raise UnsupportedShapes(f"the shapes use a path the fast SHACL engine cannot read: {_name(g, node)}")

    def _constraints(self, node, shape: CompiledShape) -> list[tuple]:
        g = self.graph
        out: list[tuple] = []
        one = g.value
        for p, kind in ((SH.minCount, "MinCount"), (SH.maxCount, "MaxCount")):
            for value in g.objects(node, p):
                out.append((kind, int(value)))
        for cls in g.objects(node, SH["class"]):
            out.append(("Class", str(cls)))
        for datatype in g.objects(node, SH.datatype):
            out.append(("Datatype", str(datatype)))
        for kind in g.objects(node, SH.nodeKind):
            out.append(("NodeKind", str(kind)))
        for p, kind in (
            (SH.minExclusive, "MinExclusive"),
            (SH.minInclusive, "MinInclusive"),
            (SH.maxExclusive, "MaxExclusive"),
            (SH.maxInclusive, "MaxInclusive"),
        ):
            for bound in g.objects(node, p):
                out.append((kind, bound))
        for p, kind in ((SH.minLength, "MinLength"), (SH.maxLength, "MaxLength")):
            for value in g.objects(node, p):
                out.append((kind, int(value)))
        flags = one(node, SH.flags)
        for pattern in g.objects(node, SH.pattern):
            out.append(("Pattern", re.compile(str(pattern), _regex_flags(str(flags) if flags else ""))))
        for languages in g.objects(node, SH.languageIn):
            out.append(("LanguageIn", {str(tag).lower() for tag in g.items(languages)}))
        if one(node, SH.uniqueLang) == Literal(True):
            out.append(("UniqueLang", True))
        for p, kind in (
            (SH.equals, "Equals"),
            (SH.disjoint, "Disjoint"),
            (SH.lessThan, "LessThan"),
            (SH.lessThanOrEquals, "LessThanOrEquals"),
        ):
            for other in g.objects(node, p):
                out.append((kind, str(other)))
        for inner in g.objects(node, SH["not"]):
            out.append(("Not", self.shape(inner)))
        for p, kind in ((SH["and"], "And"), (SH["or"], "Or"), (SH.xone, "Xone")):
            for members in g.objects(node, p):
                out.append((kind, tuple(self.shape(m) for m in g.items(members))))
        for inner in g.objects(node, SH.node):
            out.append(("Node", self.shape(inner)))
        for value in g.objects(node, SH.hasValue):
            out.append(("HasValue", _term(value)))
        for members in g.objects(node, SH["in"]):
            out.append(("In", frozenset(_term(m) for m in g.items(members))))
        if one(node, SH.closed) == Literal(True):
            ignored = {str(p) for lst in g.objects(node, SH.ignoredProperties) for p in g.items(lst)}
            allowed = {
                str(one(prop, SH.path))
                for prop in g.objects(node, SH.property)
                if isinstance(one(prop, SH.path), URIRef)
            }
            out.append(("Closed", frozenset(ignored | allowed)))
        for qualified in g.objects(node, SH.qualifiedValueShape):
            low, high = one(node, SH.qualifiedMinCount), one(node, SH.qualifiedMaxCount)
            disjoint = one(node, SH.qualifiedValueShapesDisjoint) == Literal(True)
            out.append(
                (
                    "Qualified",
                    (
                        self.shape(qualified),
                        None if low is None else int(low),
                        None if high is None else int(high),
                        disjoint,
                    ),
                )
            )
        for constraint in g.objects(node, SH.sparql):
            if g.value(constraint, SH.deactivated) == Literal(True):
                continue
            if g.value(constraint, SH.select) is None:
                raise UnsupportedShapes(
                    f"{_name(g, node)} has an sh:sparql constraint without sh:select, which the fast SHACL "
                    "engine does not implement; validate with pyshacl instead (--shacl pyshacl)"
                )
            messages = sorted(str(m) for m in g.objects(constraint, SH.message))
            out.append(
                ("Sparql", SparqlQuery(self._query_text(constraint), messages[0] if messages else None))
            )
        for prop in g.objects(node, SH.property):
            out.append(("Property", self.shape(prop)))
        return out

    def _query_text(self, node) -> str:
        """The sh:select of ``node`` with the PREFIX lines its sh:prefixes declare."""
        g = self.graph
        lines = []
        for ontology in g.objects(node, SH.prefixes):
            for declaration in g.objects(ontology, SH.declare):
                lines.append(
                    f"PREFIX {g.value(declaration, SH.prefix)}: <{g.value(declaration, SH.namespace)}>"
                )
        return "\n".join([*lines, str(g.value(node, SH.select))])

    # ------------------------------------------------------------------ validating

    def validate(self, table: TripleTable) -> list[ShaclResult]:
        """Every validation result of the shapes on the graph held by ``table``."""
        from .shacl_checks import Evaluation
        from .shacl_view import TableView

        run = Evaluation(self, TableView(table, self._predicates(), self._sparql_predicates()))
        results: list[ShaclResult] = []
        for shape in self.top:
            if shape.deactivated:
                continue
            focus = run.view.focus_nodes(shape.targets)
            if len(focus):
                results.extend(run.evaluate(shape, focus))
        return results

    def _sparql_predicates(self) -> tuple[set[str], dict[str, list[Join]]] | None:
        """Which triples the SPARQL queries of the shapes read (see :func:`sparql_plan`)."""
        queries = []
        for shape in self._shapes.values():
            queries += [argument for kind, argument in shape.constraints if kind == "Sparql"]
            queries += [value for kind, value in shape.targets if kind == "sparql"]
        return sparql_plan(queries)

    def _predicates(self) -> set[str]:
        """Every predicate a path or a property-pair constraint of the shapes reads."""
        wanted = {RDF_TYPE, RDFS_SUBCLASS}
        for shape in self._shapes.values():
            wanted.update(_path_predicates(shape.path))
            for kind, argument in shape.constraints:
                if kind in ("Equals", "Disjoint", "LessThan", "LessThanOrEquals"):
                    wanted.add(argument)
        return wanted


_LIST_TERMS = {RDF.first, RDF.rest}
_KNOWN_TYPES = {
    SH.NodeShape,
    SH.PropertyShape,
    SH.Shape,
    SH.SPARQLConstraint,
    SH.SPARQLTarget,
    SH.PrefixDeclaration,
}


def _path_predicates(path) -> Iterable[str]:
    if path is None:
        return
    if isinstance(path, str):
        yield path
        return
    kind, inner = path
    for part in inner if kind in ("sequence", "alternative") else (inner,):
        yield from _path_predicates(part)


class SparqlQuery:
    """A SELECT query of a shape, ``$this`` read as an ordinary variable; which predicates it reads."""

    def __init__(self, text: str, message: str | None = None):
        from rdflib.plugins.sparql import prepareQuery

        self.text = re.sub(r"\$(this|value|path|failure)\b", r"?\1", text)
        self.message = message
        try:
            algebra = prepareQuery(self.text).algebra
        except Exception as exc:
            raise UnsupportedShapes(f"a SPARQL query of the shapes cannot be read: {exc}") from None
        self.projects_this = any(str(v) == "this" for v in algebra.get("PV", ()))
        self.predicates = _algebra_predicates(algebra)
        self.patterns, self.unprunable = _required_patterns(algebra)


#: how a predicate's triples may be cut down: keep (subject, value) when the term at ``position``
#: ("s" or "o") is among the terms at ``other_position`` of the triples of ``other`` (a join)
Join = tuple[str, str, str]


def sparql_plan(queries: list[SparqlQuery]) -> tuple[set[str], dict[str, list[Join]]] | None:
    """Which triples the queries need: every triple of the first set of predicates, and of each
    predicate of the dict only those that can join (None: every triple of the graph).

    A predicate is cut down only where every use of it, in every query, is a required triple
    pattern (not under OPTIONAL, MINUS, EXISTS or NOT EXISTS) that shares a variable with a
    pattern of a predicate that is loaded in full: a triple that cannot join there can change
    no solution.
    """
    if any(query.predicates is None for query in queries):
        return None
    full: set[str] = set()
    uses: list[tuple[str, list[Join]]] = []
    for query in queries:
        full |= query.unprunable
        uses += query.patterns
    changed = True
    while changed:
        changed = False
        for predicate, joins in uses:
            if predicate not in full and not any(other in full for _, other, _ in joins):
                full.add(predicate)
                changed = True
    pruned: dict[str, list[Join]] = {}
    for predicate, joins in uses:
        if predicate not in full:
            pruned.setdefault(predicate, []).append(next(j for j in joins if j[1] in full))
    return full, pruned


def _required_patterns(algebra) -> tuple[list[tuple[str, list[Join]]], set[str]]:
    """The constant-predicate triple patterns a query requires, each with its joins to others of
    its group; and the predicates used anywhere else (optional, negated, in paths), never cut down."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    patterns: list[tuple[str, list[Join]]] = []
    unprunable: set[str] = set()

    def group(triples, required: bool) -> None:
        for s, p, o in triples:
            if not isinstance(p, URIRef):
                unprunable.update(_algebra_predicates({"triples": [(s, p, o)]}) or ())
                continue
            if not required:
                unprunable.add(str(p))
                continue
            joins: list[Join] = []
            for s2, q, o2 in triples:
                if (s2, q, o2) == (s, p, o) or not isinstance(q, URIRef):
                    continue
                for position, term in (("s", s), ("o", o)):
                    if isinstance(term, Variable):
                        for other_position, other in (("s", s2), ("o", o2)):
                            if other == term:
                                joins.append((position, str(q), other_position))
            patterns.append((str(p), joins))

    def walk(node, required: bool) -> None:
        if isinstance(node, CompValue):
            name = node.name
            if name == "BGP":
                group(node["triples"], required)
                return
            if name == "TriplesBlock":  # left untranslated inside (NOT) EXISTS
                group(node["triples"], False)
                return
            optional = {"LeftJoin": "p2", "Minus": "p2"}.get(name)
            for key, value in node.items():
                inner = required and key != optional and not name.startswith("Builtin_")
                walk(value, inner)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value, required)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value, required)

    walk(algebra, True)
    return patterns, unprunable


def _algebra_predicates(node) -> set[str] | None:
    """The predicate IRIs of every triple pattern and path in a query's algebra; None if one is a variable."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
    from rdflib.term import Variable

    found: set[str] = set()

    def path(p) -> bool:
        if isinstance(p, URIRef):
            found.add(str(p))
            return True
        if isinstance(p, (SequencePath, AlternativePath)):
            return all(path(a) for a in p.args)
        if isinstance(p, MulPath):
            return path(p.path)
        if isinstance(p, InvPath):
            return path(p.arg)
        if isinstance(p, (Variable, NegatedPath)):
            return False
        return False

    def walk(value) -> bool:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "triples":
                    if not all(path(triple[1]) for triple in item):
                        return False
                elif not walk(item):
                    return False
        elif isinstance(value, (list, tuple)):
            return all(walk(item) for item in value)
        return True

    return found if walk(node) else None


def _regex_flags(flags: str) -> int:
    result = 0
    for flag, value in (("i", re.I), ("m", re.M), ("s", re.S), ("x", re.X)):
        if flag in flags:
            result |= value
    return result


def _term(node) -> Term:
    if isinstance(node, Literal):
        return (str(node), str(node.datatype or ""), node.language or "")
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _name(graph: rdflib.Graph, node) -> str:
    return node.n3(graph.namespace_manager) if isinstance(node, URIRef) else "a blank node"
