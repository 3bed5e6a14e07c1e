"""Reading a triples CSV into rows that remember where they came from, with every structural problem found.

Python's csv module is lenient: an unterminated quote swallows the rest of the file and
extra cells are kept silently. This module reads strictly and reports each such case with
its row and column, counting rows as a spreadsheet does (the header is row 1).
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem

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

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BOM = "\ufeff"


@dataclass(slots=True)
class Row:
    """One CSV record: its 1-based row number and its cells by column name (missing optional columns are '')."""

    file: str
    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class CsvFile:
    """The rows of one CSV file and the problems met while reading it."""

    path: Path
    rows: list[Row]
    problems: list[Problem]


def read_rows(path: Path | str, display_name: str | None = None) -> CsvFile:
    """Read ``path`` strictly; never raises for bad content, returns the problems instead."""
    path = Path(path)
    name = display_name or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return CsvFile(path, [], [Problem(name, 0, "", f"cannot read the file: {exc.strerror}")])
    text, problem = _decode(raw, name)
    if problem:
        return CsvFile(path, [], [problem])
    return _parse(text, path, name)


def _decode(raw: bytes, name: str) -> tuple[str, Problem | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return "", Problem(
            name,
            line,
            "",
            f"the file is not UTF-8: byte 0x{raw[exc.start]:02x} at line {line}, "
            f"character {column} cannot be decoded",
            "save the file as 'CSV UTF-8' (in Excel: Save As > CSV UTF-8 (Comma delimited))",
        )
    return text.removeprefix(_BOM), None


def _parse(text: str, path: Path, name: str) -> CsvFile:
    problems: list[Problem] = []
    rows: list[Row] = []
    lines = text.splitlines()
    records = _records(text, name, lines, problems)
    header = next(records, None)
    if header is None:
        problems.append(
            Problem(name, 1, "", "the file is empty", "start with the header row: " + ",".join(COLUMNS))
        )
        return CsvFile(path, rows, problems)
    columns = _check_header(header[1], name, problems)
    if columns is None:
        return CsvFile(path, rows, problems)
    for number, cells in records:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are allowed between groups of facts
        if len(cells) != len(columns):
            problems.append(_width_problem(name, number, cells, columns))
            continue
        row_cells: dict[str, str] = {}
        for column, cell in zip(columns, cells, strict=True):
            match = _CONTROL.search(cell)
            if match:
                problems.append(
                    Problem(
                        name,
                        number,
                        column,
                        f"contains the control character U+{ord(match.group()):04X}"
                        + (" (NUL)" if match.group() == "\x00" else ""),
                        "delete the invisible character; only tab and line breaks are allowed in a cell",
                    )
                )
            row_cells[column] = cell.strip()
        rows.append(Row(name, number, row_cells))
    return CsvFile(path, rows, problems)


def _records(
    text: str, name: str, lines: list[str], problems: list[Problem]
) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells); a malformed record becomes a Problem and reading goes on where it can."""
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    number = 0
    while True:
        start_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            problems.append(_quote_problem(name, number, start_line, reader.line_num, lines, str(exc)))
            if "unexpected end of data" in str(exc):
                return
            continue
        number += 1
        yield number, cells


def _quote_problem(
    name: str, number: int, start_line: int, end_line: int, lines: list[str], reason: str
) -> Problem:
    index = _column_of_open_quote(lines[start_line - 1] if start_line <= len(lines) else "")
    header = next(csv.reader(lines[:1])) if lines else []
    column = "" if index is None else _column_name(header, index)
    if "unexpected end of data" in reason:
        return Problem(
            name,
            number,
            column,
            f"a quote opened on line {start_line} is never closed, so the rest of the file "
            f"(lines {start_line}-{len(lines)}) would be read as one cell",
            'close the quote; write a quote inside a quoted cell as two quotes ("")',
        )
    return Problem(
        name,
        number,
        column,
        f"badly quoted cell on line {end_line} ({reason})",
        'a cell that contains a quote must be quoted as a whole, with inner quotes doubled: "say ""hi"""',
    )


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


def _check_header(header: list[str], name: str, problems: list[Problem]) -> list[str] | None:
    columns = [cell.strip().lstrip(_BOM).lower() for cell in header]
    ok = True
    seen: set[str] = set()
    for position, column in enumerate(columns, start=1):
        if column in seen:
            problems.append(
                Problem(name, 1, column, f"column '{column}' appears twice", "delete one of them")
            )
            ok = False
        seen.add(column)
        if column not in COLUMNS:
            close = difflib.get_close_matches(column, COLUMNS, n=1, cutoff=0.6)
            hint = (
                f"rename it to '{close[0]}'" if close else "delete it; the columns are " + ", ".join(COLUMNS)
            )
            label = column or f"#{position}"
            problems.append(Problem(name, 1, label, f"unknown column '{column}'", hint))
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
