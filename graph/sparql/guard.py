"""What a SPARQL request would do, read from its parse tree before anything runs: its form, its dataset,
and whether it would reach outside the served graphs (SERVICE, LOAD), which an endpoint must refuse.

The request is parsed with rdflib's SPARQL 1.1 grammar and the whole tree is walked, so a SERVICE
nested in a sub-query, an OPTIONAL or a FILTER EXISTS is found as surely as one at the top.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from graph.errors import KnowledgeGraphError

_FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}


class QuerySyntaxError(KnowledgeGraphError):
    """The text is not valid SPARQL; the message is the parser's, on one line, with line and column."""


class Refused(KnowledgeGraphError):
    """The request is valid but this endpoint will not run it (it would reach outside the served graphs)."""


@dataclass(frozen=True)
class Operation:
    """What a parsed request asks for.

    ``form`` is select, ask, construct, describe or update. ``from_graphs`` and ``from_named_graphs``
    are the IRIs of FROM and FROM NAMED (USING and USING NAMED for updates); ``with_graphs`` the
    graphs of WITH clauses; ``prefixes`` the prefixes the text declares itself.
    """

    form: str
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()
    with_graphs: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()


def inspect_query(text: str) -> Operation:
    """Parse a query and refuse SERVICE; raise :class:`QuerySyntaxError` when it is not SPARQL 1.1.

    >>> inspect_query("SELECT * FROM <http://example.org/g> { ?s ?p ?o }")
    Operation(form='select', from_graphs=('http://example.org/g',), from_named_graphs=(), with_graphs=(), prefixes=())
    >>> inspect_query("ASK { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    graph.sparql.guard.Refused: SERVICE <http://example.org/sparql> is refused: this endpoint answers from its own graphs only and never calls another service.
    """
    tree = _parse(parseQuery, text)
    prologue, query = tree[0], tree[1]
    _refuse_outside_calls(query)
    clauses = [node for node in _walk(query) if _named(node, "DatasetClause")]
    return Operation(
        form=_FORMS[query.name],
        from_graphs=_parts(clauses, "default"),
        from_named_graphs=_parts(clauses, "named"),
        prefixes=_declared_prefixes(prologue),
    )


def inspect_update(text: str) -> Operation:
    """Parse an update and refuse LOAD and SERVICE; raise :class:`QuerySyntaxError` when it is not SPARQL 1.1."""
    tree = _parse(parseUpdate, text)
    _refuse_outside_calls(tree)
    using = [node for node in _walk(tree) if _named(node, "UsingClause")]
    modifies = [node for node in _walk(tree) if _named(node, "Modify")]
    return Operation(
        form="update",
        from_graphs=_parts(using, "default"),
        from_named_graphs=_parts(using, "named"),
        with_graphs=_parts(modifies, "withClause"),
        prefixes=tuple(sorted(set(_declared_prefixes(tree)))),
    )


def one_line(message: str, limit: int = 400) -> str:
    """A parser message on one line, cut to ``limit`` characters."""
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parse(parser, text: str):
    try:
        return parser(text)
    except ParseBaseException as exc:
        raise QuerySyntaxError(
            f"syntax error at line {exc.lineno}, column {exc.column}: {one_line(exc.msg)}"
            f" (found {one_line(_found(text, exc.loc), 40)!r})"
        ) from None
    except Exception as exc:  # rdflib raises a few other types for malformed IRIs and literals
        raise QuerySyntaxError(f"syntax error: {one_line(str(exc))}") from None


def _found(text: str, location: int) -> str:
    rest = text[location:]
    return rest.split(None, 1)[0] if rest.strip() else "end of text"


def _refuse_outside_calls(tree: Any) -> None:
    for node in _walk(tree):
        if _named(node, "ServiceGraphPattern"):
            target = _part(node, "term")
            raise Refused(
                f"SERVICE {_show(target)} is refused: this endpoint answers from its own graphs only"
                " and never calls another service."
            )
        if _named(node, "Load"):
            raise Refused(
                f"LOAD {_show(_part(node, 'iri'))} is refused: this endpoint never reads data from the web or from files."
            )


def _declared_prefixes(prologue: Any) -> tuple[str, ...]:
    return tuple(str(_part(node, "prefix") or "") for node in _walk(prologue) if _named(node, "PrefixDecl"))


def _parts(nodes: list[CompValue], key: str) -> tuple[str, ...]:
    """The ``key`` part of each node that has one, as text, in order."""
    return tuple(str(value) for value in (_part(node, key) for node in nodes) if value is not None)


def _part(node: CompValue, key: str) -> Any:
    # CompValue.get returns the key itself for a missing key, so read the plain dict.
    return dict.get(node, key)


def _show(term: Any) -> str:
    text = str(term)
    return f"?{text}" if type(term).__name__ == "Variable" else f"<{text}>"


def _named(node: Any, name: str) -> bool:
    return isinstance(node, CompValue) and node.name == name


def _walk(node: Any) -> Iterator[Any]:
    """Every node of an rdflib parse tree, depth first in document order (CompValues, ParseResults, lists)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, dict):  # CompValue is a dict of its parts
            children = list(current.values())
        elif isinstance(current, ParseResults):
            children = [*current, *current.as_dict().values()]
        elif isinstance(current, list | tuple):
            children = list(current)
        else:
            continue
        stack.extend(reversed(children))
