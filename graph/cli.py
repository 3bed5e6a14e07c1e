"""The ``kg`` command: a thin layer that parses options, calls the library and prints."""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from graph import pipeline
from graph.defaults import (
    AUTH_SCHEMES,
    DEFAULT_BASE,
    DEFAULT_CSV,
    DEFAULT_OUT,
    DEFAULT_PORT,
    DEFAULT_SHAPES,
    DEFAULT_VOCABULARY,
    QUERIES_DIR,
    resolve,
)
from graph.errors import InputError, KnowledgeGraphError, Problem, ValidationFailed
from graph.export import EXPORTERS
from graph.model.namespaces import graph_prefixes
from graph.model.sources import ROOTS_VARIABLE
from graph.model.vocabulary import load_vocabulary
from graph.pipeline import load_store, read_ntriples
from graph.shacl import ENGINES, PYSHACL_LIMIT
from graph.sparql.results import GRAPH_FORMATS, RESULT_FORMATS

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def _shared_graph_options(command):
    """--vocabulary, --shapes, --no-shapes, --base and --quiet: written once for every command that builds the graph."""
    for decorator in reversed(
        [
            click.option(
                "--vocabulary",
                type=click.Path(path_type=Path),
                default=DEFAULT_VOCABULARY,
                show_default=True,
                help="Vocabulary (Turtle): what the CSV may use, and the prefixes queries may leave undeclared."
                " Without data/vocabulary.ttl here, the package's generic one.",
            ),
            click.option(
                "--shapes",
                type=click.Path(path_type=Path),
                default=DEFAULT_SHAPES,
                show_default=True,
                help="SHACL shapes (Turtle) the graph built from CSV must satisfy."
                " Without data/shapes.ttl here, the package's generic ones.",
            ),
            click.option("--no-shapes", is_flag=True, help="Skip SHACL validation."),
            click.option(
                "--base",
                default=DEFAULT_BASE,
                show_default=True,
                help="Base namespace for entity, statement and evidence IRIs.",
            ),
            click.option("--quiet", "-q", is_flag=True, help="Print only errors."),
        ]
    ):
        command = decorator(command)
    return command


def input_options(command):
    """The options every command that reads CSVs shares."""

    @click.argument("csv_files", nargs=-1, type=click.Path(path_type=Path))
    @_shared_graph_options
    @click.option(
        "--shacl",
        type=click.Choice(ENGINES),
        default="auto",
        show_default=True,
        help=f"SHACL engine: pyshacl, the fast built-in one, or auto (pyshacl up to {PYSHACL_LIMIT} triples).",
    )
    @functools.wraps(command)
    def wrapper(csv_files, vocabulary, shapes, no_shapes, shacl, base, quiet, **kwargs):
        options = {
            "vocabulary": vocabulary,
            "shapes": None if no_shapes else shapes,
            "base": base,
            "shacl": shacl,
        }
        if not csv_files and not DEFAULT_CSV.exists():
            raise InputError(
                f"{DEFAULT_CSV}: not found in this folder. Fix: run kg in a project folder, name the CSV"
                " files, or start a project with kg init DIR"
            )
        with stdin_as_file(list(csv_files)) as paths:
            return command(paths or [DEFAULT_CSV], options, quiet, **kwargs)

    return wrapper


_STDIN_COPIES: dict[str, str] = {}  # the temporary copy of stdin, and the name problems call it by


@contextlib.contextmanager
def stdin_as_file(paths: list[Path]) -> Iterator[list[Path]]:
    """``paths`` with ``-`` replaced by a temporary copy of stdin (CSV read once, as sqlite-utils does).

    The copy's folder links to every entry of the current folder and then of data/, so the ``source``
    cells of rows read from stdin name their documents relative to the current folder, or to data/
    as the project's own CSV does.
    """
    if Path("-") not in paths:
        yield paths
        return
    folder = Path(tempfile.mkdtemp(prefix="kg-stdin-"))
    try:
        for place in (Path.cwd(), DEFAULT_CSV.parent):
            for entry in place.iterdir() if place.is_dir() else ():
                if not (folder / entry.name).exists():
                    (folder / entry.name).symlink_to(entry.resolve())
        copy = folder / "-.csv"
        while copy.exists():
            copy = copy.with_name("_" + copy.name)
        copy.write_bytes(sys.stdin.buffer.read())
        _STDIN_COPIES[str(copy)] = "<stdin>"
        # the links lead to these folders: source documents may come from them (see graph.model.sources)
        roots = [
            os.environ.get(ROOTS_VARIABLE, ""),
            str(Path.cwd().resolve()),
            str(DEFAULT_CSV.parent.resolve()),
        ]
        with _environment(ROOTS_VARIABLE, os.pathsep.join(r for r in roots if r)):
            yield [copy if path == Path("-") else path for path in paths]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def source_options(command):
    """The options of commands that load the graph: built from CSVs (``--data``) or read from an RDF file (``--rdf``)."""

    @click.option(
        "--data",
        "csv_files",
        multiple=True,
        type=click.Path(path_type=Path),
        help="CSV of facts to build the graph from (repeatable). Default: data/triples.csv.",
    )
    @click.option(
        "--rdf",
        type=click.Path(path_type=Path),
        help="Read the graph from an RDF file instead (.nt .nq .ttl .trig .rdf .jsonld), e.g. exports/graph.nt.",
    )
    @_shared_graph_options
    @functools.wraps(command)
    def wrapper(csv_files, rdf, vocabulary, shapes, no_shapes, base, quiet, **kwargs):
        if rdf is not None and csv_files:
            raise click.UsageError("give --data (CSV to build from) or --rdf (a built graph), not both")
        source = {
            "csv_paths": list(csv_files),
            "rdf": rdf,
            "vocabulary": vocabulary,
            "shapes": None if no_shapes else shapes,
            "base": base,
        }
        return command(source, quiet, **kwargs)

    return wrapper


MAX_WARNINGS = 50  # every error is printed; past this many, warnings are only counted


def counting_progress(quiet: bool) -> Progress:
    """A progress bar on stderr with counts, percentage, elapsed time and ETA (gone when done)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
        transient=True,
    )


def report(problems: list[Problem], quiet: bool = False) -> None:
    """Print each problem on one line: every error, and warnings (up to MAX_WARNINGS) unless quiet."""
    warnings = 0
    for problem in problems:
        text = str(problem)
        for copy, name in _STDIN_COPIES.items():
            text = text.replace(copy, name)
        if problem.is_error:
            err.print(text, style="red", markup=False)
        elif not quiet:
            warnings += 1
            if warnings <= MAX_WARNINGS:
                err.print(text, style="yellow", markup=False)
    if warnings > MAX_WARNINGS:
        err.print(f"... and {warnings - MAX_WARNINGS} more warnings ({warnings} in all).", style="yellow")


def fail(problems: list[Problem], quiet: bool, writes: bool = True) -> None:
    """Print the problems and a count, then exit 1; ``writes`` says the command would have written files."""
    report(problems, quiet)
    errors = sum(p.is_error for p in problems)
    err.print(f"{errors} error(s){'; nothing was written' if writes else ''}.", style="bold red")
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ningbo-kg")
def cli() -> None:
    """Build a validated RDF knowledge graph from CSV facts, and export, query and serve it."""


@cli.command()
@input_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder to write the exports into.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(sorted(EXPORTERS)),
    help="Write only these exports (repeatable). Default: all. "
    + "; ".join(
        f"{name} ({exporter.file_name}): {exporter.description}" for name, exporter in EXPORTERS.items()
    )
    + ".",
)
def build(csv_files, options, quiet, out_dir, formats):
    """Validate CSV_FILES (default data/triples.csv) and write every export to --out.

    On any error nothing is written and every problem is printed, one per line.
    """
    chosen = list(formats) or list(EXPORTERS)
    with counting_progress(quiet) as progress:
        # the steps: validating, then one per export
        task = progress.add_task("validating", total=len(chosen) + 1)

        started: list[str] = []

        def step(name: str) -> None:  # validation is done when the first export starts
            progress.update(task, description=f"writing {name}")
            progress.advance(task, 1 if started else 2)
            started.append(name)

        graph, problems, written = pipeline.check_and_write(csv_files, out_dir, chosen, step, **options)
        if graph is None:
            progress.stop()
            fail(problems, quiet)
        keep_until_exit(graph)
    report(problems, quiet)
    if not quiet:
        err.print(
            f"{len(graph)} triples from {len(graph.facts.facts)} facts; wrote {len(written)} files to {out_dir}/"
        )


@cli.command()
@input_options
def validate(csv_files, options, quiet):
    """Check CSV_FILES (default data/triples.csv; - reads stdin) without writing anything; exit 1 on any error.

    \b
    Examples:
      kg validate
      kg validate more-facts.csv
      cat data/triples.csv | kg validate -
    """
    graph, problems = pipeline.check(csv_files, **options)
    if graph is None:
        fail(problems, quiet, writes=False)
    report(problems, quiet)
    if not quiet:
        err.print(f"valid: {len(graph.facts.facts)} facts, {len(graph)} triples, {len(problems)} warning(s).")


@cli.command()
@input_options
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    help="table (default on a terminal), csv (default when piped: kind,term,label_zh,label_en,count) or json.",
)
def stats(csv_files, options, quiet, output_format):
    """Count entities by class and facts by property (results on stdout, diagnostics on stderr).

    \b
    Examples:
      kg stats
      kg stats --format csv > counts.csv
      kg stats -f json | jq '.classes[0]'
    """
    graph, problems = pipeline.check(csv_files, **options)
    if graph is None:
        fail(problems, quiet, writes=False)
    report(problems, quiet)
    vocabulary = graph.facts.vocabulary
    groups = {"class": graph.count_by_class(), "property": graph.count_by_predicate()}
    rows = {
        kind: [
            {
                "term": vocabulary.shorten(str(term)),
                "label_zh": vocabulary.labels(term).get("zh", ""),
                "label_en": vocabulary.labels(term).get("en", ""),
                "count": count,
            }
            for term, count in sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
        ]
        for kind, counts in groups.items()
    }
    chosen = output_format or ("table" if out.is_terminal else "csv")
    if chosen == "json":
        document = {
            "triples": len(graph),
            "facts": len(graph.facts.facts),
            "classes": rows["class"],
            "properties": rows["property"],
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return
    if chosen == "csv":
        import csv as csv_module

        writer = csv_module.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["kind", "term", "label_zh", "label_en", "count"])
        for kind, found in rows.items():
            for row in found:
                writer.writerow([kind, row["term"], row["label_zh"], row["label_en"], row["count"]])
        if not quiet:
            err.print(f"{len(graph)} triples, {len(graph.facts.facts)} facts")
        return
    for kind, found in rows.items():
        table = Table(title=f"by {kind}")
        table.add_column(kind)
        table.add_column("label")
        table.add_column("count", justify="right")
        for row in found:
            table.add_row(row["term"], row["label_zh"] + " / " + row["label_en"], str(row["count"]))
        out.print(table)
    out.print(f"{len(graph)} triples, {len(graph.facts.facts)} facts")


@cli.command()
@input_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table: the most central entities, the communities and the summaries by class and event;"
    " csv: one row per entity (as exports/analysis.csv); json: everything (as exports/analysis.json).",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Entities in the table's ranking.",
)
def analyze(csv_files, options, quiet, output_format, top):
    """Which entities hold the graph together: degree, PageRank, betweenness and eigenvector centrality
    of every entity, connected components, Louvain communities, and summaries per class and per event.

    Computed on the entity graph (statement and evidence nodes left out), links read both ways.

    \b
    Examples:
      kg analyze
      kg analyze --format csv > ranking.csv
    """
    from graph.analysis.centrality import analysis_csv, analysis_json
    from graph.analysis.centrality import analyze as analyze_graph

    graph, problems = pipeline.check(csv_files, **options)
    if graph is None:
        fail(problems, quiet)
    found = analyze_graph(graph)
    if output_format == "json":
        out.file.write(analysis_json(found))
        return
    if output_format == "csv":
        out.file.write(analysis_csv(found))
        return
    label_of = {e.key: e.label for e in found.entities}
    ranking = Table(title=f"the {min(top, len(found.entities))} most central entities (by PageRank)")
    for column in (
        "#",
        "entity",
        "key",
        "class",
        "degree",
        "PageRank",
        "betweenness",
        "eigenvector",
        "community",
    ):
        ranking.add_column(column, justify="right" if column not in ("entity", "key", "class") else "left")
    for rank, e in enumerate(found.most_central(top), 1):
        ranking.add_row(
            str(rank), Text(e.label), Text(e.key), Text(e.type), str(e.degree), f"{e.pagerank:.4f}", f"{e.betweenness:.4f}",
            f"{e.eigenvector:.4f}", str(e.community),
        )  # fmt: skip
    out.print(ranking)
    for title, groups in (
        (f"communities (Louvain, modularity {found.modularity:.3f})", found.communities),
        ("by class", found.classes),
        ("by event", found.events),
        ("connected components", found.components),
    ):
        table = Table(title=title)
        table.add_column("group")
        table.add_column("entities", justify="right")
        table.add_column("most central")
        shown = [g for g in groups if g.size > 1] or groups
        for g in shown:
            table.add_row(
                g.name or "(untyped)", str(g.size), ", ".join(label_of.get(k, k) for k in g.central)
            )
        if len(shown) < len(groups):
            table.caption = f"and {len(groups) - len(shown)} of a single entity"
        out.print(table)


def data_options(command):
    """--data (repeatable CSVs) and the graph options, for commands whose arguments are not CSV files."""

    @click.option(
        "--data",
        "csv_files",
        multiple=True,
        type=click.Path(path_type=Path),
        help="CSV of facts to build the graph from (repeatable). Default: data/triples.csv.",
    )
    @_shared_graph_options
    @functools.wraps(command)
    def wrapper(csv_files, vocabulary, shapes, no_shapes, base, quiet, **kwargs):
        options = {"vocabulary": vocabulary, "shapes": None if no_shapes else shapes, "base": base}
        graph, problems = pipeline.check(list(csv_files) or [DEFAULT_CSV], **options)
        if graph is None:
            fail(problems, quiet)
        return command(graph, quiet, **kwargs)

    return wrapper


@cli.command()
@click.argument("name_a", metavar="A")
@click.argument("name_b", metavar="B")
@data_options
@click.option(
    "--max-hops", type=click.IntRange(min=1), default=6, show_default=True, help="Longest path to look for."
)
@click.option(
    "--via",
    multiple=True,
    metavar="PROPERTY",
    help="Follow only links of this property (repeatable), e.g. --via kg:involves.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Shortest paths to print at most.",
)
def path(graph, quiet, name_a, name_b, max_hops, via, limit):
    """The shortest paths between entities A and B, each hop with its property and the sentence stating it.

    A and B are names as the explorer's search takes them: zh or en label, alias, key, or part of
    one. A name that fits several entities equally well lists them; give a longer one or the key.
    Links are followed both ways. Exit status 1 when no path is found.

    \b
    Examples:
      kg path 江丰 宁波材料所
      kg path "Ningbo High-tech Zone" nimte --max-hops 3
      kg path 江丰 宁波材料所 --via kg:involves --via kg:supports
    """
    from graph.analysis.paths import find_entity, find_paths

    a, b = find_entity(graph, name_a), find_entity(graph, name_b)
    found = find_paths(graph, a.iri, b.iri, max_hops=max_hops, via=via, limit=limit)
    if not found:
        err.print(f"no path of at most {max_hops} hops joins {a.label} ({a.key}) and {b.label} ({b.key}).")
        sys.exit(1)
    label = {}
    for node, attributes in _network(graph).nodes(data=True):
        label[node] = attributes["label_zh"] or attributes["label_en"] or attributes["key"]
    for number, walk in enumerate(found, 1):
        names = " — ".join(label[n] for n in walk.entities)
        out.print(f"path {number} ({len(walk)} hops): {names}", markup=False, highlight=False, emoji=False)
        for step in walk.steps:
            for hop in step:
                prop = " / ".join(x for x in (hop.label_zh, hop.label_en) if x) or hop.predicate
                out.print(
                    f"  {label[hop.subject]} —{hop.predicate} ({prop})→ {label[hop.object]}",
                    markup=False,
                    highlight=False,
                    emoji=False,
                )
                if hop.evidence:
                    section = f" [{hop.section}]" if hop.section else ""
                    out.print(
                        f"      “{hop.evidence}”{section}",
                        markup=False,
                        highlight=False,
                        emoji=False,
                        style="dim",
                    )


def _network(graph):
    from graph.explorer.network import network_view

    return network_view(graph)


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "csv", "json", "patch"]),
    default="text",
    show_default=True,
    help="text (coloured on a terminal), csv and json: one entry per change with its rows and sentences;"
    " patch: a SPARQL Update (DELETE DATA / INSERT DATA) that turns OLD into NEW, for kg push --patch.",
)
@click.option("--graph", metavar="IRI", help="With --format patch: change this named graph of the store.")
@click.option(
    "--vocabulary",
    type=click.Path(path_type=Path),
    default=DEFAULT_VOCABULARY,
    show_default=True,
    help="Vocabulary for building a side from CSV (a git revision uses its own when it has one).",
)
@click.option("--base", default=DEFAULT_BASE, show_default=True, help="Base namespace of the entity IRIs.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the changes, not the summary.")
def diff(old, new, output_format, graph, vocabulary, base, quiet):
    """What changed from OLD to NEW: facts added and removed, values changed, entities added, removed or
    relabelled, qualifier and evidence changes, each with its row and sentence.

    Each side is a CSV file, a folder of CSVs, a built graph (graph.nt, or any RDF file), or a git
    revision of the data: REV (its data/triples.csv) or REV:PATH. Exit status 0 when the two graphs
    are equal, 1 when they differ (as diff does), 2 on an error.

    \b
    Examples:
      kg diff HEAD~1 HEAD
      kg diff old.csv data/triples.csv --format csv > changes.csv
      kg diff exports/graph.nt data/triples.csv --format patch > update.ru
    """
    from graph.analysis.diff import diff as diff_sides
    from graph.analysis.diff import diff_csv, diff_json, diff_text, sparql_patch

    try:
        result = diff_sides(old, new, vocabulary, base)
    except ValidationFailed as exc:
        report(exc.problems, False)
        sys.exit(2)
    except KnowledgeGraphError as exc:
        err.print(f"error: {exc}", style="red", markup=False)
        sys.exit(2)
    if output_format == "patch":
        sys.stdout.write(sparql_patch(result, graph))
    elif output_format == "csv":
        sys.stdout.write(diff_csv(result))
    elif output_format == "json":
        sys.stdout.write(diff_json(result))
    else:
        prefixes = graph_prefixes(load_vocabulary(resolve(vocabulary)).prefixes, base)
        colours = {"+": "green", "-": "red", "~": "yellow"}
        for mark, line in diff_text(result, prefixes):
            out.print(f"{mark} {line}", style=colours[mark], markup=False, highlight=False, emoji=False)
    if not quiet:
        summary = ", ".join(f"{n} {kind}" for kind, n in result.counts().items()) or "no change"
        err.print(
            f"{summary}; the patch deletes {len(result.deleted)} and inserts {len(result.inserted)} triples."
        )
    sys.exit(0 if result.equal else 1)


@cli.command("resolve")
@input_options
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Lowest score to print (1: the same name; 0.6: one name contains or abbreviates the other).",
)
@click.option(
    "--decisions",
    type=click.Path(path_type=Path),
    help="same-as.csv of the pairs already decided (never proposed again). Default: same-as.csv beside the first CSV.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "csv"]),
    default="text",
    show_default=True,
    help="text: each pair with the evidence of both sides; csv: rows to paste into same-as.csv (decision left empty).",
)
def resolve_command(csv_files, options, quiet, threshold, decisions, output_format):
    """Entities that are probably the same: pairs with a score, the reasons, and the sentence of each side.

    Names are compared after normalising width, case, punctuation, articles and the usual prefixes
    and suffixes (宁波市, 中国科学院, 有限公司), by pinyin, by containment and as abbreviations.
    Record each answer in data/same-as.csv (key,same_as,decision,who,date,reason; decision same or
    different): the build then merges the pairs marked same, and kg resolve skips every decided pair.

    \b
    Examples:
      kg resolve data/triples.csv registry.csv
      kg resolve data/triples.csv registry.csv --format csv >> data/same-as.csv
    """
    from graph.analysis.resolve import find_candidates
    from graph.model.same_as import COLUMNS as DECISION_COLUMNS
    from graph.model.same_as import FILE_NAME

    graph, problems = pipeline.check(csv_files, **options)
    if graph is None:
        fail(problems, quiet)
    chosen = decisions if decisions is not None else Path(csv_files[0]).parent / FILE_NAME
    found = find_candidates(graph, chosen, threshold)
    if output_format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(DECISION_COLUMNS)
        for c in found:
            writer.writerow([c.a.key, c.b.key, "", "", "", f"{c.score}: " + "; ".join(c.reasons)])
    else:
        for c in found:
            out.print(
                f"{c.score:.2f}  {c.a.key} = {c.b.key}  ({'; '.join(c.reasons)})", markup=False, emoji=False
            )
            for side in (c.a, c.b):
                names = " | ".join(side.names)
                out.print(
                    f"      {side.key}: {names} [{side.type}]", markup=False, emoji=False, highlight=False
                )
                if side.sentence:
                    out.print(
                        f"        {side.row}: “{side.sentence}”",
                        markup=False,
                        emoji=False,
                        highlight=False,
                        style="dim",
                    )
    if not quiet:
        err.print(f"{len(found)} candidate pair(s) at score {threshold} or more.")


QUERY_FORMATS = ["table", *RESULT_FORMATS, *GRAPH_FORMATS]


@cli.command()
@click.argument("query_spec", metavar="QUERY", required=False)
@source_options
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(QUERY_FORMATS),
    help="SELECT and ASK: table, csv, tsv, json (SPARQL 1.1 Query Results JSON) or xml; default table on a"
    " terminal, csv when piped. CONSTRUCT and DESCRIBE: turtle (default), ntriples, nquads, trig, rdfxml, jsonld, n3.",
)
@click.option("--endpoint", metavar="URL", help="Ask this remote SPARQL endpoint instead of the local graph.")
@click.option("--graph", metavar="IRI", help="Use this named graph as the default graph.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for --endpoint (or, with --allow-service, for the local query).",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let a local query call other endpoints with SERVICE (refused by default); it stops after --timeout.",
)
@click.option(
    "--auth",
    type=click.Choice(AUTH_SCHEMES),
    default="basic",
    show_default=True,
    help="How to send KG_USER/KG_PASSWORD to --endpoint.",
)
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(path_type=Path),
    default=QUERIES_DIR,
    help="Folder of named queries (QUERY may be a file name there, .rq optional)."
    " Default: data/queries, or the package's examples when there is none here.",
)
@click.option(
    "--list", "list_only", is_flag=True, help="List the named queries with their questions, and exit."
)
def query(
    source,
    quiet,
    query_spec,
    output_format,
    endpoint,
    graph,
    timeout,
    allow_service,
    auth,
    queries_dir,
    list_only,
):
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the graph and print the answer.

    QUERY is the query text, a .rq file, the name of a query in data/queries/ (see --list), or - to
    read the query from stdin.
    The vocabulary's prefixes (kg:, rdfs:, schema: ...) and ent:, stmt:, ev:, src: need no PREFIX lines.

    \b
    Examples:
      kg query --list
      kg query 'SELECT ?zone WHERE { ?zone kg:rank 10 }'
      kg query my-question.rq --rdf exports/graph.nt --format json
      kg query 'DESCRIBE ent:ningbo-hitech-zone' --format turtle
      kg query QUERY --endpoint http://localhost:7878/query
      echo 'ASK { ?s kg:rank 10 }' | kg query -
    """
    from graph.sparql.client import auth_from_environment, query_endpoint  # only where a query runs
    from graph.sparql.query import example_queries, find_query, run_query

    if list_only:
        for named in example_queries(queries_dir):
            out.print(f"[bold]{named.name}[/bold]  {named.title}", highlight=False)
        return
    if not query_spec:
        raise click.UsageError("give a QUERY (text, .rq file or name), or --list")
    if query_spec == "-":
        query_spec = sys.stdin.read()
        if not query_spec.strip():
            raise click.UsageError("QUERY is -, but stdin held no query text")
    named = find_query(query_spec, queries_dir)
    if endpoint:
        if source["csv_paths"] or source["rdf"]:
            raise click.UsageError(
                "--endpoint asks a remote store; --data and --rdf load a local graph: give one or the other"
            )
        prefixes = graph_prefixes(load_vocabulary(resolve(source["vocabulary"])).prefixes, source["base"])
        result = query_endpoint(
            endpoint,
            named.text,
            prefixes=prefixes,
            graph=graph,
            timeout=timeout,
            auth=auth_from_environment(auth),
        )
    else:
        store, prefixes = load_store(**source)
        result = run_query(
            store, named, prefixes=prefixes, graph=graph, service_timeout=timeout if allow_service else None
        )
    chosen = output_format or ("turtle" if result.form == "graph" else "table" if out.is_terminal else "csv")
    if result.form == "graph" and chosen not in GRAPH_FORMATS:
        raise click.UsageError(
            f"--format {chosen} is for SELECT and ASK; this query answers with triples: use one of {', '.join(GRAPH_FORMATS)}"
        )
    if result.form != "graph" and chosen not in ("table", *RESULT_FORMATS):
        raise click.UsageError(
            f"--format {chosen} is for CONSTRUCT and DESCRIBE; this {result.form.upper()} query answers in table, {', '.join(RESULT_FORMATS)}"
        )
    if chosen == "table":
        out.print(result.to_table())
    else:
        data = result.serialize(chosen)
        sys.stdout.buffer.write(data if data.endswith(b"\n") else data + b"\n")
        sys.stdout.buffer.flush()
    if result.truncated:
        err.print(
            "warning: the endpoint cut the answer short (X-SPARQL-MaxRows); add LIMIT or ask its operator",
            style="yellow",
        )
    if not quiet and result.form != "ask":
        err.print(f"{len(result)} {'triple' if result.form == 'graph' else 'row'}(s)", style="dim")


@cli.command()
@source_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback exposes the endpoint to the network.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.05),
    default=10.0,
    show_default=True,
    help="Seconds a request may run; past that it is stopped with 503.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    default=10_000,
    show_default=True,
    help="Cut answers at this many rows or triples (0: no cap); a cut answer has the header X-SPARQL-MaxRows.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Worker processes running queries in parallel.",
)
@click.option(
    "--memory-limit",
    "memory_mb",
    type=click.IntRange(min=0),
    default=2048,
    show_default=True,
    help="Megabytes of memory each worker may use (0: no limit); a query past it is stopped with 503.",
)
@click.option(
    "--allow-updates",
    is_flag=True,
    help="Accept SPARQL Update (the changes last until the server stops). Default: refuse with 403.",
)
@click.option(
    "--cors", is_flag=True, help="Send CORS headers, so pages from other origins may query the endpoint."
)
@click.option(
    "--explorer",
    type=click.Path(path_type=Path),
    default=Path("exports/graph.html"),
    show_default=True,
    help="The graph explorer page to serve at /explorer.",
)
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(path_type=Path),
    default=QUERIES_DIR,
    help="Folder of example queries for the page. Default: data/queries, or the package's examples.",
)
def serve(
    source,
    quiet,
    host,
    port,
    timeout,
    max_rows,
    workers,
    memory_mb,
    allow_updates,
    cors,
    explorer,
    queries_dir,
):
    """Serve the graph as a SPARQL 1.1 endpoint, with a query page at / and the explorer at /explorer.

    \b
    Endpoints:
      /sparql            SPARQL 1.1 Protocol (GET, POST form, POST application/sparql-query)
      /store?default     the graph (Graph Store Protocol GET), Turtle by default
    Read-only unless --allow-updates. SERVICE, LOAD, and FROM of a graph not held here are
    refused before anything runs. Answers are negotiated from the Accept header.
    """
    from graph.serve.app import Settings, prepare_store, run
    from graph.sparql.query import example_queries  # the SPARQL side: only where it is used

    given = click.get_current_context().get_parameter_source("explorer") != click.core.ParameterSource.DEFAULT
    if given and not explorer.is_file():
        raise InputError(
            f"--explorer {explorer}: no such file. Fix: run kg build to write exports/graph.html, or give its path"
        )
    if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("127.") and not quiet:
        err.print(
            f"warning: listening on {host}: the endpoint is reachable from other machines", style="yellow"
        )
    folder, location, prefixes = prepare_store(lambda location: load_store(**source, location=location)[1])
    settings = Settings(
        timeout=timeout,
        max_rows=max_rows or None,
        workers=workers,
        memory_mb=memory_mb or None,
        allow_updates=allow_updates,
        cors=cors,
        explorer=explorer,
        queries=example_queries(queries_dir),
        prefixes=prefixes,
    )
    try:
        run(location, settings, host=host, port=port, announce=lambda line: out.print(line, markup=False))
    except OSError as exc:
        raise InputError(str(exc)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@cli.command()
@source_options
@click.option(
    "--endpoint",
    metavar="URL",
    required=True,
    help="The store's Graph Store Protocol endpoint (Oxigraph: http://HOST:7878/store).",
)
@click.option("--graph", metavar="IRI", help="Named graph to replace. Default: the store's default graph.")
@click.option(
    "--query-endpoint",
    metavar="URL",
    help="The store's SPARQL query endpoint, for the check. Default: guessed from --endpoint.",
)
@click.option("--no-check", is_flag=True, help="Do not count the triples in the store afterwards.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds to wait for the store.",
)
@click.option(
    "--auth",
    type=click.Choice(AUTH_SCHEMES),
    default="basic",
    show_default=True,
    help="How to send KG_USER/KG_PASSWORD (digest for Virtuoso's -auth endpoints).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    metavar="TRIPLES",
    help="Triples per request (the first replaces the graph, the rest add to it)."
    " Default: one streamed request, or 100000 for Virtuoso.",
)
@click.option(
    "--patch",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Apply this SPARQL Update (from kg diff --format patch) instead of replacing the whole graph.",
)
@click.option(
    "--update-endpoint",
    metavar="URL",
    help="The store's SPARQL Update endpoint, for --patch. Default: guessed from --endpoint.",
)
def push(
    source,
    quiet,
    endpoint,
    graph,
    query_endpoint,
    no_check,
    timeout,
    auth,
    chunk_size,
    patch,
    update_endpoint,
):
    """Upload the graph to a SPARQL 1.1 Graph Store, replacing it, then check the store holds every triple.

    The graph is streamed as N-Triples (every IRI in full), read from its source as it is sent. It
    replaces the store's graph (a PUT; on the Oxigraph server a DELETE, then a bulk POST), so pushing
    again never duplicates anything. Afterwards the store's count is compared, and a sample of
    triples is read back and compared term by term. Credentials come from the environment: KG_TOKEN (bearer), or
    KG_USER and KG_PASSWORD (basic, or digest with --auth digest).
    With --patch only the changes travel: the update is POSTed to the store's update endpoint.

    \b
    Examples:
      kg push --endpoint http://localhost:7878/store
      kg push --endpoint http://localhost:3030/ningbo/data --graph https://example.org/ningbo-kg/graph
      kg push --endpoint http://localhost:8890/sparql-graph-crud-auth --auth digest --graph IRI
      kg diff HEAD~1 HEAD --format patch > changes.ru
      kg push --endpoint http://localhost:7878/store --patch changes.ru
    """
    from graph.sparql.client import auth_from_environment  # a store's client: only where one is used
    from graph.sparql.push import guess_update_endpoint, push_ntriples, push_patch

    if patch is not None:
        target = update_endpoint or guess_update_endpoint(endpoint)
        if target is None:
            raise InputError(
                f"{endpoint}: cannot tell the update endpoint of this store. Fix: give it with --update-endpoint URL"
            )
        applied = push_patch(
            patch.read_text(encoding="utf-8"), target, timeout=timeout, auth=auth_from_environment(auth)
        )
        if not quiet:
            err.print(
                f"applied {patch}: deleted {applied.deleted} and inserted {applied.inserted} triples at {target}"
                f" in {applied.seconds:.2f} s."
            )
        return

    chunks, total, prefixes = read_ntriples(**source)
    with counting_progress(quiet) as progress:
        task = progress.add_task("pushing triples", total=total)
        report = push_ntriples(
            chunks,
            endpoint,
            graph=graph,
            query_endpoint=query_endpoint,
            check=not no_check,
            timeout=timeout,
            auth=auth_from_environment(auth),
            prefixes=prefixes,
            chunk_size=chunk_size,
            progress=lambda sent: progress.advance(task, sent),
            distinct=total is not None,
        )
    if not quiet:
        if report.stored is None:
            checked = " (not checked)"
        else:
            checked = (
                f"; the store holds {report.stored}, and {report.sampled} sampled triples read back match"
            )
            if report.normalised:
                checked += f" (the store normalised: {'; '.join(report.normalised)})"
        err.print(
            f"pushed {report.sent} triples to {report.target} at {endpoint} in {report.seconds:.2f} s"
            f" ({report.requests} request{'s' if report.requests != 1 else ''}){checked}."
        )


@cli.command()
@click.argument("rows", type=click.IntRange(min=1))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder to write triples.csv, its source and vocabulary into.",
)
@click.option(
    "--seed", type=int, default=42, show_default=True, help="Random seed; the same seed gives the same bytes."
)
@click.option(
    "--rows-per-entity",
    type=click.IntRange(min=4),
    default=20,
    show_default=True,
    help="Rows per entity: a smaller ratio gives more entities (nodes) from the same rows.",
)
@click.option(
    "--like",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Instead, write a synthetic second source (OUT/registry.csv) that names ROWS organisations of this"
    " CSV under other keys and names, and as many that are new; OUT/planted.csv lists the planted pairs.",
)
def synth(rows, out_dir, seed, rows_per_entity, like):
    """Generate a synthetic dataset of about ROWS rows in our CSV format (for benchmarks and tests).

    Build it with: kg build OUT/triples.csv --vocabulary OUT/vocabulary.ttl

    With --like CSV: a second source for entity resolution (kg resolve CSV OUT/registry.csv).
    Its source document says that it is synthetic.
    """
    from graph.synthetic import generate, generate_second_source

    if like is not None:
        made = generate_second_source(out_dir, like, seed, duplicates=rows, distinct=rows)
        err.print(
            f"wrote {made.csv}: {len(made.planted)} organisations of {like} under other names, {len(made.distinct)}"
            f" new ones; the pairs are in {out_dir / 'planted.csv'}"
        )
        return

    dataset = generate(out_dir, rows, seed, rows_per_entity)
    err.print(f"wrote {dataset.rows} rows about {dataset.entities} entities to {dataset.csv}")


@cli.command()
@click.argument("article", type=click.Path(path_type=Path))
@click.option(
    "--known",
    "known",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="CSV",
    help="A curated CSV whose entities are linked by key where their labels occur (repeatable).",
)
@click.option(
    "--vocabulary",
    type=click.Path(path_type=Path),
    default=DEFAULT_VOCABULARY,
    show_default=True,
    help="Vocabulary (Turtle): the classes, properties and units the draft may use.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    default=Path("draft.csv"),
    show_default=True,
    help="Where to write the draft CSV (replaced whole, never half-written).",
)
@click.option(
    "--compare",
    "curated",
    type=click.Path(path_type=Path),
    metavar="CSV",
    help="Also print how the draft compares with this curated CSV of the same article.",
)
@click.option(
    "--llm",
    metavar="URL",
    help="Also ask this OpenAI-compatible chat-completions endpoint for rows (off by default; nothing is sent without it).",
)
def draft(article, known, vocabulary, out_path, curated, llm):
    """Draft rows of our CSV format from ARTICLE (a Chinese text), each citing its sentence, for review.

    The draft has two review columns, confidence and note, that the build ignores. Check it with
    kg validate, then keep, correct or delete its rows.

    \b
    Examples:
      kg draft data/sources/000_ae5b4b592fd66ac1.txt --out data/draft.csv
      kg draft article.txt --known data/triples.csv --out data/draft.csv
      kg draft data/sources/000_ae5b4b592fd66ac1.txt --out data/draft.csv --compare data/triples.csv
    """
    from graph.draft import write_draft
    from graph.draft.compare import compare

    if curated is not None and not curated.is_file():
        raise InputError(
            f"{curated}: curated CSV not found. Fix: give the path of a CSV of our format to --compare"
        )
    result = write_draft(article, out_path, resolve(vocabulary), list(known), llm)
    drafted = result.draft
    err.print(
        f"wrote {len(drafted.rows)} rows to {out_path}: {len(drafted.entities)} entities,"
        f" {drafted.figures} figures, {drafted.links} links"
    )
    if llm:
        err.print(
            f"the model proposed {result.llm_rows} valid rows; dropped {result.llm_not_verbatim} with evidence"
            f" not in the article and {result.llm_invalid} that failed the row checks"
        )
    if curated is not None:
        text = Path(article).read_text(encoding="utf-8-sig")
        for line in compare(out_path, curated, text).lines():
            out.print(line, markup=False, highlight=False)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory):
    """Start a new project in DIRECTORY (new or empty) that `kg build` builds at once.

    Its data/ folder holds triples.csv (30 facts about one event of the project's article), the
    source document they quote, vocabulary.ttl and shapes.ttl (the generic terms and checks),
    dataset.ttl (title and licence) and queries/. Replace the rows with your own facts and build again.

    \b
    Examples:
      kg init my-graph
      cd my-graph && kg build && kg query --list
    """
    from graph.starter import init_project

    files = init_project(directory)
    for path in files:
        out.print(str(path), markup=False, highlight=False)
    err.print(f"wrote {len(files)} files; next: cd {shlex.quote(str(directory))} && kg build")


#: what the command keeps until the process ends, when ``kg`` runs as a program (see :func:`main`)
_KEPT_UNTIL_EXIT: list[object] | None = None


def keep_until_exit(value: object) -> None:
    """Let the process end without freeing ``value`` (a graph of a million rows takes a second to free,
    object by object); only when ``kg`` runs as a program, never when its commands are called in-process."""
    if _KEPT_UNTIL_EXIT is not None:
        _KEPT_UNTIL_EXIT.append(value)


def main() -> None:
    """Entry point: user errors become one line on stderr and exit status 1; bugs keep their traceback."""
    global _KEPT_UNTIL_EXIT
    _KEPT_UNTIL_EXIT = []
    try:
        cli(prog_name="kg")
    except SystemExit as exc:
        if _KEPT_UNTIL_EXIT:  # everything is written: leave without freeing it
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        raise
    except ValidationFailed as exc:
        fail(exc.problems, False)
    except KnowledgeGraphError as exc:
        err.print(f"error: {exc}", style="red", markup=False)
        sys.exit(1)
