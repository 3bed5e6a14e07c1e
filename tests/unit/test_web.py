"""The web helpers both pages use: one-pass templates, JSON safe inside <script>, CSP hashes."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest

from graph import web


def test_a_template_is_filled_in_one_pass():
    # a value that looks like a placeholder is put in as it is, not filled again
    assert web.fill("{{ a }}|{{b}}|{{ a }}", {"a": "{{ b }}", "b": "<&>"}) == "{{ b }}|<&>|{{ b }}"
    assert web.fill("{ {a} } {{a-b}}", {}) == "{ {a} } {{a-b}}"  # not placeholders


def test_an_unknown_placeholder_is_an_error():
    with pytest.raises(KeyError):
        web.fill("{{ missing }}", {"data": ""})


@pytest.mark.parametrize("sort_keys", [False, True])
def test_embedded_json_cannot_end_its_script_element(sort_keys):
    data = {"z": "</script><!-- \u2028\u2029 & >", "a": ["<script>", "宁波"]}
    text = web.embed_json(data, sort_keys=sort_keys)
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == data
    assert list(json.loads(text)) == (["a", "z"] if sort_keys else ["z", "a"])
    assert "宁波" in text  # text stays readable, not \u-escaped


def test_a_csp_hash_is_the_base64_sha256_of_the_utf8_text():
    text = "document.title = '宁波';"
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    assert web.csp_hash(text) == f"'sha256-{digest}'"


def test_inline_hashes_cover_each_element_without_attributes():
    page = (
        '<style>a{}</style><script type="application/json">{"x":1}</script>'
        "<script>one()</script><p>text</p><script>two()</script>"
    )
    assert web.inline_hashes(page, "script") == [web.csp_hash("one()"), web.csp_hash("two()")]
    assert web.inline_hashes(page, "style") == [web.csp_hash("a{}")]
    assert web.inline_hashes("<p></p>", "script") == []
