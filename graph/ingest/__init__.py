"""CSV files -> a validated :class:`~graph.model.facts.FactSet`, every problem located at its file, row and column.

Reading is split by job: :mod:`.csv_reader` reads records strictly, :mod:`.cells` turns one cell
into a term, :mod:`.row_rules` applies the rules of one row, :mod:`.fast_path` reuses their results
from row to row, :mod:`.cross_row` applies the rules that look at several rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph

from graph.defaults import DEFAULT_BASE, DEFAULT_VOCABULARY, resolve
from graph.errors import Problem
from graph.ingest import parallel
from graph.ingest.cross_row import cross_row_checks
from graph.ingest.csv_reader import open_records
from graph.ingest.fast_path import FastPath
from graph.ingest.row_rules import RowRules, merge_repeated
from graph.model.facts import Fact, FactSet
from graph.model.namespaces import EntityNamespace
from graph.model.same_as import FILE_NAME as SAME_AS_FILE
from graph.model.same_as import add_facts, apply_decisions, read_decisions
from graph.model.vocabulary import Vocabulary, load_vocabulary

__all__ = ["load_facts"]


def load_facts(
    paths: Iterable[Path | str],
    vocabulary: Vocabulary | None = None,
    base: str = DEFAULT_BASE,
) -> FactSet:
    """Read and validate CSV files; never raises for bad content: problems are in the result.

    >>> facts = load_facts(["data/triples.csv"])
    >>> facts.errors
    []
    >>> facts.facts[0]
    Fact(data/triples.csv:2: https://example.org/ningbo-kg/entity/article http://www.w3.org/1999/02/22-rdf-syntax-ns#type rdflib.term.URIRef('https://schema.org/NewsArticle'))
    """
    vocabulary = vocabulary or load_vocabulary(resolve(DEFAULT_VOCABULARY))
    rules = RowRules(vocabulary, EntityNamespace(base))
    base_problem = _base_problem(base)
    if base_problem is not None:  # every IRI is made from the base: nothing can be read without one
        return FactSet(
            [], [base_problem], vocabulary, rules.namespace, rules.sources, [Path(p) for p in paths]
        )
    reader = FastPath(rules)
    inputs = [Path(p) for p in paths]
    facts: list[Fact] = []
    problems: list[Problem] = []
    for path in inputs:
        records = open_records(path)
        kept_facts, kept_problems = len(facts), len(problems)
        if not (
            parallel.usable(records) and parallel.read_in_workers(reader, records, path, facts, problems)
        ):
            reader.read_file(records, path, facts, problems)
        if records.not_utf8:  # found part way through: nothing of the file counts but that
            del facts[kept_facts:], problems[kept_problems:]
        problems.extend(records.problems)
    # decisions that two keys are one entity (same-as.csv beside the first CSV) apply before the checks
    decisions = read_decisions(inputs[0].parent / SAME_AS_FILE, problems) if inputs else []
    same_as = apply_decisions(facts, decisions, rules.namespace, problems)
    if decisions:  # the statement digests read in workers are of the terms before the decisions
        for fact in facts:
            fact.statement_key = ""
    facts, by_subject = cross_row_checks(facts, problems, rules.namespace)
    add_facts(same_as, facts, by_subject)
    problems = merge_repeated(problems)
    return FactSet(facts, problems, vocabulary, rules.namespace, rules.sources, inputs, by_subject)


def _base_problem(base: str) -> Problem | None:
    """Why ``base`` cannot be the namespace of entity, statement and evidence IRIs, or None."""
    try:
        pyoxigraph.NamedNode(base + "entity/x")
    except ValueError:
        reason = "is not an absolute IRI"
    else:
        if "#" not in base and "?" not in base:
            return None
        reason = "has a '#' or '?' (entity IRIs are made by appending 'entity/KEY' to it)"
    return Problem(
        "--base", 0, "", f"{base!r} {reason}", "give an IRI such as https://example.org/ningbo-kg/"
    )
