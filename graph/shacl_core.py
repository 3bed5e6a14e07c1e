"""SHACL Core without pyshacl: a shapes graph compiled to checks that run over the built graph's table.

pyshacl needs the graph as an rdflib Graph and walks it node by node (about 70 µs per triple
on our machine, so a million-row build would spend eight minutes in it). This engine evaluates
each shape over all its focus nodes at once and checks each distinct value once; value nodes of
statement nodes come straight from the facts.

It implements the SHACL Core constraint components, the four kinds of target and every kind of
property path, following pyshacl's reading of the specification (the tests run both on the same
bad inputs). A shapes graph that uses anything else (SHACL-SPARQL, rules, custom components) is
refused with :class:`UnsupportedShapes`: it is never silently passed.
"""

from __future__ import annotations

import datetime
import decimal
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter

import rdflib
from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.namespace import SH

from .errors import InputError
from .facts import RDF_TYPE
from .terms import fast_literal_check, rdflib_literal
from .triple_table import (
    APPROXIMATION,
    DERIVED_FROM,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_SUBJECT,
    UNIT,
    TripleTable,
)

Term = str | tuple[str, str, str]  # an IRI (or "_:id"), or a literal (lexical form, datatype, language)
RDFS_SUBCLASS = str(RDFS.subClassOf)
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
class _Shape:
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
        self._shapes: dict[rdflib.term.Node, _Shape] = {}
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

    def shape(self, node: rdflib.term.Node) -> _Shape:
        found = self._shapes.get(node)
        if found is not None:
            return found
        g = self.graph
        shape = self._shapes[node] = _Shape(node)
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
            shape.targets.append(("sparql", _SparqlQuery(self._query_text(target))))
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

    def _constraints(self, node, shape: _Shape) -> list[tuple]:
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
                ("Sparql", _SparqlQuery(self._query_text(constraint), messages[0] if messages else None))
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
        run = _Run(self, _TableView(table, self._predicates(), self._sparql_predicates()))
        results: list[ShaclResult] = []
        for shape in self.top:
            if shape.deactivated:
                continue
            focus = run.view.focus_nodes(shape.targets)
            if len(focus):
                results.extend(run.evaluate(shape, focus))
        return results

    def _sparql_predicates(self) -> set[str] | None:
        """The predicates the SPARQL queries of the shapes read (None: any predicate)."""
        wanted: set[str] = set()
        for shape in self._shapes.values():
            queries = [argument for kind, argument in shape.constraints if kind == "Sparql"]
            queries += [value for kind, value in shape.targets if kind == "sparql"]
            for query in queries:
                if query.predicates is None:
                    return None
                wanted |= query.predicates
        return wanted

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


class _StatementNodes(Sequence):
    """Focus nodes that are exactly the table's statement nodes, in order; their IRIs are made when asked."""

    def __init__(self, prefix: str, facts: list):
        self.prefix = prefix
        self.facts = facts

    def __len__(self) -> int:
        return len(self.facts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.prefix + f.statement_key for f in self.facts[index]]
        return self.prefix + self.facts[index].statement_key

    def __iter__(self):
        prefix = self.prefix
        return (prefix + f.statement_key for f in self.facts)


_GETTERS = {  # the single value (or None) each statement node has for these predicates
    RDF_PREDICATE: attrgetter("predicate_iri"),
    RDF_SUBJECT: attrgetter("subject_iri"),
    DERIVED_FROM: attrgetter("evidence_node"),
    UNIT: attrgetter("unit_iri"),
    APPROXIMATION: attrgetter("approximation_iri"),
}


class _ColumnValues(Sequence):
    """The values of one predicate on every statement node, read from the facts' fields without making a
    tuple per node. ``special`` (``id(fact)`` -> values) holds the nodes whose qualifiers add values;
    a predicate every statement node has once needs no pass over the facts for cardinality."""

    def __init__(
        self, facts: list, predicate: str | None, special: dict[int, tuple[Term, ...]], special_facts: list
    ):
        self.facts = facts
        self.special = special
        self.special_facts = special_facts
        getter = _GETTERS.get(predicate)
        if getter is None and predicate == RDF_OBJECT:
            getter = _fact_object
        self.getter = getter  # None: the facts give no value for this predicate
        self.always = predicate in _ALWAYS  # every statement node has exactly one value

    def __len__(self) -> int:
        return len(self.facts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        fact = self.facts[index]
        found = self.special.get(id(fact))
        if found is not None:
            return found
        if self.getter is None:
            return ()
        value = self.getter(fact)
        return () if value is None else (value,)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def _position(self, fact) -> int:
        return bisect_left(self.facts, fact.statement_key, key=_STATEMENT_KEY)

    def _special_where(self, test) -> list[int]:
        return [self._position(f) for f in self.special_facts if test(self.special[id(f)])]

    def count_below(self, minimum: int) -> list[int]:
        special, getter, facts = self.special, self.getter, self.facts
        found = self._special_where(lambda vs: len(vs) < minimum)
        if minimum > 1 or (minimum == 1 and getter is None):
            found += [i for i, f in enumerate(facts) if id(f) not in special]
        elif minimum == 1 and not self.always:
            found += [
                i for i, v in enumerate(map(getter, facts)) if v is None and id(facts[i]) not in special
            ]
        return sorted(found)

    def count_above(self, maximum: int) -> list[int]:
        special, getter, facts = self.special, self.getter, self.facts
        found = self._special_where(lambda vs: len(vs) > maximum)
        if maximum == 0 and getter is not None:
            found += [
                i for i, v in enumerate(map(getter, facts)) if v is not None and id(facts[i]) not in special
            ]
        return sorted(found)

    def distinct(self) -> set[Term]:
        found = set(chain.from_iterable(self.special.values()))
        if self.getter is not None:
            found.update(map(self.getter, self.facts))  # a special node's own value is among its values
            found.discard(None)
        return found

    def with_values(self, bad: set[Term]) -> list[tuple[int, Term]]:
        getter = self.getter
        found = []
        if getter is not None:
            found = [(i, v) for i, v in enumerate(map(getter, self.facts)) if v in bad]
        for fact in self.special_facts:
            own = getter(fact) if getter is not None else None
            found += [(self._position(fact), v) for v in self.special[id(fact)] if v in bad and v != own]
        return sorted(found, key=lambda pair: pair[0])


_STATEMENT_KEY = attrgetter("statement_key")


class _TableView:
    """The graph as the engine reads it: objects and subjects by predicate, types, targets."""

    def __init__(
        self, table: TripleTable, predicates: set[str], sparql_predicates: set[str] | None = frozenset()
    ):
        self.table = table
        self._sparql_predicates = sparql_predicates
        self._store = None
        self._qualifier_predicates: dict[str, list] | None = (
            None  # predicate -> facts whose qualifiers use it
        )
        self._shared: list[tuple[str, str, list[Term]]] = []  # triples of IRIs that are also statement nodes
        self.prefix = table.statement_prefix
        self._index: dict[tuple[str, str], list[Term]] = {}  # (subject, predicate) -> objects, not statements
        self._statements: dict[str, object] | None = None
        self._inverse: dict[str, dict[Term, list[Term]]] = {}
        index = self._index
        for predicate in predicates:
            for fact in table.by_predicate.get(predicate, ()):
                values = index.get((fact.subject_iri, predicate))
                value = _fact_object(fact)
                if values is None:
                    index[(fact.subject_iri, predicate)] = [value]
                elif value not in values:
                    values.append(value)
        if not table.by_predicate:  # a table not made by the builder
            for subject, facts in table.subjects.items():
                for fact in facts:
                    if fact.predicate_iri in predicates:
                        self._add(subject, fact.predicate_iri, _fact_object(fact))
        for subject, items in table.others.items():
            for p, is_literal, value, datatype, language in items:
                if p in predicates:
                    value = (value, datatype, language) if is_literal else value
                    values = index.get((subject, p))
                    if values is None:
                        index[(subject, p)] = [value]
                    elif value not in values:
                        values.append(value)
        self._extras: dict[str, list[tuple[str, Term]]] = {
            key: [(p, (v, dt, lang) if lit else v) for p, lit, v, dt, lang in items]
            for key, items in table.extras.items()
        }
        self._subclasses = self._subclass_closure()

    def _add(self, subject: str, predicate: str, value: Term) -> None:
        values = self._index.get((subject, predicate))
        if values is None:
            self._index[(subject, predicate)] = [value]
        elif value not in values:
            values.append(value)

    # --- statement nodes

    def statement(self, node: Term):
        """The fact whose statement node ``node`` is, or None."""
        if not isinstance(node, str) or not node.startswith(self.prefix):
            return None
        if self._statements is None:
            self._statements = {self.prefix + f.statement_key: f for f in self.table.statements}
        return self._statements.get(node)

    def _statement_values(self, fact, predicate: str) -> list[Term]:
        values = _fixed_values(fact, predicate)
        for p, value in self._extras.get(fact.statement_key, ()):
            if p == predicate and value not in values:
                values.append(value)
        return values

    # --- reading the graph

    def objects(self, node: Term, predicate: str) -> list[Term]:
        values = self._index.get((node, predicate)) if isinstance(node, str) else None
        fact = self.statement(node)
        if fact is None:
            return list(values or ())
        found = self._statement_values(fact, predicate)
        return found + [v for v in values or () if v not in found]

    def values(self, nodes: Sequence[Term], predicate: str) -> Sequence[tuple[Term, ...]]:
        """The objects of ``predicate`` for each node, aligned with ``nodes``."""
        if not isinstance(nodes, _StatementNodes):
            get, objects, prefix = self._index.get, self.objects, self.prefix
            # a node that is not in the index may still be a statement node
            return [
                tuple(found)
                if (found := get((node, predicate))) is not None and not node.startswith(prefix)
                else tuple(objects(node, predicate))
                if isinstance(node, str) and node.startswith(prefix)
                else tuple(found or ())
                for node in nodes
            ]
        special: dict[int, tuple[Term, ...]] = {}  # id(fact) -> values, where qualifiers add some
        special_facts = []
        if self._qualifier_predicates is None:
            self._qualifier_predicates = {}
            for key, extra in self._extras.items():
                for p in dict.fromkeys(p for p, _ in extra):
                    self._qualifier_predicates.setdefault(p, []).append(self.table.qualified[key])
            self._shared = [
                (s, p, found) for (s, p), found in self._index.items() if s.startswith(self.prefix)
            ]
        for fact in self._qualifier_predicates.get(predicate, ()):
            special[id(fact)] = tuple(self._statement_values(fact, predicate))
            special_facts.append(fact)
        for subject, p, found in self._shared:
            if p == predicate:
                fact = self.statement(subject)
                if fact is not None:
                    old = special.get(id(fact))
                    if old is None:
                        old = tuple(_fixed_values(fact, predicate))
                        special_facts.append(fact)
                    special[id(fact)] = old + tuple(v for v in found if v not in old)
        return _ColumnValues(nodes.facts, predicate, special, special_facts)

    def subjects(self, predicate: str, node: Term) -> list[Term]:
        inverse = self._inverse.get(predicate)
        if inverse is None:
            inverse = self._inverse[predicate] = {}
            for s, o in self.pairs(predicate):
                found = inverse.setdefault(o, [])
                if s not in found:
                    found.append(s)
        return inverse.get(node, [])

    def subjects_with(self, predicate: str) -> dict[Term, None]:
        """Every subject of ``predicate``, each once."""
        found = {s: None for s, p in self._index if p == predicate}
        column = _COLUMNS.get(predicate)
        if column is not None:
            prefix = self.prefix
            found.update((prefix + f.statement_key, None) for f in self.table.statements if column(f))
        found.update(
            (self.prefix + key, None)
            for key, items in self._extras.items()
            if any(p == predicate for p, _ in items)
        )
        return found

    def objects_with(self, predicate: str) -> dict[Term, None]:
        """Every object of ``predicate``, each once."""
        found = {v: None for (_, p), values in self._index.items() if p == predicate for v in values}
        getter = _GETTERS.get(predicate) or (_fact_object if predicate == RDF_OBJECT else None)
        if getter is not None:
            found.update(dict.fromkeys(map(getter, self.table.statements)))
            found.pop(None, None)
        found.update((v, None) for items in self._extras.values() for p, v in items if p == predicate)
        return found

    def pairs(self, predicate: str) -> Iterable[tuple[Term, Term]]:
        """Every (subject, object) of ``predicate``."""
        for (s, p), values in self._index.items():
            if p == predicate:
                for value in values:
                    yield s, value
        if predicate in _COLUMNS:
            column = _COLUMNS[predicate]
            for fact in self.table.statements:
                for value in column(fact):
                    yield self.prefix + fact.statement_key, value
        for key, items in self._extras.items():
            for p, value in items:
                if p == predicate:
                    yield self.prefix + key, value

    def predicates_of(self, node: Term) -> set[str]:
        """Every predicate ``node`` is the subject of (for sh:closed)."""
        found = {p for p, _, _, _, _ in self.table.items(node)} if isinstance(node, str) else set()
        fact = self.statement(node)
        if fact is not None:
            found |= {p for p in _COLUMNS if _COLUMNS[p](fact)}
            found |= {p for p, _ in self._extras.get(fact.statement_key, ())}
        return found

    def objects_all(self, node: Term) -> list[tuple[str, Term]]:
        """Every (predicate, object) of ``node``."""
        out = []
        if isinstance(node, str):
            out = [(p, (v, dt, lang) if lit else v) for p, lit, v, dt, lang in self.table.items(node)]
        fact = self.statement(node)
        if fact is not None:
            for p, column in _COLUMNS.items():
                out.extend((p, value) for value in column(fact))
            out.extend(self._extras.get(fact.statement_key, ()))
        return out

    # --- classes and targets

    def _subclass_closure(self) -> dict[str, set[str]]:
        parents: dict[str, set[str]] = {}
        for (s, p), values in self._index.items():
            if p == RDFS_SUBCLASS:
                parents.setdefault(s, set()).update(v for v in values if isinstance(v, str))
        closure: dict[str, set[str]] = {}
        for cls in parents:
            seen, todo = set(), [cls]
            while todo:
                for parent in parents.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            closure[cls] = seen
        return closure

    def is_instance(self, node: Term, cls: str) -> bool:
        for t in self.objects(node, RDF_TYPE):
            if t == cls or cls in self._subclasses.get(t, ()):
                return True
        return False

    def select(self, query: _SparqlQuery) -> list[dict[str, Term]]:
        """The solutions of a SELECT query over the graph (a store of the triples the queries read)."""
        if self._store is None:
            import pyoxigraph as ox

            self._store = ox.Store()
            self._store.bulk_load("".join(self._store_lines()).encode(), format=ox.RdfFormat.N_TRIPLES)
        return [
            {
                variable.value: _from_oxigraph(solution[variable], keep_literals=True)
                for variable in solutions.variables
                if solution[variable] is not None
            }
            for solutions in [self._store.query(query.text)]
            for solution in solutions
        ]

    def _store_lines(self) -> Iterable[str]:
        """N-Triples of the triples whose predicate the SPARQL queries name (all, if one has a variable)."""
        from .exports.rdf import nt_literal

        def line(subject: str, predicate: str, value: Term) -> str:
            obj = nt_literal(*value) if isinstance(value, tuple) else _nt_node(value)
            return f"{_nt_node(subject)} <{predicate}> {obj} .\n"

        table, wanted, prefix = self.table, self._sparql_predicates, self.prefix
        if wanted is None or (table.subjects and not table.by_predicate):
            for subject, items in table.blocks():
                for p, is_literal, value, datatype, language in items:
                    if wanted is None or p in wanted:
                        yield line(subject, p, (value, datatype, language) if is_literal else value)
            return
        for predicate in wanted:
            for fact in table.by_predicate.get(predicate, ()):
                yield line(fact.subject_iri, predicate, _fact_object(fact))
            getter = _GETTERS.get(predicate) or (_fact_object if predicate == RDF_OBJECT else None)
            if getter is not None:
                for fact in table.statements:
                    value = getter(fact)
                    if value is not None:
                        yield line(prefix + fact.statement_key, predicate, value)
        for subject, items in table.others.items():
            for p, is_literal, value, datatype, language in items:
                if p in wanted:
                    yield line(subject, p, (value, datatype, language) if is_literal else value)
        for key, items in table.extras.items():
            for p, is_literal, value, datatype, language in items:
                if p in wanted:
                    yield line(prefix + key, p, (value, datatype, language) if is_literal else value)

    def original_literal(self, node: Term, found) -> Term:
        """The graph's own literal that the store gives back as ``found`` (a store keeps numbers and
        dates by value: "10"^^xsd:positiveInteger comes back as "10"^^xsd:integer), looked for among
        the objects of ``node``; else ``found`` itself, as a term."""
        for _, value in self.objects_all(node):
            if isinstance(value, tuple) and _stored_form(value) == found:
                return value
        return _from_oxigraph(found)

    def focus_nodes(self, targets: list[tuple[str, Term]]) -> list[Term]:
        """The focus nodes of a shape's targets, each once."""
        if len(targets) == 1 and targets[0][0] == "subjectsOf" and targets[0][1] in _ALWAYS:
            predicate = targets[0][1]
            if not any(p == predicate for _, p in self._index):  # no other subject has the predicate
                return _StatementNodes(self.prefix, self.table.statements)
        nodes: dict[Term, None] = {}
        for kind, value in targets:
            if kind == "node":
                nodes[value] = None
            elif kind == "subjectsOf":
                nodes.update(self.subjects_with(value))
            elif kind == "objectsOf":
                nodes.update(self.objects_with(value))
            elif kind == "sparql":
                nodes.update(
                    (this if isinstance(this, str) else _from_oxigraph(this), None)
                    for solution in self.select(value)
                    if (this := solution.get("this")) is not None
                )
            else:
                classes = {value} | {c for c, ups in self._subclasses.items() if value in ups}
                nodes.update((s, None) for s, o in self.pairs(RDF_TYPE) if o in classes)
        return list(nodes)


class _SparqlQuery:
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


def _nt_node(term: str) -> str:
    return term if term.startswith("_:") else f"<{term}>"


def _stored_form(term: tuple[str, str, str]):
    """How an Oxigraph store gives a literal back."""
    import pyoxigraph as ox

    found = _STORED.get(term)
    if found is None:
        lexical, datatype, language = term
        if language:
            literal = ox.Literal(lexical, language=language)
        else:
            literal = (
                ox.Literal(lexical, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(lexical)
            )
        store = ox.Store()
        node = ox.NamedNode("urn:x-probe:s")
        store.add(ox.Quad(node, node, literal))
        found = _STORED[term] = next(iter(store)).object
    return found


_STORED: dict[tuple[str, str, str], object] = {}


def _from_oxigraph(term, keep_literals: bool = False) -> Term:
    import pyoxigraph as ox

    if isinstance(term, ox.Literal):
        if keep_literals:
            return term
        datatype = term.datatype.value
        if term.language:
            return (term.value, "", term.language)
        return (term.value, "" if datatype == str(XSD.string) else datatype, "")
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _fact_object(fact) -> Term:
    if fact.object_is_literal:
        return (fact.object_value, fact.datatype_iri, fact.language)
    return fact.object_value


def _one(value):
    return () if value is None else (value,)


_COLUMNS: dict[str, Callable] = {
    RDF_OBJECT: lambda f: (_fact_object(f),),
    RDF_PREDICATE: lambda f: (f.predicate_iri,),
    RDF_SUBJECT: lambda f: (f.subject_iri,),
    DERIVED_FROM: lambda f: (f.evidence_node,),
    UNIT: lambda f: _one(f.unit_iri),
    APPROXIMATION: lambda f: _one(f.approximation_iri),
}


_ALWAYS = (RDF_OBJECT, RDF_PREDICATE, RDF_SUBJECT, DERIVED_FROM)  # every statement node has these


def _fixed_values(fact, predicate: str) -> list[Term]:
    column = _COLUMNS.get(predicate)
    return list(column(fact)) if column is not None else []


class _Run:
    """One validation: the view, and what has been worked out about nodes and shapes so far."""

    def __init__(self, validator: Validator, view: _TableView):
        self.validator = validator
        self.view = view
        self._conforms: dict[int, dict[Term, bool]] = {}  # id(shape) -> node -> conforms
        self._literals: dict[tuple[str, str, str], Literal] = {}

    def literal(self, term: tuple[str, str, str]) -> Literal:
        found = self._literals.get(term)
        if found is None:
            found = self._literals[term] = rdflib_literal(*term)
        return found

    def path_values(self, nodes: list[Term], path) -> Sequence[tuple[Term, ...]]:
        if isinstance(path, str):
            return self.view.values(nodes, path)
        kind, steps = path
        if kind == "alternative" and all(isinstance(step, str) for step in steps):
            return self._alternative(nodes, steps)
        if kind == "sequence" and all(isinstance(step, str) for step in steps):
            return self._sequence(nodes, steps)
        return [tuple(dict.fromkeys(self._walk(node, path))) for node in nodes]

    def _alternative(self, nodes, predicates: tuple[str, ...]) -> Sequence[tuple[Term, ...]]:
        """The values of any of ``predicates``, for all nodes at once."""
        parts = [self.view.values(nodes, p) for p in predicates]
        if isinstance(nodes, _StatementNodes) and all(part.getter is None for part in parts):
            special: dict[int, tuple[Term, ...]] = {}  # only qualifiers give values: merge those
            special_facts = []
            for part in parts:
                for fact in part.special_facts:
                    found = special.get(id(fact))
                    if found is None:
                        special_facts.append(fact)
                        special[id(fact)] = part.special[id(fact)]
                    else:
                        special[id(fact)] = found + tuple(v for v in part.special[id(fact)] if v not in found)
            return _ColumnValues(nodes.facts, None, special, special_facts)
        return [tuple(dict.fromkeys(chain.from_iterable(found))) for found in zip(*parts, strict=True)]

    def _sequence(self, nodes, predicates: tuple[str, ...]) -> list[tuple[Term, ...]]:
        """The values at the end of ``predicates`` followed in turn, for all nodes at once."""
        current = [(node,) for node in nodes]
        for predicate in predicates:
            reached = list(dict.fromkeys(chain.from_iterable(current)))
            step = dict(zip(reached, self.view.values(reached, predicate), strict=True))
            current = [tuple(dict.fromkeys(chain.from_iterable(step[n] for n in ns))) for ns in current]
        return current

    def _walk(self, node: Term, path) -> list[Term]:
        view = self.view
        if isinstance(path, str):
            return view.objects(node, path)
        kind, inner = path
        if kind == "inverse":
            if isinstance(inner, str):
                return view.subjects(inner, node)
            return [s for s in self._all_subjects() if node in self._walk(s, inner)]
        if kind == "sequence":
            current = [node]
            for step in inner:
                current = list(dict.fromkeys(chain.from_iterable(self._walk(n, step) for n in current)))
            return current
        if kind == "alternative":
            return list(dict.fromkeys(chain.from_iterable(self._walk(node, step) for step in inner)))
        if kind == "zeroOrOne":
            return list(dict.fromkeys([node, *self._walk(node, inner)]))
        seen: dict[Term, None] = {node: None} if kind == "zeroOrMore" else {}
        todo = [node]
        while todo:
            for value in self._walk(todo.pop(), inner):
                if value not in seen:
                    seen[value] = None
                    todo.append(value)
        return list(seen)

    def _all_subjects(self) -> list[Term]:
        table = self.view.table
        return [*table.order, *(table.statement_prefix + f.statement_key for f in table.statements)]

    def conforms(self, shape: _Shape, node: Term) -> bool:
        known = self._conforms.get(id(shape))
        if known is None or node not in known:
            self.learn_conformance(shape, [node])
            known = self._conforms[id(shape)]
        return known[node]

    def learn_conformance(self, shape: _Shape, nodes: Iterable[Term]) -> None:
        """Work out at once whether each of ``nodes`` conforms to ``shape`` (one evaluation, not one each)."""
        known = self._conforms.setdefault(id(shape), {})
        todo = [node for node in dict.fromkeys(nodes) if node not in known]
        if not todo:
            return
        known.update(dict.fromkeys(todo, True))  # a shape that refers to itself: assume it conforms meanwhile
        for node in self.failing(shape, todo):
            known[node] = False

    def evaluate(self, shape: _Shape, focus: list[Term]) -> list[ShaclResult]:
        """The results of ``shape`` on each focus node (nested property shapes report their own)."""
        results: list[ShaclResult] = []
        self._run_shape(shape, focus, results, None)
        return results

    def failing(self, shape: _Shape, focus: list[Term]) -> set[Term]:
        """The focus nodes that do not conform to ``shape`` (results of nested shapes included)."""
        failed: set[Term] = set()
        self._run_shape(shape, focus, None, failed)
        return failed

    def _run_shape(self, shape: _Shape, focus, results: list | None, failed: set | None) -> None:
        """Evaluate ``shape``: report results into ``results``, or the failing focus nodes into ``failed``."""
        if shape.deactivated:
            return
        values = None
        for kind, argument in shape.constraints:
            if kind == "Property" and shape.path is None:
                self._run_shape(argument, focus, results, failed)  # from the same focus nodes
                continue
            if values is None:
                values = (
                    self.path_values(focus, shape.path) if shape.path is not None else [(n,) for n in focus]
                )
            if kind == "Property":  # from each value node
                nodes = list(dict.fromkeys(chain.from_iterable(values)))
                if results is not None:
                    self._run_shape(argument, nodes, results, None)
                else:
                    bad = self.failing(argument, nodes)
                    failed.update(f for f, vs in zip(focus, values, strict=True) if any(v in bad for v in vs))
                continue
            if kind == "Sparql":
                found = self._sparql(shape, argument, focus)
                if results is not None:
                    results.extend(found)
                else:
                    failed.update(r.focus for r in found)
                continue
            for index, value, component, *path in getattr(self, f"_{kind.lower()}")(
                shape, argument, focus, values
            ):
                if results is None:
                    failed.add(focus[index])
                    continue
                path_iri = path[0] if path else shape.path_iri
                results.append(
                    ShaclResult(focus[index], path_iri, value, component, shape.node, shape.severity)
                )

    def _sparql(self, shape: _Shape, query: _SparqlQuery, focus: list[Term]) -> list[ShaclResult]:
        """pyshacl's reading of a SPARQL constraint: each solution for a focus node is a result."""
        if query.projects_this:
            position = {node: i for i, node in enumerate(focus)}
            by_focus: dict[int, list[dict]] = {}
            for solution in self.view.select(query):
                index = position.get(solution.get("this"))
                if index is not None:
                    by_focus.setdefault(index, []).append(solution)
        else:
            raise UnsupportedShapes(
                "a SPARQL constraint of the shapes does not select $this, which the fast SHACL engine needs; "
                "validate with pyshacl instead (--shacl pyshacl)"
            )
        results = []
        for index, solutions in sorted(by_focus.items()):
            node = focus[index]
            default_value = node if shape.path is None else None
            seen: list = []
            failed = False
            for solution in solutions:
                bindings = {
                    name: value if isinstance(value, str) else self.view.original_literal(node, value)
                    for name, value in solution.items()
                }
                if bindings.pop("failure", None) is not None:
                    if failed:
                        continue
                    failed = True
                    this, path, value, fill = node, None, default_value, bindings
                else:
                    path = bindings.pop("path", None)
                    value = bindings.pop("value", None)
                    this = bindings.pop("this", None)
                    if path is None and value is None and this is None:
                        continue
                    key = (this, path, value, sorted(bindings.items()))
                    if key in seen:
                        continue
                    seen.append(key)
                    fill = {
                        **bindings,
                        **{
                            k: v
                            for k, v in (("this", this), ("path", path), ("value", value))
                            if v is not None
                        },
                    }
                    this = this or node
                    value = default_value if value is None else value
                message = None if query.message is None else _fill(query.message, fill)
                path_iri = path if isinstance(path, str) else shape.path_iri
                results.append(
                    ShaclResult(
                        this,
                        path_iri,
                        value,
                        "SPARQLConstraintComponent",
                        shape.node,
                        shape.severity,
                        message,
                    )
                )
        return results

    # --- cardinality

    def _mincount(self, shape, minimum, focus, values):
        if isinstance(values, _ColumnValues):
            return [(i, None, "MinCountConstraintComponent") for i in values.count_below(minimum)]
        return [(i, None, "MinCountConstraintComponent") for i, v in enumerate(values) if len(v) < minimum]

    def _maxcount(self, shape, maximum, focus, values):
        if isinstance(values, _ColumnValues):
            return [(i, None, "MaxCountConstraintComponent") for i in values.count_above(maximum)]
        return [(i, None, "MaxCountConstraintComponent") for i, v in enumerate(values) if len(v) > maximum]

    # --- checks of single values, each distinct value checked once

    def _each_value(self, values, ok: Callable[[Term], bool], component: str):
        bad = {value for value in _distinct(values) if not ok(value)}
        if not bad:
            return []
        if isinstance(values, _ColumnValues):
            return [(i, v, component) for i, v in values.with_values(bad)]
        return [(i, v, component) for i, vs in enumerate(values) for v in vs if v in bad]

    def _class(self, shape, cls, focus, values):
        return self._each_value(
            values,
            lambda v: isinstance(v, str) and self.view.is_instance(v, cls),
            "ClassConstraintComponent",
        )

    def _datatype(self, shape, datatype, focus, values):
        return self._each_value(
            values, lambda v: self._has_datatype(v, datatype), "DatatypeConstraintComponent"
        )

    def _has_datatype(self, value: Term, rule: str) -> bool:
        if isinstance(value, str):
            return False
        lexical, datatype, language = value
        if rule == str(RDFS.Literal):
            return True
        if rule == str(RDFS.Datatype):
            return bool(datatype)  # rdflib gives language-tagged strings no datatype
        if language:
            return rule == str(RDF.langString)
        if not datatype:
            return rule == str(XSD.string)
        if datatype != rule:
            return False
        fast = fast_literal_check(datatype)
        if fast is not None and fast(lexical) and not lexical.startswith("0000"):
            return True
        literal = self.literal(value)
        if getattr(literal, "ill_typed", None) is True:
            return False
        python = _PYTHON_TYPES.get(rule)
        return python is None or isinstance(literal.value, python)

    def _nodekind(self, shape, kind, focus, values):
        def ok(value: Term) -> bool:
            if isinstance(value, tuple):
                actual = "Literal"
            elif value.startswith("_:"):
                actual = "BlankNode"
            else:
                actual = "IRI"
            return actual in _NODE_KINDS[kind]

        return self._each_value(values, ok, "NodeKindConstraintComponent")

    def _range(self, bound: Literal, value: Term, accept) -> bool:
        if isinstance(value, str):
            return False
        literal = self.literal(value)
        if isinstance(bound.value, str) != isinstance(literal.value, str):
            return False
        try:
            return accept(_compare_literal(literal, bound))
        except (TypeError, NotImplementedError):
            return False

    def _minexclusive(self, shape, bound, focus, values):
        return self._each_value(
            values, lambda v: self._range(bound, v, lambda c: c > 0), "MinExclusiveConstraintComponent"
        )

    def _mininclusive(self, shape, bound, focus, values):
        return self._each_value(
            values, lambda v: self._range(bound, v, lambda c: c >= 0), "MinInclusiveConstraintComponent"
        )

    def _maxexclusive(self, shape, bound, focus, values):
        return self._each_value(
            values, lambda v: self._range(bound, v, lambda c: c < 0), "MaxExclusiveConstraintComponent"
        )

    def _maxinclusive(self, shape, bound, focus, values):
        return self._each_value(
            values, lambda v: self._range(bound, v, lambda c: c <= 0), "MaxInclusiveConstraintComponent"
        )

    def _minlength(self, shape, minimum, focus, values):
        return self._each_value(
            values,
            lambda v: minimum == 0 or (not _is_blank(v) and len(_text(v)) >= minimum),
            "MinLengthConstraintComponent",
        )

    def _maxlength(self, shape, maximum, focus, values):
        return self._each_value(
            values, lambda v: not _is_blank(v) and len(_text(v)) <= maximum, "MaxLengthConstraintComponent"
        )

    def _pattern(self, shape, pattern, focus, values):
        return self._each_value(
            values,
            lambda v: not _is_blank(v) and pattern.search(_text(v)) is not None,
            "PatternConstraintComponent",
        )

    def _languagein(self, shape, languages, focus, values):
        def ok(value: Term) -> bool:
            if not isinstance(value, tuple) or not value[2]:
                return False
            language = value[2].lower()
            return "*" in languages or language in languages or language.split("-")[0] in languages

        return self._each_value(values, ok, "LanguageInConstraintComponent")

    def _in(self, shape, members, focus, values):
        return self._each_value(values, lambda v: v in members, "InConstraintComponent")

    def _learn(self, shapes: Iterable[_Shape], values) -> None:
        distinct = _distinct(values)
        for shape in shapes:
            self.learn_conformance(shape, distinct)

    def _node(self, shape, inner, focus, values):
        self._learn([inner], values)
        return self._each_value(values, lambda v: self.conforms(inner, v), "NodeConstraintComponent")

    def _not(self, shape, inner, focus, values):
        self._learn([inner], values)
        return self._each_value(values, lambda v: not self.conforms(inner, v), "NotConstraintComponent")

    def _and(self, shape, members, focus, values):
        self._learn(members, values)
        return self._each_value(
            values, lambda v: all(self.conforms(m, v) for m in members), "AndConstraintComponent"
        )

    def _or(self, shape, members, focus, values):
        self._learn(members, values)
        return self._each_value(
            values, lambda v: any(self.conforms(m, v) for m in members), "OrConstraintComponent"
        )

    def _xone(self, shape, members, focus, values):
        self._learn(members, values)
        return self._each_value(
            values, lambda v: sum(self.conforms(m, v) for m in members) == 1, "XoneConstraintComponent"
        )

    # --- checks of all the values of a focus node together

    def _uniquelang(self, shape, _, focus, values):
        results = []
        for i, vs in enumerate(values):
            if len(vs) < 2:
                continue
            languages = [v[2].lower() for v in vs if isinstance(v, tuple) and v[2]]
            for _language in {x for x in languages if languages.count(x) > 1}:
                results.append((i, None, "UniqueLangConstraintComponent"))
        return results

    def _hasvalue(self, shape, value, focus, values):
        return [(i, None, "HasValueConstraintComponent") for i, vs in enumerate(values) if value not in vs]

    def _qualified(self, shape, argument, focus, values):
        inner, low, high, disjoint = argument
        siblings = self._siblings(shape, inner) if disjoint else []
        self._learn([inner, *siblings], values)
        results = []
        for i, vs in enumerate(values):
            count = sum(
                1 for v in vs if self.conforms(inner, v) and not any(self.conforms(s, v) for s in siblings)
            )
            if high is not None and count > high:
                results.append((i, None, "QualifiedMaxCountConstraintComponent"))
            if low is not None and count < low:
                results.append((i, None, "QualifiedMinCountConstraintComponent"))
        return results

    def _siblings(self, shape: _Shape, inner: _Shape) -> list[_Shape]:
        """The other qualified value shapes of the property shapes that share a parent with ``shape``."""
        g = self.validator.graph
        found = []
        for parent in g.subjects(SH.property, shape.node):
            for sibling in g.objects(parent, SH.property):
                for qualified in g.objects(sibling, SH.qualifiedValueShape):
                    if qualified != inner.node:
                        found.append(self.validator.shape(qualified))
        return found

    def _equals(self, shape, other, focus, values):
        results = []
        for i, (vs, os) in enumerate(zip(values, self.view.values(focus, other), strict=True)):
            results.extend((i, v, "EqualsConstraintComponent") for v in vs if v not in os)
            results.extend((i, o, "EqualsConstraintComponent") for o in os if o not in vs)
        return results

    def _disjoint(self, shape, other, focus, values):
        results = []
        for i, (vs, os) in enumerate(zip(values, self.view.values(focus, other), strict=True)):
            results.extend((i, v, "DisjointConstraintComponent") for v in vs if v in os)
        return results

    def _less(self, shape, other, focus, values, accept, component):
        results = []
        for i, (vs, os) in enumerate(zip(values, self.view.values(focus, other), strict=True)):
            for v in vs:
                for o in os:
                    if not self._ordered(v, o, accept):
                        results.append((i, v, component))
        return results

    def _ordered(self, value: Term, other: Term, accept) -> bool:
        """pyshacl's sh:lessThan test: IRIs and strings compare as text, other literals by value."""
        left, right = self._comparable(value), self._comparable(other)
        if isinstance(left, str) != isinstance(right, str):
            return False
        try:
            return accept(left, right)
        except TypeError:
            return False

    def _comparable(self, term: Term):
        if isinstance(term, str):
            return term
        literal = self.literal(term)
        return literal.value if isinstance(literal.value, str) else literal

    def _lessthan(self, shape, other, focus, values):
        return self._less(shape, other, focus, values, lambda a, b: a < b, "LessThanConstraintComponent")

    def _lessthanorequals(self, shape, other, focus, values):
        return self._less(
            shape, other, focus, values, lambda a, b: a <= b, "LessThanOrEqualsConstraintComponent"
        )

    def _closed(self, shape, allowed, focus, values):
        return [
            (i, value, "ClosedConstraintComponent", p)
            for i, node in enumerate(focus)
            for p, value in self.view.objects_all(node)
            if p not in allowed
        ]


_PYTHON_TYPES = {  # the Python value rdflib must give a literal of these datatypes (as pyshacl checks)
    str(XSD.string): (str, bytes),
    str(RDF.langString): (str, bytes),
    str(XSD.integer): int,
    str(XSD.float): float,
    str(XSD.decimal): decimal.Decimal,
    str(XSD.boolean): bool,
    str(XSD.date): datetime.date,
    str(XSD.time): datetime.time,
    str(XSD.dateTime): datetime.datetime,
}
_NODE_KINDS = {
    str(SH.IRI): {"IRI"},
    str(SH.BlankNode): {"BlankNode"},
    str(SH.Literal): {"Literal"},
    str(SH.BlankNodeOrIRI): {"BlankNode", "IRI"},
    str(SH.BlankNodeOrLiteral): {"BlankNode", "Literal"},
    str(SH.IRIOrLiteral): {"IRI", "Literal"},
}


def _distinct(values) -> set[Term]:
    if isinstance(values, _ColumnValues):
        return values.distinct()
    return set(chain.from_iterable(values))


def _compare_literal(left: Literal, right: Literal) -> int:
    """pyshacl's comparison of two literals (``rdfutil.compare.compare_literal``)."""
    if left.eq(right):
        return 0
    if left.value.__class__ in (datetime.datetime, datetime.time):
        if left.value == right.value:
            return 0
        if left.value > right.value:
            return 1
    elif left > right:
        return 1
    return -1


def _fill(message: str, bindings: dict[str, Term]) -> str:
    """pyshacl's substitution of ``{?name}`` and ``{$name}`` in a SPARQL constraint's message."""
    for name, value in bindings.items():
        message = re.sub(f"{{[?$]{name}}}", value if isinstance(value, str) else value[0], message)
    return message


def _is_blank(value: Term) -> bool:
    return isinstance(value, str) and value.startswith("_:")


def _text(value: Term) -> str:
    return value if isinstance(value, str) else value[0]


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
