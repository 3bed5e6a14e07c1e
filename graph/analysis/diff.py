"""What changed between two versions of the graph: facts, values, entities, qualifiers and evidence.

Each side is a CSV file, a folder of CSVs, a built N-Triples file (``graph.nt``) or a git revision
of the data (``HEAD~1``, or ``REV:path/to/triples.csv``). Both sides become sets of triples, compared
as N-Triples text; the statement nodes give each fact its qualifiers and sentence, and a side read
from CSV also names the row. The patch (SPARQL Update ``DELETE DATA`` / ``INSERT DATA``) holds every
triple that differs, so applied to the old graph it gives exactly the new one.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import asdict, astuple, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.defaults import DEFAULT_BASE, DEFAULT_VOCABULARY, resolve
from graph.errors import InputError, ValidationFailed
from graph.ingest import load_facts
from graph.model.build import build_graph
from graph.model.graph import KnowledgeGraph
from graph.model.namespaces import DERIVED_FROM, KG
from graph.model.vocabulary import load_vocabulary

Term = str  # an RDF term in N-Triples syntax: <iri> or "lexical"^^<datatype> or "text"@lang
Triple = tuple[Term, Term, Term]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE, _SUBJECT, _PREDICATE, _OBJECT = (f"<{_RDF}{n}>" for n in ("type", "subject", "predicate", "object"))
_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_DERIVED = f"<{DERIVED_FROM}>"
_QUOTE = f"<{KG.quote}>"
_REIFICATION = {_SUBJECT, _PREDICATE, _OBJECT, _TYPE, _DERIVED}
SAME_AS_FILE = "same-as.csv"  # decisions, not facts: a folder side leaves it out
DEFAULT_PATH = "data/triples.csv"


@dataclass
class Side:
    """One version of the graph: its triples, and for each fact triple the row and sentence it came from."""

    name: str
    triples: set[Triple]
    rows: dict[Triple, tuple[str, str]] = field(default_factory=dict)  # fact -> ("file:row", sentence)


@dataclass(frozen=True)
class Change:
    """One difference, in words a person reads: what kind, about which subject and property, old and new."""

    kind: str  # entity added|entity removed|relabelled|changed|added|removed|qualifier added|
    #            qualifier removed|evidence added|evidence removed
    subject: str
    predicate: str = ""
    old: str = ""
    new: str = ""
    old_row: str = ""
    new_row: str = ""
    old_sentence: str = ""
    new_sentence: str = ""


@dataclass
class Diff:
    """Every change, and the triples to delete and insert to turn the old graph into the new one."""

    old: str
    new: str
    changes: list[Change]
    deleted: list[Triple]
    inserted: list[Triple]

    @property
    def equal(self) -> bool:
        return not self.deleted and not self.inserted

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = defaultdict(int)
        for change in self.changes:
            found[change.kind] += 1
        return dict(sorted(found.items()))


# ---------------------------------------------------------------- reading a side


def graph_side(graph: KnowledgeGraph, name: str) -> Side:
    """The triples of a built graph, each fact triple with its row and sentence."""
    triples = {(str(t.subject), str(t.predicate), str(t.object)) for t in graph.to_oxigraph()}
    rows: dict[Triple, tuple[str, str]] = {}
    for fact in graph.facts.facts if graph.facts else ():
        if fact.subject_iri is None:
            continue
        key = (f"<{fact.subject_iri}>", f"<{fact.predicate_iri}>", str(_object_term(fact)))
        rows.setdefault(key, (f"{fact.file}:{fact.row}", fact.evidence))
    return Side(name, triples, rows)


def _object_term(fact) -> ox.Literal | ox.NamedNode:
    if not fact.object_is_literal:
        return ox.NamedNode(fact.object_value)
    if fact.language:
        return ox.Literal(fact.object_value, language=fact.language)
    return ox.Literal(
        fact.object_value, datatype=ox.NamedNode(fact.datatype_iri) if fact.datatype_iri else None
    )


def build_side(paths: list[Path], name: str, vocabulary: Path | str, base: str) -> Side:
    """The graph built from CSV files (checked row by row; SHACL shapes are not run for a diff)."""
    facts = load_facts(paths, load_vocabulary(resolve(vocabulary)), base)
    if facts.errors:
        raise ValidationFailed(sorted(facts.problems))
    return graph_side(build_graph(facts), name)


def rdf_side(path: Path) -> Side:
    """The default graph of an RDF file (N-Triples, Turtle ... by extension)."""
    try:
        quads = ox.parse(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip(".")))
        triples = {
            (str(q.subject), str(q.predicate), str(q.object))
            for q in quads
            if q.graph_name == ox.DefaultGraph()
        }
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError(f"{path}: cannot read it as RDF: {exc}") from None
    return Side(str(path), triples)


def load_side(
    spec: str, vocabulary: Path | str = DEFAULT_VOCABULARY, base: str = DEFAULT_BASE, repo: Path | str = "."
) -> Side:
    """A side of a diff from what the user typed: a CSV, a folder of CSVs, an RDF file, or a git revision.

    A revision is ``REV`` (its ``data/triples.csv``) or ``REV:PATH``; it is built with the
    revision's own vocabulary when it has one beside the CSV.
    """
    path = Path(spec)
    if path.is_dir():
        csvs = sorted(p for p in path.glob("*.csv") if p.name != SAME_AS_FILE)
        if not csvs:
            raise InputError(f"{spec}: the folder holds no CSV file")
        return build_side(csvs, spec, vocabulary, base)
    if path.is_file():
        if path.suffix.lower() == ".csv":
            return build_side([path], spec, vocabulary, base)
        return rdf_side(path)
    return revision_side(spec, vocabulary, base, Path(repo))


def revision_side(spec: str, vocabulary: Path | str, base: str, repo: Path) -> Side:
    """The CSV of a git revision (``REV`` or ``REV:PATH``), built with that revision's vocabulary if any."""
    revision, _, inside = spec.partition(":")
    inside = inside or DEFAULT_PATH
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    if found.returncode != 0:
        raise InputError(
            f"{spec}: not a file, a folder or a git revision here. Fix: name a CSV, a folder, a graph.nt, or a commit"
        )
    folder = str(Path(inside).parent)
    archive = subprocess.run(["git", "archive", revision, "--", folder], cwd=repo, capture_output=True)
    if archive.returncode != 0:
        raise InputError(f"{spec}: git archive failed: {archive.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory(prefix="kg-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        csv_path = Path(tmp) / inside
        if not csv_path.is_file():
            raise InputError(f"{spec}: the revision has no {inside}")
        own = csv_path.parent / "vocabulary.ttl"
        side = build_side([csv_path], spec, own if own.is_file() else vocabulary, base)
    # rows name the file as the user knows it, not the temporary copy
    side.rows = {
        t: (f"{revision}:{inside}:{where.rpartition(':')[2]}", s) for t, (where, s) in side.rows.items()
    }
    return side


# ---------------------------------------------------------------- comparing


@dataclass
class _Statements:
    """The statement nodes of a side: reified triple -> qualifiers and sentences."""

    qualifiers: dict[Triple, set[tuple[Term, Term]]]
    sentences: dict[Triple, set[str]]


def _statements(triples: set[Triple]) -> _Statements:
    by_node: dict[Term, dict[Term, list[Term]]] = defaultdict(lambda: defaultdict(list))
    quotes: dict[Term, str] = {}
    for s, p, o in triples:
        if p in (_SUBJECT, _PREDICATE, _OBJECT, _DERIVED) or s.startswith("<") and "/statement/" in s:
            by_node[s][p].append(o)
        if p == _QUOTE:
            quotes[s] = _plain(o)
    qualifiers: dict[Triple, set[tuple[Term, Term]]] = {}
    sentences: dict[Triple, set[str]] = {}
    for items in by_node.values():
        if not (items.get(_SUBJECT) and items.get(_PREDICATE) and items.get(_OBJECT)):
            continue
        key = (items[_SUBJECT][0], items[_PREDICATE][0], items[_OBJECT][0])
        qualifiers.setdefault(key, set()).update(
            (p, o) for p, values in items.items() if p not in _REIFICATION for o in values
        )
        sentences.setdefault(key, set()).update(quotes.get(e, e) for e in items.get(_DERIVED, ()))
    return _Statements(qualifiers, sentences)


def _plain(term: Term) -> str:
    """The text of a literal term, or an IRI without its brackets."""
    if term.startswith("<"):
        return term[1:-1]
    try:
        return json.loads(term[: term.rindex('"') + 1])
    except ValueError:
        return term


def compare(old: Side, new: Side, base: str = DEFAULT_BASE) -> Diff:
    """Every change from ``old`` to ``new``, and the patch between them."""
    entity = f"<{base}entity/"
    deleted, inserted = sorted(old.triples - new.triples), sorted(new.triples - old.triples)
    old_statements, new_statements = _statements(old.triples), _statements(new.triples)

    def where(side: Side, statements: _Statements, triple: Triple) -> tuple[str, str]:
        row, sentence = side.rows.get(triple, ("", ""))
        if not sentence:
            sentence = " | ".join(sorted(statements.sentences.get(triple, ())))
        return row, sentence

    def is_fact(triple: Triple) -> bool:
        return triple[0].startswith(entity)

    changes: list[Change] = []
    old_entities = {s for s, p, _ in old.triples if p == _TYPE and s.startswith(entity)}
    new_entities = {s for s, p, _ in new.triples if p == _TYPE and s.startswith(entity)}
    for kind, found, side, statements in (
        ("entity removed", old_entities - new_entities, old, old_statements),
        ("entity added", new_entities - old_entities, new, new_statements),
    ):
        for subject in sorted(found):
            label = next((o for s, p, o in sorted(side.triples) if s == subject and p == _LABEL), "")
            row, sentence = where(
                side, statements, next((t for t in sorted(side.triples) if t[0] == subject), ("", "", ""))
            )
            removed = kind == "entity removed"
            changes.append(
                Change(
                    kind,
                    _plain(subject),
                    "",
                    _plain(label) if removed else "",
                    "" if removed else _plain(label),
                    row if removed else "",
                    "" if removed else row,
                    sentence if removed else "",
                    "" if removed else sentence,
                )  # fmt: skip
            )
    gone = defaultdict(list)
    came = defaultdict(list)
    for triple in deleted:
        if is_fact(triple):
            gone[triple[:2]].append(triple)
    for triple in inserted:
        if is_fact(triple):
            came[triple[:2]].append(triple)
    for key in sorted(set(gone) | set(came)):
        before, after = gone.get(key, []), came.get(key, [])
        subject, predicate = _plain(key[0]), _plain(key[1])
        if before and after:
            kind = "relabelled" if key[1] == _LABEL else "changed"
            # pair the values by language where labels have one, else in order
            for a, b in _pairs(before, after):
                old_row, old_sentence = where(old, old_statements, a) if a else ("", "")
                new_row, new_sentence = where(new, new_statements, b) if b else ("", "")
                changes.append(
                    Change(
                        kind if a and b else ("removed" if a else "added"),
                        subject,
                        predicate,
                        _plain(a[2]) if a else "",
                        _plain(b[2]) if b else "",
                        old_row,
                        new_row,
                        old_sentence,
                        new_sentence,
                    )  # fmt: skip
                )
            continue
        for triple in before:
            row, sentence = where(old, old_statements, triple)
            changes.append(
                Change("removed", subject, predicate, _plain(triple[2]), "", row, "", sentence, "")
            )
        for triple in after:
            row, sentence = where(new, new_statements, triple)
            changes.append(Change("added", subject, predicate, "", _plain(triple[2]), "", row, "", sentence))
    # qualifiers and evidence of the statements both sides have
    for triple in sorted(set(old_statements.qualifiers) & set(new_statements.qualifiers)):
        if not is_fact(triple):
            continue
        subject, predicate, value = _plain(triple[0]), _plain(triple[1]), _plain(triple[2])
        old_row, old_sentence = where(old, old_statements, triple)
        new_row, new_sentence = where(new, new_statements, triple)
        q_old, q_new = old_statements.qualifiers[triple], new_statements.qualifiers[triple]
        for p, o in sorted(q_old - q_new):
            changes.append(
                Change(
                    "qualifier removed",
                    subject,
                    predicate,
                    f"{value} | {_plain(p)} {_plain(o)}",
                    "",
                    old_row,
                    new_row,
                    old_sentence,
                    new_sentence,
                )
            )
        for p, o in sorted(q_new - q_old):
            changes.append(
                Change(
                    "qualifier added",
                    subject,
                    predicate,
                    "",
                    f"{value} | {_plain(p)} {_plain(o)}",
                    old_row,
                    new_row,
                    old_sentence,
                    new_sentence,
                )
            )
        e_old, e_new = old_statements.sentences[triple], new_statements.sentences[triple]
        for quote in sorted(e_old - e_new):
            changes.append(
                Change("evidence removed", subject, predicate, value, value, old_row, new_row, quote, "")
            )
        for quote in sorted(e_new - e_old):
            changes.append(
                Change("evidence added", subject, predicate, value, value, old_row, new_row, "", quote)
            )
    return Diff(old.name, new.name, changes, deleted, inserted)


def _pairs(before: list[Triple], after: list[Triple]):
    """Old and new values of one subject and property, paired: same language first, then in order."""

    def language(t: Triple) -> str:
        return t[2].rpartition("@")[2] if t[2].startswith('"') and '"@' in t[2] else ""

    before, after = list(before), list(after)
    for a in list(before):
        match = next((b for b in after if language(b) == language(a)), None)
        if match is not None:
            before.remove(a)
            after.remove(match)
            yield a, match
    yield from ((a, None) for a in before)
    yield from ((None, b) for b in after)


def diff(
    old: str,
    new: str,
    vocabulary: Path | str = DEFAULT_VOCABULARY,
    base: str = DEFAULT_BASE,
    repo: Path | str = ".",
) -> Diff:
    """Compare two versions (see :func:`load_side` for what each may be).

    >>> d = diff("data/triples.csv", "exports/graph.nt")
    >>> d.equal, d.changes
    (True, [])
    """
    return compare(load_side(old, vocabulary, base, repo), load_side(new, vocabulary, base, repo), base)


# ---------------------------------------------------------------- writing


CSV_COLUMNS = [
    "kind",
    "subject",
    "predicate",
    "old",
    "new",
    "old_row",
    "new_row",
    "old_sentence",
    "new_sentence",
]
MARKS = {"added": "+", "entity added": "+", "qualifier added": "+", "evidence added": "+",
         "removed": "-", "entity removed": "-", "qualifier removed": "-", "evidence removed": "-",
         "changed": "~", "relabelled": "~"}  # fmt: skip


def shortener(prefixes: dict[str, str]):
    """A function that writes an IRI as a prefixed name when one of ``prefixes`` covers it.

    >>> shortener({"ent": "http://x/e/"})("http://x/e/nimte")
    'ent:nimte'
    """
    ordered = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def shorten(text: str) -> str:
        for prefix, namespace in ordered:
            if namespace and text.startswith(namespace) and " " not in text:
                return f"{prefix}:{text[len(namespace) :]}"
        return text

    return shorten


def diff_text(result: Diff, prefixes: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The diff as (mark, line) pairs, a change and its rows and sentences on each; the mark is + - or ~."""
    short = shortener(prefixes or {})
    lines = []
    for c in result.changes:
        c = Change(c.kind, short(c.subject), short(c.predicate), short(c.old), short(c.new), *astuple(c)[5:])
        mark = MARKS[c.kind]
        if c.kind in ("changed", "relabelled"):
            what = f"{c.kind}: {c.subject} {c.predicate}: {c.old!r} -> {c.new!r}"
        elif c.kind.startswith("entity"):
            what = f"{c.kind}: {c.subject} {c.old or c.new!r}"
        else:
            what = f"{c.kind}: {c.subject} {c.predicate} {c.new or c.old!r}"
        where = []
        if c.old_row or c.old_sentence:
            where.append(f"old {c.old_row or '-'}: “{c.old_sentence}”")
        if c.new_row or c.new_sentence:
            where.append(f"new {c.new_row or '-'}: “{c.new_sentence}”")
        lines.append((mark, what + ("\n    " + "\n    ".join(where) if where else "")))
    return lines


def diff_csv(result: Diff) -> str:
    """One row per change (:data:`CSV_COLUMNS`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for change in result.changes:
        row = asdict(change)
        writer.writerow(
            ["'" + v if v[:1] in ("=", "+", "-", "@") else v for v in (row[c] for c in CSV_COLUMNS)]
        )
    return buffer.getvalue()


def diff_json(result: Diff) -> str:
    """The changes, their counts and the number of triples deleted and inserted, as JSON."""
    data = {
        "old": result.old,
        "new": result.new,
        "equal": result.equal,
        "counts": result.counts(),
        "triples_deleted": len(result.deleted),
        "triples_inserted": len(result.inserted),
        "changes": [asdict(c) for c in result.changes],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def sparql_patch(result: Diff, graph: str | None = None) -> str:
    """A SPARQL 1.1 Update that turns the old graph into the new one (``DELETE DATA`` then ``INSERT DATA``).

    >>> d = Diff("a", "b", [], [("<http://x/s>", "<http://x/p>", '"1"')], [("<http://x/s>", "<http://x/p>", '"2"')])
    >>> print(sparql_patch(d), end="")
    DELETE DATA {
    <http://x/s> <http://x/p> "1" .
    } ;
    INSERT DATA {
    <http://x/s> <http://x/p> "2" .
    }
    """

    def block(keyword: str, triples: list[Triple]) -> str:
        body = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)
        if graph:
            body = f"GRAPH <{graph}> {{\n{body}}}\n"
        return f"{keyword} {{\n{body}}}"

    parts = []
    if result.deleted:
        parts.append(block("DELETE DATA", result.deleted))
    if result.inserted:
        parts.append(block("INSERT DATA", result.inserted))
    return " ;\n".join(parts) + "\n" if parts else ""
