"""Reading a file in worker processes gives exactly what one process gives: the same facts, the same
problems in the same order with the same rows, the same statement IRIs."""

from __future__ import annotations

import pytest

from graph.defaults import DEFAULT_VOCABULARY
from graph.ingest import load_facts, parallel
from graph.model.build import build_graph
from graph.model.vocabulary import load_vocabulary
from graph.synthetic import generate
from tests.conftest import EV, GOOD_ROWS, ROOT
from tests.unit.ingest.test_row_rules import ODD_ROWS

# cells with line breaks, commas and quotes inside quotes: a cut must never fall inside one
QUOTED_ROWS = [
    ',zone,skos:altLabel,"two\nlines",,zh,,,' + EV,
    ',zone,skos:altLabel,"say ""hi"", then\n""bye""\n",,en,,,' + EV,
    ',lab,skos:altLabel,"""",,en,,,' + EV,
    ',lab,skos:altLabel,"a,b\n\n\nc",,en,,,' + EV,
]


@pytest.fixture
def small_pieces(monkeypatch):
    """Every file read by workers, in pieces of a few rows."""
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 0)
    monkeypatch.setattr(parallel, "_pieces", lambda path, piece: real_pieces(path, 300))
    monkeypatch.delenv(parallel.ONE_CORE, raising=False)


real_pieces = parallel._pieces  # the real cutter, for pieces of a few rows


def read_both_ways(paths, vocabulary, monkeypatch):
    """The facts read by workers and by one process, and whether the workers' reading was kept."""
    kept = []
    real = parallel.read_in_workers
    monkeypatch.setattr(parallel, "read_in_workers", lambda *args: kept.append(real(*args)) or kept[-1])
    two = load_facts(paths, vocabulary)
    monkeypatch.setenv(parallel.ONE_CORE, "1")
    one = load_facts(paths, vocabulary)
    monkeypatch.delenv(parallel.ONE_CORE)
    return one, two, kept


def ntriples(facts) -> str:
    return "".join(build_graph(facts).ntriples_chunks())


@pytest.mark.parametrize("which", ["odd rows", "quoted cells", "the article", "synthetic"])
def test_workers_read_what_one_process_reads(which, small_pieces, write_csv, tmp_path, monkeypatch):
    vocabulary = load_vocabulary(DEFAULT_VOCABULARY)
    if which == "odd rows":  # row problems in many pieces, repeated ones merged alike
        paths = [write_csv([*GOOD_ROWS, *ODD_ROWS, *ODD_ROWS, *ODD_ROWS])]
    elif which == "quoted cells":
        paths = [write_csv([*GOOD_ROWS, *QUOTED_ROWS * 20])]
    elif which == "the article":
        paths = [ROOT / "data" / "triples.csv", write_csv(GOOD_ROWS)]
    else:
        dataset = generate(tmp_path / "synthetic", 2000, seed=5)
        paths, vocabulary = [dataset.csv], load_vocabulary(dataset.vocabulary)
    one, two, kept = read_both_ways(paths, vocabulary, monkeypatch)
    assert kept and all(kept)
    assert two.facts == one.facts
    assert two.problems == one.problems  # same messages, same order
    assert [p.row for p in two.problems] == [p.row for p in one.problems]
    assert [d.slug for d in two.sources.documents()] == [d.slug for d in one.sources.documents()]
    if which == "odd rows":
        assert len(one.errors) >= 75
    else:
        assert not one.errors
        assert ntriples(two) == ntriples(one)


@pytest.mark.parametrize(
    "tail",
    [
        [',zone,skos:altLabel,"never closed,,en,,,' + EV],  # the rest of the file is one cell
        [f",zone,skos:altLabel,x,,en,,,{EV},extra"],  # a row too wide
        [',zone,skos:altLabel,"bad"quote,,en,,,' + EV],
    ],
)
def test_a_file_with_structural_problems_is_read_by_one_process(tail, small_pieces, write_csv, monkeypatch):
    rows = [*GOOD_ROWS, *QUOTED_ROWS * 5]
    path = write_csv(rows[:20] + tail + rows[20:])
    one, two, kept = read_both_ways([path], load_vocabulary(DEFAULT_VOCABULARY), monkeypatch)
    assert kept == [False]
    assert two.facts == one.facts and two.problems == one.problems
    assert one.errors


def test_which_files_go_to_workers(write_csv, monkeypatch):
    monkeypatch.delenv(parallel.ONE_CORE, raising=False)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 0)
    from graph.ingest.csv_reader import open_records

    assert parallel.usable(open_records(write_csv(GOOD_ROWS)))
    assert not parallel.usable(
        open_records(write_csv([*GOOD_ROWS, f",zone,skos:altLabel,a\x07b,,en,,,{EV}"]))
    )
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1 << 40)
    assert not parallel.usable(open_records(write_csv(GOOD_ROWS)))


def test_pieces_start_where_records_start(write_csv):
    path = write_csv([*GOOD_ROWS, *QUOTED_ROWS * 3])
    data = path.read_bytes()
    pieces = list(parallel._pieces(path, 50))
    assert len(pieces) > 5
    assert pieces[0][0] == 0 and pieces[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:], strict=False))
    for start, _ in pieces[1:]:
        assert data[start - 1 : start] == b"\n" and data[:start].count(b'"') % 2 == 0
