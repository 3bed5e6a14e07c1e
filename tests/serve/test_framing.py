"""The endpoint's own reading of request heads (graph/serve/app.py ``_Framing``): where each head starts,
so that 414 and 431 are decided from the bytes, whatever HTTP parser runs behind."""

from __future__ import annotations

import pytest

from graph.serve.app import MAX_HEAD, MAX_REQUEST_LINE, _Framing

LONG = b"x" * (MAX_REQUEST_LINE + 10)


def feed_in_pieces(data: bytes, size: int) -> tuple[_Framing, int | None]:
    framing = _Framing()
    for start in range(0, len(data), size):
        status = framing.feed(data[start : start + size])
        if status is not None:
            return framing, status
    return framing, None


def requests_with_bodies() -> bytes:
    """Three requests on one connection whose bodies would look like heads if read as heads."""
    form = b"query=" + LONG + b"\r\n\r\n"
    chunk = LONG + b"\r\n\r\n"
    return (
        b"POST /sparql HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {len(form)}\r\n\r\n".encode()
        + form
        + b"POST /sparql HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        + f"{len(chunk):x};ext=1\r\n".encode()
        + chunk
        + b"\r\n0\r\nX-Trailer: 1\r\n\r\n"
        + b"\r\nGET /sparql?query=ASK HTTP/1.1\r\nHost: h\r\n\r\n"
    )


@pytest.mark.parametrize("size", [1, 7, 4096, 1 << 20])
def test_bodies_are_not_read_as_heads_in_any_pieces(size):
    framing, status = feed_in_pieces(requests_with_bodies(), size)
    assert status is None
    assert framing.in_head and not framing.head_started


@pytest.mark.parametrize("size", [1, 1000, 1 << 20])
def test_a_request_line_too_long_is_414_before_it_ends(size):
    data = b"GET /sparql?query=" + LONG  # no line end yet
    assert feed_in_pieces(data, size)[1] == 414


def test_a_request_line_too_long_after_a_request_with_a_body_is_414():
    first = b"POST /sparql HTTP/1.1\r\nContent-Length: 5\r\n\r\nquery"
    assert feed_in_pieces(first + b"GET /sparql?q=" + LONG + b" HTTP/1.1\r\n\r\n", 999)[1] == 414


def test_headers_too_long_are_431_and_a_head_within_the_limits_is_not():
    header = b"X-Filler: " + b"y" * 1000 + b"\r\n"
    too_many = b"GET / HTTP/1.1\r\n" + header * (MAX_HEAD // len(header) + 2)
    assert feed_in_pieces(too_many, 5000)[1] == 431
    fits = b"GET /" + b"a" * (MAX_REQUEST_LINE - 20) + b" HTTP/1.1\r\n" + header * 40 + b"\r\n"
    framing, status = feed_in_pieces(fits, 3000)
    assert status is None and framing.in_head and not framing.head_started


def test_a_head_in_progress_is_seen_as_started():
    framing = _Framing()
    assert framing.feed(b"GET /sparql?query=ASK") is None
    assert framing.head_started
    assert framing.feed(b" HTTP/1.1\r\nHost: h\r\n\r\n") is None
    assert not framing.head_started
