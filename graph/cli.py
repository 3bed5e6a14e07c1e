"""The ``kg`` command: a thin layer that parses options, calls the library and prints."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import pipeline
from .errors import KnowledgeGraphError, Problem, ValidationFailed
from .exports import EXPORTERS
from .shapes import DEFAULT_SHAPES
from .vocabulary import DEFAULT_BASE, DEFAULT_VOCABULARY

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def input_options(command):
    """The options every command that reads CSVs shares."""

    @click.argument("csv_files", nargs=-1, type=click.Path(path_type=Path))
    @click.option(
        "--vocabulary",
        type=click.Path(path_type=Path),
        default=DEFAULT_VOCABULARY,
        show_default=True,
        help="Vocabulary (Turtle) the CSV may use.",
    )
    @click.option(
        "--shapes",
        type=click.Path(path_type=Path),
        default=DEFAULT_SHAPES,
        show_default=True,
        help="SHACL shapes (Turtle) the graph must satisfy.",
    )
    @click.option("--no-shapes", is_flag=True, help="Skip SHACL validation.")
    @click.option(
        "--base",
        default=DEFAULT_BASE,
        show_default=True,
        help="Base namespace for entity, statement and evidence IRIs.",
    )
    @click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
    @functools.wraps(command)
    def wrapper(csv_files, vocabulary, shapes, no_shapes, base, quiet, **kwargs):
        options = {"vocabulary": vocabulary, "shapes": None if no_shapes else shapes, "base": base}
        return command(list(csv_files) or [pipeline.DEFAULT_CSV], options, quiet, **kwargs)

    return wrapper


MAX_WARNINGS = 50  # every error is printed; past this many, warnings are only counted


def report(problems: list[Problem], quiet: bool = False) -> None:
    """Print each problem on one line: every error, and warnings (up to MAX_WARNINGS) unless quiet."""
    warnings = 0
    for problem in problems:
        if problem.is_error:
            err.print(str(problem), style="red", markup=False)
        elif not quiet:
            warnings += 1
            if warnings <= MAX_WARNINGS:
                err.print(str(problem), style="yellow", markup=False)
    if warnings > MAX_WARNINGS:
        err.print(f"... and {warnings - MAX_WARNINGS} more warnings ({warnings} in all).", style="yellow")


def fail(problems: list[Problem], quiet: bool) -> None:
    report(problems, quiet)
    errors = sum(p.is_error for p in problems)
    err.print(f"{errors} error(s); nothing was written.", style="bold red")
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
    default=pipeline.DEFAULT_OUT,
    show_default=True,
    help="Folder to write the exports into.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(sorted(EXPORTERS)),
    help="Write only these exports (repeatable). Default: all.",
)
def build(csv_files, options, quiet, out_dir, formats):
    """Validate CSV_FILES (default data/triples.csv) and write every export to --out.

    On any error nothing is written and every problem is printed, one per line.
    """
    chosen = list(formats) or list(EXPORTERS)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("validating", total=len(chosen) + 1)
        graph, problems = pipeline.check(csv_files, **options)
        if graph is None:
            progress.stop()
            fail(problems, quiet)
        progress.advance(task)

        def step(name: str) -> None:
            progress.update(task, description=f"writing {name}")
            progress.advance(task)

        written = pipeline.write_exports(graph, out_dir, chosen, step)
    report(problems, quiet)
    if not quiet:
        err.print(
            f"{len(graph)} triples from {len(graph.facts.facts)} facts; wrote {len(written)} files to {out_dir}/"
        )


@cli.command()
@input_options
def validate(csv_files, options, quiet):
    """Check CSV_FILES (default data/triples.csv) without writing anything; exit 1 on any error."""
    graph, problems = pipeline.check(csv_files, **options)
    if graph is None:
        fail(problems, quiet)
    report(problems, quiet)
    if not quiet:
        err.print(f"valid: {len(graph.facts.facts)} facts, {len(graph)} triples, {len(problems)} warning(s).")


@cli.command()
@input_options
def stats(csv_files, options, quiet):
    """Count entities by class and facts by property."""
    graph, problems = pipeline.check(csv_files, **options)
    if graph is None:
        fail(problems, quiet)
    vocabulary = graph.facts.vocabulary
    for title, counts in (("class", graph.count_by_class()), ("property", graph.count_by_predicate())):
        table = Table(title=f"by {title}")
        table.add_column(title)
        table.add_column("label")
        table.add_column("count", justify="right")
        for term, count in sorted(counts.items(), key=lambda item: (-item[1], str(item[0]))):
            labels = vocabulary.labels(term)
            table.add_row(
                vocabulary.shorten(str(term)), labels.get("zh", "") + " / " + labels.get("en", ""), str(count)
            )
        out.print(table)
    out.print(f"{len(graph)} triples, {len(graph.facts.facts)} facts")


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
def synth(rows, out_dir, seed, rows_per_entity):
    """Generate a synthetic dataset of about ROWS rows in our CSV format (for benchmarks and tests).

    Build it with: kg build OUT/triples.csv --vocabulary OUT/vocabulary.ttl
    """
    from .synthetic import generate

    dataset = generate(out_dir, rows, seed, rows_per_entity)
    err.print(f"wrote {dataset.rows} rows about {dataset.entities} entities to {dataset.csv}")


def main() -> None:
    """Entry point: user errors become one line on stderr and exit status 1; bugs keep their traceback."""
    try:
        cli(prog_name="kg")
    except ValidationFailed as exc:
        fail(exc.problems, False)
    except KnowledgeGraphError as exc:
        err.print(f"error: {exc}", style="red", markup=False)
        sys.exit(1)
