"""Optional: rows proposed by a language model behind an OpenAI-compatible endpoint (``kg draft --llm URL``).

Nothing is sent anywhere unless the option is given. Each section goes out on its own with the
CSV header and a request for rows in our format; every row that comes back is checked by the
same row rules as a CSV (:class:`graph.ingest.row_rules.RowRules`), and a row whose evidence is
not verbatim in the article is dropped and counted: the model proposes, the text decides.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import httpx

from graph.defaults import DEFAULT_BASE
from graph.draft.sections import Article
from graph.errors import InputError
from graph.ingest.csv_reader import COLUMNS
from graph.ingest.row_rules import RowRules
from graph.model.namespaces import EntityNamespace
from graph.model.vocabulary import Vocabulary

_PROMPT = (
    "You draft rows of a knowledge graph from a Chinese news article. Answer with CSV rows only, no header,"
    " columns: {columns}. Use only these properties: {properties}. Copy the evidence sentence verbatim from the"
    " text. source is {source}, section is {section}.\n\nText:\n{text}"
)


@dataclass
class LlmRows:
    """The rows a model proposed that passed every check, and how many were dropped and why."""

    rows: list[dict[str, str]]
    not_verbatim: int = 0
    invalid: int = 0


def llm_rows(
    article: Article,
    source: str,
    out: Path,
    vocabulary: Vocabulary,
    url: str,
    model: str = "default",
    timeout: float = 120.0,
) -> LlmRows:
    """Ask the endpoint at ``url`` (``.../v1/chat/completions``) for rows of each section, and keep the valid ones."""
    properties = ", ".join(sorted(vocabulary.shorten(str(p)) for p in vocabulary.properties))
    rules = RowRules(vocabulary, EntityNamespace(DEFAULT_BASE))
    text = re.sub(r"\s+", "", article.text)
    result = LlmRows([])
    with httpx.Client(timeout=timeout) as client:
        for section in article.sections:
            prompt = _PROMPT.format(
                columns=",".join(COLUMNS),
                properties=properties,
                source=source,
                section=section.key,
                text="\n".join(section.sentences()),
            )
            try:
                response = client.post(
                    url, json={"model": model, "messages": [{"role": "user", "content": prompt}]}
                )
                response.raise_for_status()
                answer = response.json()["choices"][0]["message"]["content"]
            except (httpx.HTTPError, KeyError, IndexError, ValueError) as exc:
                raise InputError(
                    f"{url}: the model endpoint did not answer ({exc}). Fix: check --llm URL"
                ) from None
            for number, cells in enumerate(csv.reader(io.StringIO(answer)), start=1):
                if len(cells) != len(COLUMNS):
                    result.invalid += 1
                    continue
                row = dict(zip(COLUMNS, (c.strip() for c in cells), strict=True))
                if re.sub(r"\s+", "", row["evidence"]) not in text:
                    result.not_verbatim += 1
                    continue
                fact, problems = rules.read(f"llm:{section.key}", number, [row[c] for c in COLUMNS], out)
                if fact is None or any(p.is_error for p in problems):
                    result.invalid += 1
                    continue
                result.rows.append({**row, "confidence": "low", "note": "proposed by the language model"})
    return result
