"""Reading a large CSV file with two cores: pieces of it checked by the row rules in worker processes.

The file is cut into pieces that start where a record starts, found by the parity of the quotes
before a line break. Each worker reads its pieces with the fast path (:mod:`graph.ingest.fast_path`)
exactly as the whole file would be read, and sends back each piece's facts (as tuples, with the
digest each statement's IRI is made from), problems and record count. The facts, problems and row
numbers come back in file order, so the result is the one a single process gives.

Whatever the pieces cannot reproduce exactly is left to the single process: a file holding control
characters, or any piece that meets a problem of the file's structure (a bad quote, a row of the
wrong width, bytes that are not UTF-8). A misplaced cut would end a piece inside a quoted cell,
which is such a problem, so it is never silently accepted.

The workers are forked when the row rules are ready and before any fact is read, so they share
little memory with the build that follows. Small files are read by one process: starting the
workers costs more than they save below :data:`PARALLEL_FROM` bytes.
"""

from __future__ import annotations

import io
import mmap
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from graph.errors import Problem
from graph.ingest.csv_reader import CsvRecords
from graph.ingest.fast_path import FastPath
from graph.model.build import statement_digest
from graph.model.facts import Fact

#: from this many bytes on, a file is read by worker processes (about 80,000 rows of the synthetic
#: data). The workers' reading costs half as much again in CPU as reading in this process (packing
#: and sending the facts, and making them again here): at 200k rows 1.9 s of CPU in the workers and
#: 0.75 s here against 1.4 s in one process, so below this a second core cannot win it back.
PARALLEL_FROM = 8 << 20
PIECE = 4 << 20  # at most this many bytes per piece (at least an eighth of the file): the workers stay busy
ONE_CORE = "KG_ONE_CORE"  # set in the environment: read every file in this process

# what a forked worker reads with: set in the parent just before the workers are forked
_reader: FastPath | None = None
_records: CsvRecords | None = None


def usable(records: CsvRecords) -> bool:
    """Whether ``records`` should be read by workers."""
    if records.columns is None or records._has_control or os.environ.get(ONE_CORE):
        return False
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        return records.path.stat().st_size >= PARALLEL_FROM
    except OSError:
        return False


def read_in_workers(
    reader: FastPath, records: CsvRecords, path: Path, facts: list[Fact], problems: list[Problem]
) -> bool:
    """Read the file of ``records`` by workers, appending its facts and problems; ``False`` (and
    nothing appended) when the file must be read by one process after all."""
    global _reader, _records
    pieces = list(_pieces(records.path, max(1 << 20, min(PIECE, records.path.stat().st_size // 8))))
    _reader, _records = reader, records
    found_facts: list[Fact] = []
    found_problems: list[Problem] = []
    strings: dict[str, str] = {}  # one object per repeated string, whichever piece it came in
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(min(os.cpu_count() or 2, len(pieces))) as pool:
            offset = 0
            for result in pool.imap(_read_piece, pieces):
                if result is None:
                    pool.terminate()
                    return False
                count, rows, piece_problems, sources = result
                _unpack(rows, offset, records.name, reader, path, sources, strings, found_facts)
                found_problems += (replace(p, row=p.row + offset) if offset else p for p in piece_problems)
                offset += count
    finally:
        _reader = _records = None
    facts += found_facts
    problems += found_problems
    return True


def _pieces(path: Path, piece: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` byte ranges of about ``piece`` bytes, each cut after a line break that
    an even number of quotes comes before (so not inside a quoted cell, in a well-formed file)."""
    with open(path, "rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
        size, start = len(data), 0
        while size - start > piece:
            at = start + piece
            odd = data[start:at].count(b'"') % 2  # a piece starts outside quotes
            cut = None
            while (newline := data.find(b"\n", at)) >= 0:
                odd = (odd + data[at:newline].count(b'"')) % 2
                if not odd:
                    cut = newline + 1
                    break
                at = newline + 1
            if cut is None or cut >= size:
                break
            yield start, cut
            start = cut
        yield start, size


def _read_piece(piece: tuple[int, int]) -> tuple | None:
    """In a worker: the facts of one piece as tuples, its problems (rows counted from the piece's
    start), its record count and the source cell of each document; ``None`` on a structural problem."""
    start, end = piece
    reader, template = _reader, _records
    with open(template.path, "rb") as stream:
        stream.seek(start)
        raw = stream.read(end - start)
    try:
        text = raw.decode("utf-8-sig" if start == 0 else "utf-8")
    except UnicodeDecodeError:
        return None
    records = replace(template, problems=[])
    facts: list[Fact] = []
    problems: list[Problem] = []
    rows = records.records_of(io.StringIO(text, newline=""), template._header_row if start == 0 else 0)
    reader.read_file(records, template.path, facts, problems, rows)
    if records.problems:
        return None
    cells = {id(document): cell for (cell, _), document in reader.rules.sources._by_cell.items()}
    sources = {}
    packed = []
    for f in facts:
        source = f.source
        if source is not None:
            sources[id(source)] = cells[id(source)]
        packed.append(
            (
                f.row,
                f.subject_iri,
                f.predicate_iri,
                f.object_value,
                f.object_is_literal,
                f.datatype_iri,
                f.language,
                f.statement_id,
                f.qualifies,
                f.unit_iri,
                f.approximation_iri,
                None if source is None else id(source),
                f.section,
                f.evidence,
                "" if f.qualifies else statement_digest(f),
            )
        )
    return records.records_read, packed, problems, sources


def _unpack(
    rows: list[tuple],
    offset: int,
    name: str,
    reader: FastPath,
    path: Path,
    sources: dict[int, str],
    strings: dict[str, str],
    facts: list[Fact],
) -> None:
    """The facts of one piece, made in this process: rows counted from the file's start, each
    document this process's own, each repeated string kept once."""
    library = reader.rules.sources
    documents = {key: library.open(cell, path) for key, cell in sources.items()}
    intern = strings.setdefault
    new, append = Fact.new, facts.append
    for (
        row,
        subject,
        predicate,
        value,
        is_literal,
        datatype,
        language,
        statement_id,
        qualifies,
        unit,
        approximation,
        source,
        section,
        evidence,
        digest,
    ) in rows:
        fact = new(
            file=name,
            row=row + offset,
            subject_iri=subject if subject is None else intern(subject, subject),
            predicate_iri=predicate,
            object_value=value if is_literal else intern(value, value),
            object_is_literal=is_literal,
            datatype_iri=datatype,
            language=language,
            statement_id=statement_id,
            qualifies=qualifies,
            unit_iri=unit,
            approximation_iri=approximation,
            source=None if source is None else documents[source],
            section=section,
            evidence=intern(evidence, evidence),
        )
        fact.statement_key = digest
        append(fact)
