"""Reading a triples CSV into rows that remember where they came from, with every structural problem found.

Python's csv module is lenient: an unterminated quote swallows the rest of the file and
extra cells are kept silently. This module reads strictly and reports each such case with
its row and column, counting rows as a spreadsheet does (the header is row 1).

Files are streamed: a first pass over the bytes looks for control characters, a second one parses
records (and finds bytes that are not UTF-8), so a million-row file never sits in memory.
"""

from __future__ import annotations

import csv
import difflib
import itertools
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import Problem

COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "datatype",
    "lang",
    "unit",
    "approx",
    "source",
    "section",
    "evidence",
)
REQUIRED_COLUMNS = ("subject", "predicate", "object", "source", "section", "evidence")
#: review columns a draft carries for its curator (`kg draft`); accepted in the header, ignored by the build
REVIEW_COLUMNS = ("confidence", "note")

# the control characters, and U+FFFE and U+FFFF, which no XML file (RDF/XML, GraphML) can hold
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_NON_CHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # U+FFFE, U+FFFF in UTF-8
# every byte but the control characters (UTF-8 uses bytes below 0x80 only for themselves)
_NOT_CONTROL = b"\t\n\r" + bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
_BOM = "\ufeff"
_CHUNK = 1 << 20


@dataclass
class CsvRecords:
    """A CSV file read as a stream: ``records()`` yields each row's cells in :data:`COLUMNS` order.

    ``problems`` fills up while the records are read; it is complete once ``records()`` is exhausted.
    ``columns`` is ``None`` when the file cannot be read or its header is unusable (then there are no records).
    """

    path: Path
    name: str
    problems: list[Problem] = field(default_factory=list)
    columns: list[str] | None = None
    #: set when reading found bytes that are not UTF-8: then the only problem is that one
    not_utf8: bool = False
    #: how many records the last finished reading had (see :meth:`records_of`)
    records_read: int = 0
    _has_control: bool = False
    _header_row: int = 1
    _lines: list[str] | None = field(default=None, repr=False)  # the file's lines, for quote problems only

    def _not_utf8(self) -> None:
        self.not_utf8 = True
        self.columns = None
        self.problems[:] = [_decode_problem(self.path.read_bytes(), self.name)]

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """Yield ``(row number, cells)`` for every non-blank, well-formed record, cells stripped and in COLUMNS order."""
        if self.columns is None:
            return
        with open(self.path, encoding="utf-8-sig", newline="") as stream:
            try:
                # the header's own problems were reported by open_records
                yield from self.records_of(stream, self._header_row)
            except UnicodeDecodeError:
                self._not_utf8()

    def records_of(self, stream, skip: int) -> Iterator[tuple[int, list[str]]]:
        """:meth:`records` of text read from ``stream``, numbered from its first record, the first
        ``skip`` records left out: a whole file, or a piece of one that starts where a record starts
        (:mod:`graph.ingest.parallel`). ``records_read`` then holds how many records it had."""
        columns = self.columns
        width = len(columns)
        order = [columns.index(c) if c in columns else width for c in COLUMNS]  # width: the '' appended
        in_order = order == list(range(len(COLUMNS))) and width == len(COLUMNS)
        problems, name, has_control = self.problems, self.name, self._has_control
        strip = str.strip
        for number, cells in self._parse(stream, report_after=skip):
            if number <= skip:
                continue
            if len(cells) != width:
                if not any(cell.strip() for cell in cells):
                    continue  # blank lines are allowed between groups of facts
                problems.append(_width_problem(name, number, cells, columns))
                continue
            if has_control:  # before trimming: a control character at a cell's end is reported too
                _check_control(name, number, columns, cells, problems)
            cells = list(map(strip, cells))
            if not any(cells):
                continue
            if in_order:
                yield number, cells
            else:
                cells.append("")
                yield number, [cells[i] for i in order]

    def _parse(self, stream, report_after: int) -> Iterator[tuple[int, list[str]]]:
        """Yield (row number, cells) of every record; a malformed record after row ``report_after``
        becomes a Problem, and reading goes on where it can."""
        reader = csv.reader(stream, strict=True)
        number = last_line = 0  # last_line: where the last record read ended
        while True:
            try:
                for cells in reader:
                    number += 1
                    last_line = reader.line_num
                    yield number, cells
                self.records_read = number
                return
            except csv.Error as exc:
                number += 1
                if number > report_after:
                    self.problems.append(
                        self._quote_problem(number, last_line + 1, reader.line_num, str(exc))
                    )
                if "unexpected end of data" in str(exc):
                    return
                last_line = reader.line_num

    def _quote_problem(self, number: int, start_line: int, end_line: int, reason: str) -> Problem:
        if self._lines is None:  # read once, at the first bad record
            with open(self.path, encoding="utf-8-sig", newline="") as stream:
                self._lines = [line.rstrip("\r\n") for line in stream]  # split as the csv reader splits
        lines = self._lines
        index = _column_of_open_quote(lines[start_line - 1] if start_line <= len(lines) else "")
        header = next(csv.reader(itertools.islice(lines, 1)), []) if lines else []
        column = "" if index is None else _column_name(header, index)
        if "unexpected end of data" in reason:
            return Problem(
                self.name,
                number,
                column,
                f"a quote opened on line {start_line} is never closed, so the rest of the file "
                f"(lines {start_line}-{len(lines)}) would be read as one cell",
                'close the quote; write a quote inside a quoted cell as two quotes ("")',
            )
        return Problem(
            self.name,
            number,
            column,
            f"badly quoted cell on line {end_line} ({reason})",
            'a cell that contains a quote must be quoted as a whole, with inner quotes doubled: "say ""hi"""',
        )


@dataclass(slots=True)
class Row:
    """One CSV record: its 1-based row number (the header is row 1) and its cells by column name."""

    file: str
    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class CsvFile:
    """The rows of one CSV file and the problems met reading it."""

    path: Path
    rows: list[Row]
    problems: list[Problem]


def read_rows(path: Path | str, display_name: str | None = None) -> CsvFile:
    """Read ``path`` strictly into a list of rows (for tools that read a CSV as text, such as ``kg draft``);
    never raises for bad content: the problems are returned instead. The build streams with :func:`open_records`.
    """
    records = open_records(path, display_name)
    rows = [
        Row(records.name, number, dict(zip(COLUMNS, cells, strict=True)))
        for number, cells in records.records()
    ]
    return CsvFile(Path(path), [] if records.not_utf8 else rows, records.problems)


def open_records(path: Path | str, display_name: str | None = None) -> CsvRecords:
    """Check the file's header (and whether it holds control characters); the records are then read
    lazily by ``records()``, which also finds bytes that are not UTF-8 (see ``not_utf8``)."""
    path = Path(path)
    result = CsvRecords(path, display_name or str(path))
    problem, result._has_control = _check_bytes(path, result.name)
    if problem is not None:
        result.problems.append(problem)
        return result
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            header = next(result._parse(stream, report_after=0), None)
    except UnicodeDecodeError:
        result._not_utf8()
        return result
    if header is not None:
        result._header_row = header[0]
    if header is None:
        result.problems.append(
            Problem(
                result.name, 1, "", "the file is empty", "start with the header row: " + ",".join(COLUMNS)
            )
        )
        return result
    result.columns = _check_header(header[1], result.name, result.problems)
    return result


def _check_bytes(path: Path, name: str) -> tuple[Problem | None, bool]:
    """One quick pass over the raw bytes: can the file be read, and does it hold control characters?"""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or a device would hang or never end
            return Problem(name, 0, "", "is not a regular file", "name a CSV file"), False
        with open(path, "rb") as stream:
            tail = b""
            while chunk := stream.read(_CHUNK):
                if chunk.translate(None, _NOT_CONTROL):  # what is left once every other byte is deleted
                    return None, True
                seen = tail + chunk  # a character split between two chunks is found too
                if any(code in seen for code in _NON_CHARACTERS):
                    return None, True
                tail = chunk[-2:]
    except OSError as exc:
        return Problem(name, 0, "", f"cannot read the file: {exc.strerror}"), False
    return None, False


def _decode_problem(raw: bytes, name: str) -> Problem:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return Problem(
            name,
            line,
            "",
            f"the file is not UTF-8: byte 0x{raw[exc.start]:02x} at line {line}, "
            f"character {column} cannot be decoded",
            "save the file as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8 (Comma delimited))",
        )
    raise AssertionError("the file decoded on the second attempt")  # pragma: no cover


def _check_control(name: str, number: int, columns: list[str], cells: list[str], problems: list[Problem]):
    for column, cell in zip(columns, cells, strict=True):
        match = _CONTROL.search(cell)
        if match:
            problems.append(
                Problem(
                    name,
                    number,
                    column,
                    f"contains the {_kind(match.group())} U+{ord(match.group()):04X}"
                    + (" (NUL)" if match.group() == "\x00" else ""),
                    "delete the invisible character; only tab and line breaks are allowed in a cell",
                )
            )


def _kind(char: str) -> str:
    return "non-character" if char in _NON_CHARACTER_TEXT else "control character"


_NON_CHARACTER_TEXT = "\ufffe\uffff"


def _column_of_open_quote(line: str) -> int | None:
    """The 0-based index of the cell in which the last quote left open on ``line`` starts."""
    index, in_quotes, open_at = 0, False, None
    for char in line:
        if char == '"':
            in_quotes = not in_quotes
            if in_quotes:
                open_at = index
        elif char == "," and not in_quotes:
            index += 1
    return open_at


def _column_name(header: list[str], index: int) -> str:
    name = header[index].strip().lstrip(_BOM).lower() if index < len(header) else ""
    return name or f"#{index + 1}"


MAX_HEADER_PROBLEMS = 20  # unknown columns named one by one; past this many, one line counts the rest


def _check_header(header: list[str], name: str, problems: list[Problem]) -> list[str] | None:
    """The header's column names, or ``None`` when it has problems; each repeated or unknown name is
    reported once (a header of a million columns is read in linear time, with a bounded report)."""
    columns = [cell.strip().lstrip(_BOM).lower() for cell in header]
    ok = True
    seen: dict[str, int] = {}
    for column in columns:
        seen[column] = seen.get(column, 0) + 1
    for column, count in seen.items():
        if count > 1:
            times = "twice" if count == 2 else f"{count} times"
            problems.append(
                Problem(name, 1, column or "#", f"column '{column}' appears {times}", "delete the copies")
            )
            ok = False
    unknown = [
        (position, column)
        for position, column in enumerate(columns, start=1)
        if column not in COLUMNS and column not in REVIEW_COLUMNS
    ]
    reported: set[str] = set()
    for position, column in unknown:
        if column in reported:
            continue
        if len(reported) == MAX_HEADER_PROBLEMS:
            rest = len({c for _, c in unknown} - reported)
            problems.append(
                Problem(
                    name, 1, "", f"and {rest} more unknown columns", "the columns are " + ", ".join(COLUMNS)
                )
            )
            break
        reported.add(column)
        close = difflib.get_close_matches(column, COLUMNS, n=1, cutoff=0.6)
        hint = f"rename it to '{close[0]}'" if close else "delete it; the columns are " + ", ".join(COLUMNS)
        problems.append(Problem(name, 1, column or f"#{position}", f"unknown column '{column}'", hint))
    if unknown:
        ok = False
    for column in REQUIRED_COLUMNS:
        if column not in seen:
            problems.append(
                Problem(
                    name,
                    1,
                    column,
                    f"the required column '{column}' is missing",
                    f"add a '{column}' column to the header",
                )
            )
            ok = False
    return columns if ok else None


def _width_problem(name: str, number: int, cells: list[str], columns: list[str]) -> Problem:
    if len(cells) > len(columns):
        extra = [c for c in cells[len(columns) :] if c.strip()]
        return Problem(
            name,
            number,
            f"#{len(columns) + 1}",
            f"the row has {len(cells)} cells but the header has {len(columns)} columns"
            + (f"; the extra cells hold {extra[0]!r}" if extra else ""),
            "remove the extra cells, or quote a cell that contains a comma",
        )
    return Problem(
        name,
        number,
        columns[len(cells)],
        f"the row has {len(cells)} cells but the header has {len(columns)} columns; "
        f"'{columns[len(cells)]}' and after are missing",
        "add the missing cells (leave them empty where there is no value)",
    )
