"""The built graph as the SHACL engine reads it: the values of a predicate for many nodes at once.

Statement nodes are read straight from their facts (:class:`ColumnValues`, no tuple per node);
other subjects from an index of the predicates the shapes use; SPARQL queries run once, in a
pyoxigraph store of just the triples they read.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from operator import attrgetter

from rdflib import XSD

from graph.model.graph import ntriples_store
from graph.model.namespaces import (
    APPROXIMATION,
    DERIVED_FROM,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_SUBJECT,
    RDF_TYPE,
    RDFS_SUBCLASS,
    UNIT,
)
from graph.model.ntriples import ntriples_lines
from graph.model.table import TripleTable
from graph.shacl.types import Term, UnsupportedShapes, term_of

#: the name of the shapes graph in the store of the SPARQL queries (what ``$shapesGraph`` is bound to)
SHAPES_GRAPH = "urn:x-ningbo-kg:shapes-graph"


class StatementNodes(Sequence):
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


class ColumnValues(Sequence):
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


class TableView:
    """The graph as the engine reads it: objects and subjects by predicate, types, targets."""

    def __init__(
        self, table: TripleTable, predicates: set[str], sparql_predicates: tuple | None = (set(), {})
    ):
        self.table = table
        self.shapes_graph: Iterable = ()  # the shapes, for queries that use $shapesGraph
        self._shapes_loaded = False
        self._sparql_predicates = sparql_predicates
        self._store = None
        self._items_by_predicate: dict[str, list[tuple[str, Term]]] | None = None
        self._node_lists: dict[int, tuple[Sequence[Term], bool]] = {}
        self._qualifier_predicates: dict[str, list] | None = (
            None  # predicate -> facts whose qualifiers use it
        )
        self._shared: list[tuple[str, str, list[Term]]] = []  # triples of IRIs that are also statement nodes
        self.prefix = table.statement_prefix
        # predicate -> subject -> objects, for the subjects that are not statement nodes
        self._by_predicate: dict[str, dict[str, list[Term]]] = {}
        self._statements: dict[str, object] | None = None
        self._inverse: dict[str, dict[Term, list[Term]]] = {}
        for predicate in predicates:
            index = self._by_predicate.setdefault(predicate, {})
            for fact in table.by_predicate.get(predicate, ()):
                values = index.get(fact.subject_iri)
                value = _fact_object(fact)
                if values is None:
                    index[fact.subject_iri] = [value]
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
                    self._add(subject, p, (value, datatype, language) if is_literal else value)
        self._extras: dict[str, list[tuple[str, Term]]] = {
            key: [(p, (v, dt, lang) if lit else v) for p, lit, v, dt, lang in items]
            for key, items in table.extras.items()
        }
        self._subclasses = self._subclass_closure()

    def _add(self, subject: str, predicate: str, value: Term) -> None:
        index = self._by_predicate.setdefault(predicate, {})
        values = index.get(subject)
        if values is None:
            index[subject] = [value]
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
        values = self._by_predicate.get(predicate, {}).get(node) if isinstance(node, str) else None
        fact = self.statement(node)
        if fact is None:
            return list(values or ())
        found = self._statement_values(fact, predicate)
        return found + [v for v in values or () if v not in found]

    def values(self, nodes: Sequence[Term], predicate: str) -> Sequence[tuple[Term, ...]]:
        """The objects of ``predicate`` for each node, aligned with ``nodes``."""
        if not isinstance(nodes, StatementNodes):
            get = self._by_predicate.get(predicate, {}).get
            if not self._holds_statements(nodes):
                return [tuple(get(node, ())) for node in nodes]
            objects, prefix = self.objects, self.prefix
            # a node that is not in the index may still be a statement node
            return [
                tuple(found)
                if (found := get(node)) is not None and not node.startswith(prefix)
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
                (s, p, found)
                for p, index in self._by_predicate.items()
                for s, found in index.items()
                if s.startswith(self.prefix)
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
        return ColumnValues(nodes.facts, predicate, special, special_facts)

    def _holds_statements(self, nodes: Sequence[Term]) -> bool:
        """Whether any of ``nodes`` may be a statement node (asked once per list of focus nodes)."""
        known = self._node_lists.get(id(nodes))
        if known is None or known[0] is not nodes:
            prefix = self.prefix
            known = self._node_lists[id(nodes)] = (
                nodes,
                any(isinstance(n, str) and n.startswith(prefix) for n in nodes),
            )
        return known[1]

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
        found = dict.fromkeys(self._by_predicate.get(predicate, ()))
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
        found = {v: None for values in self._by_predicate.get(predicate, {}).values() for v in values}
        getter = _GETTERS.get(predicate) or (_fact_object if predicate == RDF_OBJECT else None)
        if getter is not None:
            found.update(dict.fromkeys(map(getter, self.table.statements)))
            found.pop(None, None)
        found.update((v, None) for items in self._extras.values() for p, v in items if p == predicate)
        return found

    def pairs(self, predicate: str) -> Iterable[tuple[Term, Term]]:
        """Every (subject, object) of ``predicate``."""
        for s, values in self._by_predicate.get(predicate, {}).items():
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
        for s, values in self._by_predicate.get(RDFS_SUBCLASS, {}).items():
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

    def store(self):
        """A pyoxigraph store of the triples the SPARQL queries read."""
        if self._store is None:
            blank: list[tuple[str, str, Term]] = []  # the bulk loader renames blank nodes: added one by one

            def named() -> Iterator[tuple[str, str, Term]]:
                for triple in self._store_triples():
                    if triple[0].startswith("_:") or (
                        isinstance(triple[2], str) and triple[2].startswith("_:")
                    ):
                        blank.append(triple)
                    else:
                        yield triple

            self._store = ntriples_store(ntriples_lines(named()))
            for s, p, o in blank:
                self._store.add(_quad(s, p, o))
        return self._store

    def _bindings(self, query, shape_node, **more: Term) -> dict[str, Term]:
        """What a query's variables are pre-bound to: its parameters, ``more``, and where the query
        uses them, ``$shapesGraph`` (the shapes graph, put in the store as a named graph) and
        ``$currentShape``."""
        found = {**query.bound, **more}
        if query.uses_shapes:
            if not self._shapes_loaded:
                store = self.store()
                graph = _oxigraph_term(SHAPES_GRAPH)
                for s, p, o in self.shapes_graph:
                    store.add(_quad(term_of(s), str(p), term_of(o), graph))
                self._shapes_loaded = True
            found.update(shapesGraph=SHAPES_GRAPH, currentShape=term_of(shape_node))
        return found

    def select_for(self, query, node: Term, shape_node=None) -> Iterator[dict[str, Term]]:
        """The solutions of a SELECT query with ``$this`` pre-bound to ``node`` (see :func:`prebind`)."""
        yield from _rows(
            self.store().query(prebind(query.text, self._bindings(query, shape_node, this=node)))
        )

    def select(self, query) -> Iterator[dict[str, Term]]:
        """The solutions of a SELECT query (a compiled :class:`~graph.shacl.compile.SparqlQuery`)."""
        yield from _rows(self.store().query(query.text))

    def select_this(self, query) -> Iterator[Term]:
        """The bindings of ``?this`` in the solutions of a SPARQL target's query."""
        solutions = self.store().query(query.text)
        this = next((v for v in solutions.variables if v.value == "this"), None)
        if this is None:
            return
        for solution in solutions:
            value = solution[this]
            if value is not None:
                yield _from_oxigraph(value)

    def ask_for(self, query, node: Term, value: Term, shape_node=None) -> bool:
        """The answer of an ASK validator with ``$this`` and ``$value`` pre-bound."""
        bindings = self._bindings(query, shape_node, this=node, value=value)
        return bool(self.store().query(prebind(query.text, bindings)))

    def _store_triples(self) -> Iterable[tuple[str, str, Term]]:
        """The triples the SPARQL queries can read (see :func:`graph.shacl.compile.sparql_plan`)."""
        table, plan = self.table, self._sparql_predicates
        if plan is None or (table.subjects and not table.by_predicate):
            for subject, items in table.blocks():
                for p, is_literal, value, datatype, language in items:
                    if plan is None or p in plan[0] or p in plan[1]:
                        yield (subject, p, (value, datatype, language) if is_literal else value)
            return
        full, pruned = plan
        for predicate in full:
            for subject, value in self.triples_with(predicate):
                yield (subject, predicate, value)
        for predicate, joins in pruned.items():
            getter = _getter(predicate)
            allowed = []
            keep: dict[int, object] = {}  # statement facts whose node keeps its triple of ``predicate``
            for position, other, other_position in joins:
                if getter is not None and (position, other_position) == ("s", "s") and _getter(other):
                    keep.update(self._statements_with(other))  # the same statement nodes: no IRIs needed
                    subjects = {s for s, _ in self.triples_with(other, statements=False)}
                    allowed.append((True, subjects))
                else:
                    allowed.append((position == "s", self.terms_of(other, other_position)))
            if getter is not None:  # a statement column: pick the facts before making any IRI
                self._keep_statements(predicate, getter, allowed, keep)
                prefix = self.prefix
                for fact in keep.values():
                    value = getter(fact)
                    if value is not None:
                        yield (prefix + fact.statement_key, predicate, value)
            for subject, value in self.triples_with(predicate, statements=getter is None):
                if any((subject if at_subject else value) in terms for at_subject, terms in allowed):
                    yield (subject, predicate, value)

    def _statements_with(self, predicate: str) -> Iterable[tuple[int, object]]:
        """(id, fact) of the statement facts whose own column gives a value of ``predicate``."""
        getter = _getter(predicate)
        return ((id(f), f) for f in self.table.statements if getter(f) is not None)

    def _keep_statements(self, predicate: str, getter, allowed, keep: dict[int, object]) -> None:
        """Add to ``keep`` the statement facts whose triple of ``predicate`` passes one of ``allowed``."""
        table, prefix, statements = self.table, self.prefix, self.table.statements
        for at_subject, terms in allowed:
            if not terms:
                continue
            if at_subject:
                if any(isinstance(t, str) and t.startswith(prefix) for t in terms):
                    keep.update((id(f), f) for f in statements if prefix + f.statement_key in terms)
            elif predicate == RDF_PREDICATE:  # the facts are grouped by predicate already
                keep.update(
                    (id(f), f) for p in terms if isinstance(p, str) for f in table.by_predicate.get(p, ())
                )
            elif predicate == RDF_SUBJECT:  # and by subject
                keep.update(
                    (id(f), f) for t in terms if isinstance(t, str) for f in table.subjects.get(t, ())
                )
            else:
                keep.update(
                    (id(f), f) for f, v in zip(statements, map(getter, statements), strict=True) if v in terms
                )

    def terms_of(self, predicate: str, position: str) -> set[Term]:
        """The subjects (position "s") or objects ("o") of every triple of ``predicate``."""
        getter = _getter(predicate)
        found: set[Term] = set()
        if getter is not None:
            statements, prefix = self.table.statements, self.prefix
            if position == "s":
                found.update(prefix + f.statement_key for f in statements if getter(f) is not None)
            else:
                found.update(map(getter, statements))
                found.discard(None)
        for subject, value in self.triples_with(predicate, statements=False):
            found.add(subject if position == "s" else value)
        return found

    def triples_with(self, predicate: str, statements: bool = True) -> Iterator[tuple[str, Term]]:
        """(subject, object) of every triple of ``predicate`` (those of statement nodes' own columns
        only with ``statements``)."""
        table, prefix = self.table, self.prefix
        for fact in table.by_predicate.get(predicate, ()):
            yield fact.subject_iri, _fact_object(fact)
        getter = _getter(predicate)
        if getter is not None and statements:
            for fact in table.statements:
                value = getter(fact)
                if value is not None:
                    yield prefix + fact.statement_key, value
        yield from self._item_triples().get(predicate, ())

    def _item_triples(self) -> dict[str, list[tuple[str, Term]]]:
        """The table's item triples (not facts: vocabulary, evidence, qualifiers) by predicate, made once."""
        if self._items_by_predicate is None:
            found: dict[str, list[tuple[str, Term]]] = {}
            table, prefix = self.table, self.prefix
            for subject, items in table.others.items():
                for p, is_literal, value, datatype, language in items:
                    found.setdefault(p, []).append(
                        (subject, (value, datatype, language) if is_literal else value)
                    )
            for key, items in table.extras.items():
                for p, is_literal, value, datatype, language in items:
                    found.setdefault(p, []).append(
                        (prefix + key, (value, datatype, language) if is_literal else value)
                    )
            self._items_by_predicate = found
        return self._items_by_predicate

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
            if not self._by_predicate.get(predicate):  # no other subject has the predicate
                return StatementNodes(self.prefix, self.table.statements)
        nodes: dict[Term, None] = {}
        for kind, value in targets:
            if kind == "node":
                nodes[value] = None
            elif kind == "subjectsOf":
                nodes.update(self.subjects_with(value))
            elif kind == "objectsOf":
                nodes.update(self.objects_with(value))
            elif kind == "sparql":
                nodes.update(dict.fromkeys(self.select_this(value)))
            else:
                classes = {value} | {c for c, ups in self._subclasses.items() if value in ups}
                nodes.update((s, None) for s, o in self.pairs(RDF_TYPE) if o in classes)
        return list(nodes)


def _getter(predicate: str):
    """The field of a statement node's fact that gives its value of ``predicate``, if any."""
    return _GETTERS.get(predicate) or (_fact_object if predicate == RDF_OBJECT else None)


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


# the parts of a query where a variable's name is no variable (strings, IRIs, comments), and the
# tokens that begin and end a projection
_QUERY_TOKENS = (
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\s\"{}|^`\\]*>|#[^\n]*|(?i:\bSELECT\b|\bWHERE\b)|\{"
)


def prebind(text: str, bindings: dict[str, Term]) -> str:
    """The query ``text`` with each variable of ``bindings`` replaced by its value, as SHACL
    pre-binds ``$this`` (and ``$value`` and a component's parameters): in every group, FILTER,
    BIND and subquery alike (Oxigraph's own substitution binds a variable only at the top).
    ``bound(?x)`` becomes true; a projected ``?x`` becomes ``(value AS ?x)``."""
    for value in bindings.values():
        if isinstance(value, str) and value.startswith("_:"):
            raise UnsupportedShapes(
                "a SPARQL query needs a variable pre-bound to a blank node, which a query cannot name; the "
                "fast SHACL engine does not implement this: validate with pyshacl instead (--shacl pyshacl)"
            )
    names = "|".join(map(re.escape, bindings))
    # variable names are case-sensitive, keywords are not
    tokens = re.compile(rf"{_QUERY_TOKENS}|(?i:\bbound)\s*\(\s*[?$](?:{names})\s*\)|[?$](?:{names})\b|\(|\)")
    constants = {name: _sparql_term(value) for name, value in bindings.items()}
    projecting = False
    selects = depth = 0

    def replace(match: re.Match) -> str:
        nonlocal projecting, selects, depth
        token = match.group(0)
        upper = token.upper()
        if upper == "SELECT":
            projecting = True
            selects += 1
            depth = 0
        elif upper == "WHERE" or token == "{":
            projecting = False
        elif token in "()":
            depth += 1 if token == "(" else -1
        elif upper.startswith("BOUND"):
            return "(true)"
        elif token[0] in "?$" and token[1:] in constants:
            constant = constants[token[1:]]
            if not projecting or depth > 0:  # in an expression of the projection, a value too
                return constant
            # a subquery's projected variable becomes one of its own (the outer query binds the name)
            name = token[1:] if selects == 1 else f"{token[1:]}_in_subquery_{selects}"
            return f"({constant} AS ?{name})"
        return token

    return tokens.sub(replace, text)


def _sparql_term(term: Term) -> str:
    if isinstance(term, tuple):
        lexical, datatype, language = term
        quoted = (
            '"'
            + lexical.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
            + '"'
        )
        if language:
            return f"{quoted}@{language}"
        return f"{quoted}^^<{datatype}>" if datatype else quoted
    return f"<{term}>"


def _oxigraph_term(term: Term):
    import pyoxigraph as ox

    if isinstance(term, tuple):
        lexical, datatype, language = term
        if language:
            return ox.Literal(lexical, language=language)
        return ox.Literal(lexical, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(lexical)
    if term.startswith("_:"):
        return ox.BlankNode(term[2:])
    return ox.NamedNode(term)


def _quad(s: str, p: str, o: Term, graph=None):
    import pyoxigraph as ox

    return ox.Quad(_oxigraph_term(s), ox.NamedNode(p), _oxigraph_term(o), graph)


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


def _rows(solutions) -> Iterator[dict[str, Term]]:
    """Oxigraph's SELECT solutions as dictionaries from variable name to rdflib term (unbound left out)."""
    variables = solutions.variables
    for solution in solutions:
        yield {
            variable.value: _from_oxigraph(value, keep_literals=True)
            for variable in variables
            if (value := solution[variable]) is not None
        }
