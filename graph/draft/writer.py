"""Draft rows out: every row in the CSV format, with its sentence as evidence, written whole or not at all.

The rows come in a fixed order (the article, then section by section: the event, its entities,
figures and links), so the same article always gives the same bytes. The file is written to a
temporary file beside the target and renamed over it, so a reader never sees half a draft.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from graph.ingest.csv_reader import COLUMNS, REVIEW_COLUMNS

#: the columns of a draft: the CSV format's, then the review columns the build ignores
DRAFT_COLUMNS = COLUMNS + REVIEW_COLUMNS


def render_rows(rows: list[dict[str, str]]) -> str:
    """The draft as CSV text: the header, then one line per row (``\\n`` line ends on every platform).

    >>> print(render_rows([{"subject": "x", "predicate": "a", "object": "kg:Fund", "note": "a, b"}]), end="")
    id,subject,predicate,object,datatype,lang,unit,approx,source,section,evidence,confidence,note
    ,x,a,kg:Fund,,,,,,,,,"a, b"
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DRAFT_COLUMNS)
    for row in rows:
        writer.writerow([row.get(column, "") for column in DRAFT_COLUMNS])
    return buffer.getvalue()


def write_rows(rows: list[dict[str, str]], path: Path | str) -> Path:
    """Write the draft to ``path`` atomically: a temporary file in the same folder, renamed over ``path``."""
    path = Path(path)
    text = render_rows(rows)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
