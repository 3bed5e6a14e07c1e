"""The SHACL constraint components, each checked over all the focus nodes of a shape at once.

Each check reads the value nodes of every focus node (a list, or a :class:`ColumnValues` for
statement nodes), checks each distinct value once, and reports (focus index, value, component)
as pyshacl would; conformance to inner shapes (sh:node, sh:not, ...) is worked out for all the
values in one evaluation.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable, Iterable, Sequence
from itertools import chain

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import SH

from graph.ingest.cells import fast_literal_check
from graph.model.terms import rdflib_literal
from graph.shacl.compile import CompiledShapes
from graph.shacl.sparql_plan import SparqlQuery
from graph.shacl.types import CompiledShape, ShaclResult, Term
from graph.shacl.view import ColumnValues, StatementNodes, TableView


class Evaluation:
    """One validation: the view, and what has been worked out about nodes and shapes so far."""

    def __init__(self, validator: CompiledShapes, view: TableView):
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
        if isinstance(nodes, StatementNodes) and all(part.getter is None for part in parts):
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
            return ColumnValues(nodes.facts, None, special, special_facts)
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

    def conforms(self, shape: CompiledShape, node: Term) -> bool:
        known = self._conforms.get(id(shape))
        if known is None or node not in known:
            self.learn_conformance(shape, [node])
            known = self._conforms[id(shape)]
        return known[node]

    def learn_conformance(self, shape: CompiledShape, nodes: Iterable[Term]) -> None:
        """Work out at once whether each of ``nodes`` conforms to ``shape`` (one evaluation, not one each)."""
        known = self._conforms.setdefault(id(shape), {})
        todo = [node for node in dict.fromkeys(nodes) if node not in known]
        if not todo:
            return
        known.update(dict.fromkeys(todo, True))  # a shape that refers to itself: assume it conforms meanwhile
        for node in self.failing(shape, todo):
            known[node] = False

    def evaluate(self, shape: CompiledShape, focus: list[Term]) -> list[ShaclResult]:
        """The results of ``shape`` on each focus node (nested property shapes report their own)."""
        results: list[ShaclResult] = []
        self._run_shape(shape, focus, results, None)
        return results

    def failing(self, shape: CompiledShape, focus: list[Term]) -> set[Term]:
        """The focus nodes that do not conform to ``shape`` (results of nested shapes included)."""
        failed: set[Term] = set()
        self._run_shape(shape, focus, None, failed)
        return failed

    def _run_shape(self, shape: CompiledShape, focus, results: list | None, failed: set | None) -> None:
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
                if results is not None:  # of each focus node: two focus nodes' shared value reports twice
                    self._run_shape(argument, list(chain.from_iterable(values)), results, None)
                else:
                    bad = self.failing(argument, list(dict.fromkeys(chain.from_iterable(values))))
                    failed.update(f for f, vs in zip(focus, values, strict=True) if any(v in bad for v in vs))
                continue
            if kind == "Component" and argument[1].ask:
                found = self._ask(shape, *argument, focus, values)
                if results is not None:
                    results.extend(found)
                else:
                    failed.update(r.focus for r in found)
                continue
            if kind in ("Sparql", "Component"):
                if kind == "Component":
                    found = self._sparql(shape, argument[1], focus, argument[0])
                else:
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
                path_node = URIRef(path[0]) if path else shape.path_node
                results.append(
                    ShaclResult(
                        focus[index],
                        path_iri,
                        value,
                        component,
                        shape.node,
                        shape.severity,
                        path_node=path_node,
                    )
                )

    def _ask(
        self, shape: CompiledShape, component: str, query: SparqlQuery, focus, values
    ) -> list[ShaclResult]:
        """An ASK validator: a result for each value node for which the query answers false."""
        results = []
        for node, found in zip(focus, values, strict=True):
            for value in found:
                if not self.view.ask_for(query, node, value, shape.node):
                    fill = {**query.bound, "this": node, "value": value}
                    message = None if query.message is None else _fill(query.message, fill)
                    results.append(
                        ShaclResult(
                            node,
                            shape.path_iri,
                            value,
                            component,
                            shape.node,
                            shape.severity,
                            message,
                            path_node=shape.path_node,
                        )
                    )
        return results

    def _sparql(
        self,
        shape: CompiledShape,
        query: SparqlQuery,
        focus: list[Term],
        component: str = "SPARQLConstraintComponent",
    ) -> list[ShaclResult]:
        """pyshacl's reading of a SPARQL constraint (or a SELECT validator of ``component``): each
        solution for a focus node is a result."""
        by_focus: dict[int, list[dict]] = {}
        # one run for all focus nodes (see SparqlQuery), unless a focus node is a literal: the store
        # gives literals back in its own form, which would not match the focus node
        if query.join and not any(isinstance(node, tuple) for node in focus):
            position = {node: i for i, node in enumerate(focus)}
            for solution in self.view.select(query):
                index = position.get(solution.get("this"))
                if index is not None:
                    by_focus.setdefault(index, []).append(solution)
        else:  # $this pre-bound to each focus node in turn
            for index, node in enumerate(focus):
                found = list(self.view.select_for(query, node, shape.node))
                if found:
                    by_focus[index] = found
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
                        **query.bound,
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
                        component,
                        shape.node,
                        shape.severity,
                        message,
                        path_node=URIRef(path) if isinstance(path, str) else shape.path_node,
                        constraint=query.node,
                    )
                )
        return results

    # --- cardinality

    def _mincount(self, shape, minimum, focus, values):
        if isinstance(values, ColumnValues):
            return [(i, None, "MinCountConstraintComponent") for i in values.count_below(minimum)]
        return [(i, None, "MinCountConstraintComponent") for i, v in enumerate(values) if len(v) < minimum]

    def _maxcount(self, shape, maximum, focus, values):
        if isinstance(values, ColumnValues):
            return [(i, None, "MaxCountConstraintComponent") for i in values.count_above(maximum)]
        return [(i, None, "MaxCountConstraintComponent") for i, v in enumerate(values) if len(v) > maximum]

    # --- checks of single values, each distinct value checked once

    def _each_value(self, values, ok: Callable[[Term], bool], component: str):
        bad = {value for value in _distinct(values) if not ok(value)}
        if not bad:
            return []
        if isinstance(values, ColumnValues):
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

    def _learn(self, shapes: Iterable[CompiledShape], values) -> None:
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

    def _siblings(self, shape: CompiledShape, inner: CompiledShape) -> list[CompiledShape]:
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
        """SPARQL's ``<`` (``<=``): numbers by value, strings (without a language tag) as text, and
        booleans, dates and times of one type by value; anything else (an IRI, a number against text,
        an ill-typed literal) cannot be compared, which is a violation."""
        left, right = self._sparql_value(value), self._sparql_value(other)
        if left is None or right is None or left[0] != right[0]:
            return False
        try:
            return accept(left[1], right[1])
        except TypeError:  # e.g. a dateTime with a time zone against one without
            return False

    def _sparql_value(self, term: Term):
        """(kind, value) of a literal SPARQL can order, or None."""
        if isinstance(term, str):
            return None
        lexical, datatype, language = term
        if language:
            return None
        if not datatype or datatype == _XSD_STRING:
            return ("string", lexical)
        literal = self.literal(term)
        if getattr(literal, "ill_typed", None) is True or not self._has_datatype(term, datatype):
            return None
        value = literal.value
        if datatype in _NUMERIC:
            return ("number", value)
        kind = _ORDERED.get(datatype)
        return None if kind is None or value is None else (kind, value)

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
_XSD_STRING = str(XSD.string)
_NUMERIC = {
    str(XSD[name])
    for name in (
        "integer decimal float double nonPositiveInteger negativeInteger long int short byte "
        "nonNegativeInteger unsignedLong unsignedInt unsignedShort unsignedByte positiveInteger"
    ).split()
}
_ORDERED = {
    str(XSD.boolean): "boolean",
    str(XSD.dateTime): "dateTime",
    str(XSD.date): "date",
    str(XSD.time): "time",
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
    if isinstance(values, ColumnValues):
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
