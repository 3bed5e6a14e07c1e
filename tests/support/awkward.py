"""Triples whose IRIs and literals a store might rewrite on the way: outside ASCII (the astral plane
too), percent escapes, sub-delimiters, and literals with every N-Triples escape."""

from __future__ import annotations

import pyoxigraph as ox

AWKWARD = [
    ox.Triple(
        ox.NamedNode("https://example.org/宁波/港口"),
        ox.NamedNode("urn:x:名称"),
        ox.Literal("宁波舟山港", language="zh"),
    ),
    ox.Triple(
        ox.NamedNode("urn:x:a%20b"),
        ox.NamedNode("urn:x:p"),
        ox.NamedNode("https://example.org/x(1)'y,z;w=!$*+@"),
    ),
    ox.Triple(
        ox.NamedNode("urn:x:é"), ox.NamedNode("urn:x:p"), ox.Literal('line\nbreak "quoted" back\\slash\ttab')
    ),
    ox.Triple(
        ox.NamedNode("urn:x:emoji"), ox.NamedNode("urn:x:p"), ox.Literal("港 🚢 𠮷", language="zh-Hant")
    ),
    ox.Triple(
        ox.NamedNode("urn:x:emoji"), ox.NamedNode("urn:x:q"), ox.NamedNode("https://example.org/🚢/𠮷")
    ),
    ox.Triple(
        ox.NamedNode("urn:x:typed"),
        ox.NamedNode("urn:x:p"),
        ox.Literal("ü", datatype=ox.NamedNode("urn:x:dt")),
    ),
]
