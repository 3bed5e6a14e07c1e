"""Each validation rule from a small bad fixture: the problem is found, at the right row and column."""

from __future__ import annotations

import pytest

from graph import Severity, check
from tests.conftest import EV, GOOD_ROWS, HEADER


def problems_of(path, **options):
    graph, problems = check([path], **options)
    return graph, problems


def only_errors(path):
    graph, problems = problems_of(path)
    assert graph is None, "expected the build to fail"
    return [p for p in problems if p.severity is Severity.ERROR]


def find(problems, row, column, text):
    matches = [p for p in problems if p.row == row and p.column == column and text in p.message]
    assert matches, f"no problem at row {row}, column {column} mentioning {text!r}; got:\n" + "\n".join(
        map(str, problems)
    )
    return matches[0]


def test_good_fixture_is_valid(write_csv):
    graph, problems = problems_of(write_csv(GOOD_ROWS))
    assert graph is not None, "\n".join(map(str, problems))
    assert problems == []


def test_missing_column(write_csv):
    path = write_csv(GOOD_ROWS, header=HEADER.replace(",evidence", ""))
    find(only_errors(path), 1, "evidence", "required column 'evidence' is missing")


def test_unknown_column(write_csv):
    path = write_csv([row + ",x" for row in GOOD_ROWS], header=HEADER + ",notes")
    find(only_errors(path), 1, "notes", "unknown column 'notes'")


def test_misspelled_column_gets_a_suggestion(write_csv):
    path = write_csv(GOOD_ROWS, header=HEADER.replace("subject", "subjet"))
    problem = find(only_errors(path), 1, "subjet", "unknown column")
    assert "rename it to 'subject'" in problem.hint


def test_extra_cells(write_csv):
    path = write_csv([*GOOD_ROWS, GOOD_ROWS[0] + ",surplus"])
    problem = find(only_errors(path), 9, "#12", "has 12 cells but the header has 11")
    assert "surplus" in problem.message


def test_too_few_cells(write_csv):
    path = write_csv([*GOOD_ROWS, ",zone,a"])
    find(only_errors(path), 9, "object", "has 3 cells")


def test_unterminated_quote_is_not_swallowed(write_csv):
    rows = [*GOOD_ROWS[:2], ',zone,rdfs:label,"unclosed,,zh,,,' + EV, *GOOD_ROWS[2:]]
    problem = find(only_errors(write_csv(rows)), 4, "object", "never closed")
    assert "line 4" in problem.message


def test_stray_quote_inside_quoted_cell(write_csv):
    rows = [*GOOD_ROWS, ',zone,skos:altLabel,"bad"quote",,zh,,,' + EV]
    find(only_errors(write_csv(rows)), 9, "object", "badly quoted")


def test_not_utf8(write_csv):
    text = "\n".join([HEADER, *GOOD_ROWS]) + "\n"
    raw = text.encode("utf-8").replace("甬江实验室".encode(), "甬江实验室".encode("gb18030"), 1)
    problem = find(only_errors(write_csv([], raw=raw)), 5, "", "not UTF-8")
    assert "CSV UTF-8" in problem.hint


def test_utf8_bom_is_accepted(write_csv):
    text = "\ufeff" + "\n".join([HEADER, *GOOD_ROWS]) + "\n"
    graph, problems = problems_of(write_csv([], raw=text.encode("utf-8")))
    assert graph is not None and problems == []


@pytest.mark.parametrize(("char", "name"), [("\x00", "NUL"), ("\x07", "U+0007"), ("\x1b", "U+001B")])
def test_control_characters(write_csv, char, name):
    rows = [*GOOD_ROWS, f",zone,skos:altLabel,bad{char}label,,zh,,,{EV}"]
    find(only_errors(write_csv(rows)), 9, "object", name)


@pytest.mark.parametrize(
    ("cell", "column", "text"),
    [
        ("<http://exa mple.org/x>", "object", "not a valid absolute IRI"),
        ("<relative/path>", "object", "not a valid absolute IRI"),
        ("<http://example.org/x", "object", "does not close it"),
        ("nope:thing", "object", "unknown prefix 'nope:'"),
        ("kg:bad!name", "object", "not a valid prefixed name"),
        ("宁波", "object", "not a valid entity key"),
    ],
)
def test_bad_references(write_csv, cell, column, text):
    rows = [*GOOD_ROWS, f",lab,schema:location,{cell},,,,,{EV}"]
    find(only_errors(write_csv(rows)), 9, column, text)


def test_bad_subject(write_csv):
    rows = [*GOOD_ROWS, f",foo:lab,rdfs:label,x,,en,,,{EV}"]
    find(only_errors(write_csv(rows)), 9, "subject", "unknown prefix 'foo:'")


@pytest.mark.parametrize("tag", ["zh_CN", "en-", "123", "x-"])
def test_invalid_language_tag(write_csv, tag):
    rows = [*GOOD_ROWS, f",zone,skos:altLabel,gxq,,{tag},,,{EV}"]
    find(only_errors(write_csv(rows)), 9, "lang", "not a valid BCP 47 language tag")


@pytest.mark.parametrize(
    ("predicate", "value", "datatype", "text"),
    [
        ("dcterms:date", "2024-13-40", "", "no month 13"),
        ("dcterms:date", "2024-02-30", "", "has no day 30"),
        ("dcterms:date", "23/12/2024", "", "not a valid date"),
        ("kg:researcherCount", "abc", "", "is not an integer"),
        ("kg:researcherCount", "8,800", "", "is not an integer"),
        ("kg:rank", "0", "", "must be at least 1"),
        ("kg:rdIntensity", "8.62%", "", "not a decimal"),
        ("kg:year", "24", "", "not a valid gYear"),
        ("kg:year", "2024", "date", "takes xsd:gYear, not date"),
        ("kg:researcherCount", "3", "weird", "unknown datatype"),
    ],
)
def test_ill_typed_literals(write_csv, predicate, value, datatype, text):
    rows = [*GOOD_ROWS, f',zone,{predicate},"{value}",{datatype},,,,{EV}']
    column = "datatype" if text.startswith(("takes", "unknown")) else "object"
    if "takes" in text:
        column = "datatype"
    find(only_errors(write_csv(rows)), 9, column, text)


def test_boolean_and_gyearmonth_literals(write_csv):
    rows = [
        *GOOD_ROWS,
        f",zone,skos:altLabel,2024-13,gYearMonth,,,,{EV}",
        f",zone,skos:altLabel,yes,boolean,,,,{EV}",
    ]
    errors = only_errors(write_csv(rows))
    find(errors, 9, "object", "no month 13")
    find(errors, 10, "object", "not a boolean")


def test_literal_for_a_link_property_and_link_for_a_literal_property(write_csv):
    rows = [*GOOD_ROWS, f",lab,schema:location,Ningbo,,en,,,{EV}", f",zone,kg:rank,lab,iri,,,,{EV}"]
    errors = only_errors(write_csv(rows))
    find(errors, 9, "lang", "links to an entity")
    find(errors, 10, "datatype", "takes a literal value")


def test_predicate_not_in_vocabulary_suggests_the_closest(write_csv):
    rows = [*GOOD_ROWS, f",zone,kg:hots,lab,,,,,{EV}"]
    problem = find(
        only_errors(write_csv(rows)), 9, "predicate", "'kg:hots' is not a property of the vocabulary"
    )
    assert "kg:hosts" in problem.hint


def test_class_not_in_vocabulary(write_csv):
    rows = [*GOOD_ROWS, f",zone,a,kg:Laboratoy,,,,,{EV}"]
    problem = find(only_errors(write_csv(rows)), 9, "object", "is not a class of the vocabulary")
    assert "kg:Laboratory" in problem.hint


def test_duplicate_fact_is_a_warning_naming_both_rows(write_csv):
    graph, problems = problems_of(write_csv([*GOOD_ROWS, GOOD_ROWS[1]]))
    assert graph is not None
    warning = find(problems, 9, "object", "duplicate fact")
    assert warning.severity is Severity.WARNING
    assert "row 3" in warning.message


def test_entity_without_type_or_label(write_csv):
    rows = [*GOOD_ROWS, f",lab,kg:involves,ghost,,,,,{EV}"]
    find(only_errors(write_csv(rows)), 9, "object", "'ghost' has no type and no label")


def test_entity_without_label(write_csv):
    rows = [*GOOD_ROWS, f",ghost,a,kg:Laboratory,,,,,{EV}"]
    find(only_errors(write_csv(rows)), 9, "subject", "'ghost' has no label")


def test_evidence_must_occur_in_its_source(write_csv):
    rows = [*GOOD_ROWS, ",zone,skos:altLabel,高新区,,zh,,,source.txt,event-5,这句话不在文章里。"]
    find(only_errors(write_csv(rows)), 9, "evidence", "does not occur in source.txt")


def test_evidence_is_compared_without_whitespace(write_csv):
    # the source breaks "甬江实验室\n位于宁波。" across lines
    rows = [*GOOD_ROWS, ",lab,skos:altLabel,甬江,,zh,,,source.txt,event-9,甬江实验室 位于宁波。"]
    graph, problems = problems_of(write_csv(rows))
    assert graph is not None, "\n".join(map(str, problems))


def test_missing_evidence_and_missing_source_file(write_csv):
    rows = [
        *GOOD_ROWS,
        ",zone,skos:altLabel,x,,zh,,,,event-5,",
        ",zone,skos:altLabel,y,,zh,,,missing.txt,event-5,句子",
    ]
    errors = only_errors(write_csv(rows))
    find(errors, 9, "source", "source is empty")
    find(errors, 9, "evidence", "evidence is empty")
    find(errors, 10, "source", "does not exist")


def test_qualifier_rules(write_csv):
    rows = [
        *GOOD_ROWS,
        f"r1,zone,kg:rank,10,,,,,{EV}",
        ",#r1,kg:outOf,178,,,,,,,",
        ",#nope,kg:outOf,178,,,,,,,",
        "r1,zone,kg:rank,11,,,,,{EV}".replace("{EV}", EV),
        ",#r1,kg:outOf,179,,,percent,,,,",
    ]
    errors = only_errors(write_csv(rows))
    find(errors, 11, "subject", "no row has the id 'nope'")
    find(errors, 12, "id", "already used by row 9")
    find(errors, 13, "unit", "qualifier row cannot carry its own unit")


def test_unknown_unit_and_approximation(write_csv):
    rows = [*GOOD_ROWS, f",zone,kg:researcherCount,300,,,people,roughly,{EV}"]
    errors = only_errors(write_csv(rows))
    find(errors, 9, "unit", "unknown unit 'people'")
    find(errors, 9, "approx", "unknown approx 'roughly'")


def test_every_problem_in_one_run(write_csv):
    rows = [
        *GOOD_ROWS,
        f",zone,dcterms:date,2024-13-40,,,,,{EV}",
        f",zone,kg:nope,1,,,,,{EV}",
        f",zone,skos:altLabel,x,,en_US!,,,{EV}",
        f",zone,kg:researcherCount,abc,,,,,{EV}",
    ]
    errors = only_errors(write_csv(rows))
    assert [(p.row, p.column) for p in errors] == [
        (9, "object"),
        (10, "predicate"),
        (11, "lang"),
        (12, "object"),
    ]


def test_shacl_violation_is_reported_at_its_row(write_csv):
    # an English label missing: the row checks pass, the SHACL shape does not
    rows = [r for r in GOOD_ROWS if "Yongjiang Laboratory" not in r]
    errors = only_errors(write_csv(rows))
    problem = find(errors, 5, "subject", "English label")
    assert problem.message.startswith("SHACL")
