"""The streaming CSV reader: what a spreadsheet writes is read cell for cell, rows counted as it counts them."""

from __future__ import annotations

from graph.ingest.csv_reader import COLUMNS, open_records
from tests.conftest import GOOD_ROWS, HEADER


def cells(path):
    records = open_records(path)
    return [(number, row) for number, row in records.records()], records.problems


def test_crlf_line_ends_bom_and_a_quoted_cell_over_two_lines(write_csv):
    text = (
        "\ufeff"
        + HEADER
        + "\r\n"
        + GOOD_ROWS[0]
        + "\r\n"
        + ',zone,skos:altLabel,"two\r\nlines",,en,,,s,e,v\r\n'
    )
    rows, problems = cells(write_csv([], raw=text.encode("utf-8")))
    assert problems == []
    assert [number for number, _ in rows] == [2, 3]
    assert rows[1][1][COLUMNS.index("object")] == "two\r\nlines"


def test_line_separator_characters_stay_inside_their_cell(write_csv):
    row = ",zone,skos:altLabel,a\u2028b\u0085c,,en,,,s,e,v"
    rows, problems = cells(write_csv([row]))
    assert problems == []
    assert rows == [(2, ["", "zone", "skos:altLabel", "a\u2028b\u0085c", "", "en", "", "", "s", "e", "v"])]


def test_columns_in_another_order_and_optional_ones_left_out(write_csv):
    header = "evidence,section,source,object,predicate,subject"
    rows, problems = cells(write_csv(["  v , e ,s,o,p,x"], header=header))
    assert problems == []
    expected = dict.fromkeys(COLUMNS, "") | {
        "evidence": "v",
        "section": "e",
        "source": "s",
        "object": "o",
        "predicate": "p",
        "subject": "x",
    }
    assert rows == [(2, [expected[c] for c in COLUMNS])]


def test_blank_lines_are_skipped_but_counted(write_csv):
    rows, problems = cells(write_csv(["", GOOD_ROWS[0], ",,,,,,,,,,", GOOD_ROWS[1]]))
    assert problems == []
    assert [number for number, _ in rows] == [3, 5]


def test_a_bad_row_does_not_stop_the_rows_after_it(write_csv):
    rows = [
        GOOD_ROWS[0],
        ',zone,skos:altLabel,"bad"quote",,zh,,,s,e,v',
        GOOD_ROWS[1],
        GOOD_ROWS[2] + ",extra",
    ]
    found, problems = cells(write_csv(rows))
    assert [number for number, _ in found] == [2, 4]
    assert sorted((p.row, p.column) for p in problems) == [(3, "object"), (5, "#12")]


def test_a_byte_that_is_not_utf8_late_in_a_long_file_is_the_only_problem(write_csv):
    from graph.ingest import load_facts

    rows = [*GOOD_ROWS, *(r.replace(",zone,", f",zone{i},") for i in range(600) for r in GOOD_ROWS[:3])]
    text = "\n".join([HEADER, *rows]) + "\n"
    raw = text.encode("utf-8") + b",zone,skos:altLabel,\xff\xfe,,zh,,,s,e,v\n"
    path = write_csv([], raw=raw)
    found = load_facts([path])
    assert found.facts == []
    assert [(p.row, p.column) for p in found.problems] == [(len(rows) + 2, "")]
    assert "not UTF-8" in found.problems[0].message
    records = open_records(path)
    for _ in records.records():  # rows before the byte come out first: load_facts drops them
        pass
    assert records.not_utf8 and records.columns is None and records.problems == found.problems
