"""A single-valued property with two values is reported with both sentences; both facts stay."""

from __future__ import annotations

from graph.pipeline import check
from tests.conftest import EV, EV2, GOOD_ROWS, ROOT


def functional_vocabulary(tmp_path):
    path = tmp_path / "vocabulary.ttl"
    text = (ROOT / "data" / "vocabulary.ttl").read_text(encoding="utf-8")
    path.write_text(text + "\ndcterms:date a owl:FunctionalProperty .\n", encoding="utf-8")
    return path


def test_two_dates_from_two_sentences_are_both_named(write_csv, tmp_path):
    rows = [*GOOD_ROWS, f",lab,dcterms:date,2018-01-01,,,,,{EV2}", f",lab,dcterms:date,2019-06-30,,,,,{EV}"]
    graph, problems = check([write_csv(rows)], vocabulary=functional_vocabulary(tmp_path), shapes=None)
    assert graph is not None
    (warning,) = [p for p in problems if "conflicting" in p.message]
    assert warning.row == 10 and not warning.is_error
    assert "'2018-01-01'" in warning.message and "'2019-06-30'" in warning.message
    assert "甬江实验室位于宁波。" in warning.message and "排名第10" in warning.message
    dates = list(graph.to_store().query("SELECT ?d WHERE { ?s <http://purl.org/dc/terms/date> ?d }"))
    assert len(dates) == 2  # never silently overwritten


def test_one_value_or_a_property_not_single_valued_is_no_conflict(write_csv, tmp_path):
    rows = [*GOOD_ROWS, f",lab,dcterms:date,2018-01-01,,,,,{EV2}"]
    _, problems = check([write_csv(rows)], vocabulary=functional_vocabulary(tmp_path), shapes=None)
    assert not [p for p in problems if "conflicting" in p.message]
    rows.append(f",lab,dcterms:date,2019-06-30,,,,,{EV}")
    _, problems = check([write_csv(rows)], shapes=None)  # the article's vocabulary: dates are not functional
    assert not [p for p in problems if "conflicting" in p.message]
