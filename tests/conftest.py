"""Shared fixtures: small CSVs written into a temporary folder, with a small source document beside them."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id,subject,predicate,object,datatype,lang,unit,approx,source,section,evidence"
SOURCE_TEXT = "宁波高新区在全国178家高新区中排名第10。\n甬江实验室\n位于宁波。\nYongjiang Lab is in Ningbo.\n"
EV = "source.txt,event-5,宁波高新区在全国178家高新区中排名第10。"
EV2 = "source.txt,event-9,甬江实验室位于宁波。"

# A valid little graph: two entities, each with a type and zh and en labels, and a link.
GOOD_ROWS = [
    f",zone,a,kg:HighTechZone,,,,,{EV}",
    f",zone,rdfs:label,宁波高新区,,zh,,,{EV}",
    f",zone,rdfs:label,Ningbo High-tech Zone,,en,,,{EV}",
    f",lab,a,kg:Laboratory,,,,,{EV2}",
    f",lab,rdfs:label,甬江实验室,,zh,,,{EV2}",
    f",lab,rdfs:label,Yongjiang Laboratory,,en,,,{EV2}",
    f",lab,schema:location,zone,,,,,{EV2}",
]


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write ``rows`` (strings, without the header unless ``header`` is given) to a CSV; return its path."""
    (tmp_path / "source.txt").write_text(SOURCE_TEXT, encoding="utf-8")

    def write(
        rows: list[str], header: str | None = HEADER, name: str = "facts.csv", raw: bytes | None = None
    ) -> Path:
        path = tmp_path / name
        if raw is not None:
            path.write_bytes(raw)
        else:
            lines = ([header] if header is not None else []) + rows
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write
