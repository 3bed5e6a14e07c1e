"""SHACL Core without pyshacl: a shapes graph compiled to checks that run over the built graph's table.

pyshacl needs the graph as an rdflib Graph and walks it node by node (about 70 µs per triple
on our machine, so a million-row build would spend eight minutes in it). This engine evaluates
each shape over all its focus nodes at once and checks each distinct value once; value nodes of
statement nodes come straight from the facts.

It implements the SHACL Core constraint components, the four kinds of target and every kind of
property path, SHACL-SPARQL (SELECT constraints, SPARQL-based constraint components with ASK and
SELECT validators) and SPARQL targets; it passes the W3C SHACL test suite's core and SPARQL
tests (tests/conformance/shacl). A shapes graph that uses anything else (rules, node
expressions, JavaScript, $shapesGraph) is refused with :class:`UnsupportedShapes` before
anything runs: it is never silently passed. :func:`check_sparql` refuses, for every engine, the
SPARQL that SHACL forbids.

This module compiles the shapes; :mod:`graph.shacl.view` reads the graph,
:mod:`graph.shacl.components` checks the constraints and :mod:`graph.shacl.fast_engine` runs them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SH

from graph.errors import InputError
from graph.model.namespaces import RDF_TYPE, RDFS_SUBCLASS
from graph.shacl.sparql_plan import Join, SparqlQuery, sparql_plan
from graph.shacl.types import CompiledShape, UnsupportedShapes, term_of

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
        "defaultValue sparql select prefixes declare prefix namespace target "
        "parameter validator nodeValidator propertyValidator ask optional labelTemplate"
    ).split()
}
#: the terms of validation reports, which a shapes graph may hold (as the test suite's files do): not shapes
REPORT_TERMS = {
    SH[name]
    for name in (
        "conforms result focusNode resultPath value sourceShape sourceConstraint sourceConstraintComponent "
        "resultSeverity resultMessage detail shapesGraphWellFormed shapesGraph suggestedShapesGraph"
    ).split()
}
_PATH_KEYS = {SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath}


class CompiledShapes:
    """A shapes graph compiled once: its targeted shapes (``top``), and nested shapes compiled on demand."""

    def __init__(self, shapes: rdflib.Graph):
        self.graph = shapes
        self._shapes: dict[rdflib.term.Node, CompiledShape] = {}
        self._check_supported()
        self.components = self._components()
        self.top = [self.shape(node) for node in self._targeted()]

    # ------------------------------------------------------------------ compiling

    def _check_supported(self) -> None:
        unknown = set()
        for _, p, o in self.graph:
            if p in _SHACL_TERMS and p not in SUPPORTED | REPORT_TERMS | _PATH_KEYS:
                unknown.add(p)
            if p == RDF.type and o in _SHACL_TERMS and o not in _KNOWN_TYPES:
                unknown.add(o)
        if unknown:
            names = ", ".join(sorted(f"sh:{str(term)[len(_SH) :]}" for term in unknown))
            raise UnsupportedShapes(
                f"the shapes use {names}, which the fast SHACL engine does not implement; "
                "validate with pyshacl instead (--shacl pyshacl)"
            )

    def _components(self) -> list[tuple[rdflib.term.Node, list[tuple[URIRef, bool]]]]:
        """The SPARQL-based constraint components: (component, [(parameter path, optional)])."""
        g = self.graph
        classes, todo = {SH.ConstraintComponent}, [SH.ConstraintComponent]
        while todo:  # and the classes declared its subclasses in the shapes graph
            for sub in g.subjects(RDFS.subClassOf, todo.pop()):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
        found = []
        for component in sorted({c for cls in classes for c in g.subjects(RDF.type, cls)}, key=str):
            parameters = [
                (g.value(parameter, SH.path), g.value(parameter, SH.optional) == Literal(True))
                for parameter in g.objects(component, SH.parameter)
            ]
            if any(not isinstance(path, URIRef) for path, _ in parameters):
                raise UnsupportedShapes(f"{_name(g, component)} has a parameter whose sh:path is not an IRI")
            found.append((component, parameters))
        return found

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
            shape.path_node = path
            shape.path_iri = str(path) if isinstance(path, URIRef) else None
        for cls in g.objects(node, SH.targetClass):
            shape.targets.append(("class", term_of(cls)))
        for value in g.objects(node, SH.targetNode):
            shape.targets.append(("node", term_of(value)))
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
            query = SparqlQuery(self._query_text(target))
            if query.uses_shapes:
                raise UnsupportedShapes(
                    f"{_name(g, node)} has a SPARQL target that uses $shapesGraph or $currentShape, which the "
                    "fast SHACL engine does not implement; validate with pyshacl instead (--shacl pyshacl)"
                )
            shape.targets.append(("sparql", query))
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
            out.append(("HasValue", term_of(value)))
        for members in g.objects(node, SH["in"]):
            out.append(("In", frozenset(term_of(m) for m in g.items(members))))
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
            text = self._query_text(constraint)
            if re.search(r"\$PATH\b", text):
                if shape.path_node is None:
                    raise UnsupportedShapes(
                        f"{_name(g, node)} is not a property shape, yet its SPARQL constraint uses $PATH"
                    )
                path = sparql_path(g, shape.path_node)
                text = re.sub(r"\$PATH\b", lambda _match, path=path: path, text)
            out.append(("Sparql", SparqlQuery(text, messages[0] if messages else None, constraint)))
        out += self._component_constraints(node, shape)
        for prop in g.objects(node, SH.property):
            out.append(("Property", self.shape(prop)))
        return out

    def _component_constraints(self, node, shape: CompiledShape) -> list[tuple]:
        """A ("Component", ...) check for each SPARQL-based constraint component whose mandatory
        parameters ``node`` gives values to (one per combination of values), with the validator
        SHACL picks for the kind of shape; a component without a suitable validator is ignored."""
        g = self.graph
        out = []
        for component, parameters in self.components:
            values = {path: list(g.objects(node, path)) for path, _ in parameters}
            if not parameters or any(not values[path] for path, optional in parameters if not optional):
                continue
            specific = SH.propertyValidator if shape.path_node is not None else SH.nodeValidator
            validator = g.value(component, specific) or g.value(component, SH.validator)
            if validator is None:
                continue
            ask = g.value(validator, SH.ask) is not None
            if not ask and g.value(validator, SH.select) is None:
                raise UnsupportedShapes(
                    f"{_name(g, component)} has a validator without sh:ask or sh:select, which the fast "
                    "SHACL engine does not implement; validate with pyshacl instead (--shacl pyshacl)"
                )
            text = query_text(g, validator, SH.ask if ask else SH.select)
            if re.search(r"\$PATH\b", text):
                if shape.path_node is None:
                    continue
                path = sparql_path(g, shape.path_node)
                text = re.sub(r"\$PATH\b", lambda _match, path=path: path, text)
            messages = sorted(str(m) for m in g.objects(validator, SH.message)) or sorted(
                str(m) for m in g.objects(component, SH.message)
            )
            names = [(_local_name(path), values[path] or [None]) for path, _ in parameters]
            for combination in itertools.product(*(choices for _, choices in names)):
                bound = {
                    name: term_of(value)
                    for (name, _), value in zip(names, combination, strict=True)
                    if value is not None
                }
                query = SparqlQuery(text, messages[0] if messages else None, None, ask=ask, bound=bound)
                out.append(("Component", (str(component), query)))
        return out

    def _query_text(self, node) -> str:
        """The sh:select of ``node`` with the PREFIX lines its sh:prefixes declare."""
        return query_text(self.graph, node)

    def sparql_predicates(self) -> tuple[set[str], dict[str, list[Join]]] | None:
        """Which triples the SPARQL queries of the shapes read (see :func:`sparql_plan`)."""
        queries = []
        for shape in self._shapes.values():
            queries += [argument for kind, argument in shape.constraints if kind == "Sparql"]
            queries += [argument[1] for kind, argument in shape.constraints if kind == "Component"]
            queries += [value for kind, value in shape.targets if kind == "sparql"]
        return sparql_plan(queries)

    def predicates(self) -> set[str]:
        """Every predicate a path or a property-pair constraint of the shapes reads."""
        wanted = {RDF_TYPE, RDFS_SUBCLASS}
        for shape in self._shapes.values():
            wanted.update(_path_predicates(shape.path))
            wanted.update(value for kind, value in shape.targets if kind in ("subjectsOf", "objectsOf"))
            for kind, argument in shape.constraints:
                if kind in ("Equals", "Disjoint", "LessThan", "LessThanOrEquals"):
                    wanted.add(argument)
        return wanted


#: every term of the SHACL vocabulary (Core, SPARQL, Advanced Features, JavaScript); other sh: terms
#: name no feature and are ignored, as SHACL ignores unknown properties
_SHACL_TERMS = {SH[name] for name in SH.__annotations__}
_KNOWN_TYPES = {
    SH.NodeShape,
    SH.PropertyShape,
    SH.Shape,
    SH.SPARQLConstraint,
    SH.SPARQLTarget,
    SH.PrefixDeclaration,
    SH.ValidationReport,
    SH.ValidationResult,
    SH.ConstraintComponent,
    SH.Parameter,
    SH.SPARQLAskValidator,
    SH.SPARQLSelectValidator,
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


def _regex_flags(flags: str) -> int:
    result = 0
    for flag, value in (("i", re.I), ("m", re.M), ("s", re.S), ("x", re.X)):
        if flag in flags:
            result |= value
    return result


def _name(graph: rdflib.Graph, node) -> str:
    return node.n3(graph.namespace_manager) if isinstance(node, URIRef) else "a blank node"


def sparql_path(graph: rdflib.Graph, node) -> str:
    """A SHACL path in SPARQL property path syntax (what ``$PATH`` stands for in a query)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if (node, RDF.first, None) in graph:
        return "(" + "/".join(sparql_path(graph, item) for item in graph.items(node)) + ")"
    inner = graph.value(node, SH.inversePath)
    if inner is not None:
        return f"^({sparql_path(graph, inner)})"
    for key, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(node, key)
        if inner is not None:
            return f"({sparql_path(graph, inner)}){mark}"
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(sparql_path(graph, item) for item in graph.items(alternatives)) + ")"
    raise UnsupportedShapes(f"the shapes use a path the fast SHACL engine cannot read: {_name(graph, node)}")


def query_text(graph: rdflib.Graph, node, key=SH.select) -> str:
    """The query of ``node`` (its ``sh:select`` or ``sh:ask``) with the PREFIX lines its sh:prefixes declare."""
    lines = []
    ontologies = list(graph.objects(node, SH.prefixes))
    for ontology in ontologies:  # and the ontologies they import (owl:imports), each once
        ontologies += [o for o in graph.objects(ontology, rdflib.OWL.imports) if o not in ontologies]
    for ontology in ontologies:
        for declaration in graph.objects(ontology, SH.declare):
            lines.append(
                f"PREFIX {graph.value(declaration, SH.prefix)}: <{graph.value(declaration, SH.namespace)}>"
            )
    return "\n".join([*lines, str(graph.value(node, key))])


def check_sparql(shapes: rdflib.Graph) -> None:
    """Refuse, for every engine and before anything runs, a SPARQL query of ``shapes`` that SHACL forbids.

    SHACL pre-binds ``$this`` (and ``$value``, and a constraint component's parameters) by
    substitution, and for that to be well defined a query must not use MINUS, VALUES or SERVICE,
    must not assign a pre-bound variable with ``AS``, and its subqueries must return every
    pre-bound variable (SHACL 5.6.1; the suite's ``sparql/pre-binding`` tests).
    """
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    validators: dict[rdflib.term.Node, set[str]] = {}
    for key in (SH.validator, SH.nodeValidator, SH.propertyValidator):
        for component, validator in shapes.subject_objects(key):
            names = {
                _local_name(shapes.value(parameter, SH.path))
                for parameter in shapes.objects(component, SH.parameter)
            }
            validators.setdefault(validator, set()).update(names)
    for key in (SH.select, SH.ask):
        for node in shapes.subjects(key, None):
            bound = {"this", "shapesGraph", "currentShape", *validators.get(node, ())}
            if key == SH.ask:
                bound.add("value")
            try:
                tree = parseQuery(query_text(shapes, node, key))
            except Exception as exc:
                raise InputError(
                    f"the shapes' SPARQL query {_name(shapes, node)} cannot be read: {_one_line(exc)}"
                ) from None
            problem = _forbidden(tree, bound)
            if problem:
                raise InputError(
                    f"the shapes' SPARQL query {_name(shapes, node)} {problem}, which SHACL forbids "
                    "(pre-binding, SHACL 5.6.1). Fix: rewrite the query without it"
                )
    # the SPARQL of rules (which pyshacl runs): no SERVICE, even spelt with \u escapes
    for key, parse in ((SH.construct, parseQuery), (SH.update, parseUpdate)):
        for node in shapes.subjects(key, None):
            try:
                tree = parse(query_text(shapes, node, key))
            except Exception as exc:
                raise InputError(
                    f"the shapes' SPARQL {_name(shapes, node)} cannot be read: {_one_line(exc)}"
                ) from None
            if _forbidden(tree, set(), only_service=True):
                raise InputError(
                    f"the shapes' SPARQL {_name(shapes, node)} uses SERVICE, which is refused: validation "
                    "never calls another service. Fix: remove the SERVICE clause from the shapes file"
                )


def _forbidden(tree, bound: set[str], only_service: bool = False) -> str | None:
    """What in a parsed query breaks the pre-binding rules (None: nothing); or only whether it uses SERVICE."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    def rule(node, name: str) -> str | None:
        if name == "ServiceGraphPattern":
            return "uses SERVICE"
        if only_service:
            return None
        if name == "MinusGraphPattern":
            return "uses MINUS"
        if name == "InlineData" or (name == "ValuesClause" and _value(node, "var") is not None):
            return "uses VALUES"
        if name == "Bind" and str(_value(node, "var")) in bound:
            return f"assigns ${_value(node, 'var')} with BIND"
        for projected in _value(node, "projection") or ():
            if isinstance(projected, CompValue) and str(_value(projected, "evar")) in bound:
                return f"assigns ${_value(projected, 'evar')} with AS"
        if name == "SubSelect":
            if not _value(node, "projection"):
                return "has a subquery that selects *, not the pre-bound variables by name"
            returned = {str(_value(p, "var")) for p in node["projection"]}
            missing = sorted(bound - {"shapesGraph", "currentShape"} - returned)
            if missing:
                return f"has a subquery that does not return ${missing[0]}"
        return None

    def walk(node) -> str | None:
        if isinstance(node, CompValue):
            found = rule(node, node.name)
            if found:
                return found
            items = node.values()
        elif isinstance(node, (list, tuple, ParseResults)):
            items = node
        else:
            return None
        for item in items:
            found = walk(item)
            if found:
                return found
        return None

    return walk(list(tree))


def _value(node, key: str):
    """``node[key]``, or None (rdflib's ``CompValue.get`` answers a missing key with the key itself)."""
    return node[key] if key in node else None


def _local_name(iri) -> str:
    text = str(iri)
    return re.split(r"[#/:]", text)[-1]


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())
