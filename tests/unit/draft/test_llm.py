"""--llm: a model's rows are kept only when their evidence is verbatim and they pass the row rules.

The endpoint is a local stand-in that answers every section with the same three rows.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from graph.draft.llm import llm_rows
from graph.draft.sections import read_article
from graph.errors import InputError
from graph.model.vocabulary import load_vocabulary

ARTICLE = Path("data/sources/000_ae5b4b592fd66ac1.txt")
SOURCE = "sources/000_ae5b4b592fd66ac1.txt"
ANSWER = "\n".join(
    [
        f",ningbo,kg:highTechEnterpriseCount,8800,,,,over,{SOURCE},intro,高新技术企业突破8800家",
        f",ningbo,kg:highTechEnterpriseCount,9000,,,,over,{SOURCE},intro,高新技术企业突破9000家",  # not in the text
        f",ningbo,kg:highTechEnterpriseCount,many,,,,,{SOURCE},intro,高新技术企业突破8800家",  # not an integer
    ]
)


class Model(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Model.requests.append(body)
        payload = json.dumps({"choices": [{"message": {"content": ANSWER}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    server = HTTPServer(("127.0.0.1", 0), Model)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1/chat/completions"
    server.shutdown()
    server.server_close()


def test_rows_not_verbatim_or_invalid_are_dropped_and_counted(endpoint):
    article = read_article(ARTICLE.read_text(encoding="utf-8"))
    Model.requests.clear()
    result = llm_rows(
        article, SOURCE, Path("data/draft.csv"), load_vocabulary("data/vocabulary.ttl"), endpoint
    )
    sections = len(article.sections)
    assert len(Model.requests) == sections  # one request per section
    assert "高新技术企业" in Model.requests[0]["messages"][0]["content"]  # the section's text is sent
    assert [row["object"] for row in result.rows] == ["8800"] * sections
    assert result.not_verbatim == sections
    assert result.invalid == sections
    assert {row["confidence"] for row in result.rows} == {"low"}


def test_an_endpoint_that_does_not_answer_is_a_one_line_error():
    article = read_article("标题\n\n1 事件\n\n正文。")  # synthetic
    with pytest.raises(InputError, match="did not answer"):
        llm_rows(
            article,
            SOURCE,
            Path("data/draft.csv"),
            load_vocabulary("data/vocabulary.ttl"),
            "http://127.0.0.1:9/v1",
        )
