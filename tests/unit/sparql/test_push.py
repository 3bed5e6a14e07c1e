"""The streaming parts of ``kg push``: sized requests cut at line ends, and the tally kept on the way."""

from __future__ import annotations

import pyoxigraph as ox

from graph.sparql.push import Tally, ntriples, requests_of
from tests.support.awkward import AWKWARD


def lines(count: int, start: int = 0) -> list[bytes]:
    return [b"<urn:x:s%d> <urn:x:p> <urn:x:o> .\n" % i for i in range(start, start + count)]


def test_requests_hold_the_lines_in_order_cut_at_line_ends():
    every = lines(2_500)
    pieces = [b"".join(every[i : i + 333]) for i in range(0, len(every), 333)]  # pieces of any size
    bodies = list(requests_of(iter(pieces), 1_000))
    assert [body.count(b"\n") for body in bodies] == [1_000, 1_000, 500]
    assert b"".join(bodies) == b"".join(every)


def test_the_tally_counts_distinct_lines_and_samples_the_whole_stream():
    tally = Tally(size=20)
    every = lines(100_000)
    pieces = [b"".join(every[i : i + 7_000]) for i in range(0, len(every), 7_000)]
    repeated = b"".join(every[:10])
    sent = list(tally.lines_of([*pieces, repeated]))
    assert b"".join(sent) == b"".join(every) + repeated  # sent as they came
    assert (tally.count, tally.distinct) == (100_010, 100_000)
    subjects = sorted(int(t.subject.value.removeprefix("urn:x:s")) for t in tally.sample())
    assert len(subjects) == 20
    assert subjects[0] < 10_000 and subjects[-1] > 80_000  # spread from start to end, not the first 20


def test_unusual_triples_are_always_in_a_small_sample():
    tally = Tally(size=12)  # up to half of it unusual: all six
    plain = ntriples(
        ox.Triple(ox.NamedNode(f"urn:x:s{i}"), ox.NamedNode("urn:x:p"), ox.Literal(str(i)))
        for i in range(50_000)
    )
    for piece in [*plain, *ntriples(AWKWARD)]:
        tally.take(piece)
    chosen = tally.sample()
    assert set(AWKWARD) <= set(chosen) and len(chosen) == 12


def test_a_distinct_source_is_not_hashed():
    tally = Tally(distinct=True)
    list(tally.lines_of([b"".join(lines(5)), b"".join(lines(5))]))
    assert tally.distinct == 10  # the caller promised no repeats
