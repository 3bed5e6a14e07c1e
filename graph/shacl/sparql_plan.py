"""Which triples the SHACL-SPARQL queries of the shapes can join, so the engine's store holds only those.

A query's required triple patterns (outside OPTIONAL, NOT EXISTS, MINUS) name predicates and
join them on shared variables: a triple whose join partner is missing can never be part of an
answer, and is left out of the store (sound pruning). A variable predicate loads everything.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from graph.shacl.types import Term, UnsupportedShapes


class SparqlQuery:
    """A SELECT query of a shape, ``$this`` read as an ordinary variable; which predicates it reads.

    ``join`` tells whether one run for all focus nodes, its solutions matched to them by ``?this``,
    gives what SHACL's pre-binding of ``$this`` gives for each: so when ``$this`` is bound by a
    triple pattern of the query's top-level group and appears elsewhere only in that group's
    FILTERs, and nothing (GROUP BY, LIMIT ...) works on the solutions of all nodes together.
    Otherwise the query runs once per focus node with ``$this`` substituted."""

    def __init__(
        self,
        text: str,
        message: str | None = None,
        node=None,
        ask: bool = False,
        bound: dict[str, Term] | None = None,
    ):
        from rdflib.plugins.sparql import prepareQuery
        from rdflib.plugins.sparql.parser import parseQuery

        self.node = node  # the constraint (or target) in the shapes graph
        self.ask = ask  # an ASK validator of a constraint component (else a SELECT query)
        self.bound = bound or {}  # the constraint component's parameters, pre-bound
        names = "|".join(["this", "value", "path", "failure", *map(re.escape, self.bound)])
        self.text = re.sub(rf"\$({names})\b", r"?\1", text)
        self.message = message
        # $shapesGraph names the shapes graph, a named graph of the store; $currentShape the shape
        self.uses_shapes = re.search(r"[?$](shapesGraph|currentShape)\b", self.text) is not None
        try:
            algebra = prepareQuery(self.text).algebra
            tree = parseQuery(self.text)
        except Exception as exc:
            raise UnsupportedShapes(f"a SPARQL query of the shapes cannot be read: {exc}") from None
        self.projects_this = any(str(v) == "this" for v in (algebra["PV"] if "PV" in algebra else ()))
        self.join = self.projects_this and not self.bound and not self.uses_shapes and _join_safe(tree[1])
        self.predicates = _algebra_predicates(algebra)
        self.patterns, self.unprunable = _required_patterns(algebra)


def _join_safe(query) -> bool:
    """See :class:`SparqlQuery` (``join``)."""
    from pyparsing import ParseResults
    from rdflib.term import Variable

    this = Variable("this")

    def mentions(node) -> bool:
        if node == this and isinstance(node, Variable):
            return True
        if isinstance(node, dict):
            return any(mentions(v) for v in node.values())
        if isinstance(node, (list, tuple, ParseResults)):
            return any(mentions(v) for v in node)
        return False

    if query.name != "SelectQuery" or any(
        query[key] for key in ("groupby", "having", "orderby", "limitoffset") if key in query
    ):
        return False
    bound = False
    where = query["where"]
    for part in where["part"] if "part" in where else ():
        if part.name == "TriplesBlock":
            bound = bound or mentions(part)
        elif part.name != "Filter" and mentions(part):
            return False
    return bound


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
