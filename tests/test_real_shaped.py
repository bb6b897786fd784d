"""benchmarks/real_shaped.py and benchmarks/disguise.py: the graded disguise operations, and the generator's truth.

The generator reads ../shared/corpus-real (never copied into the repository): its tests skip where it is absent.
"""

from __future__ import annotations

import json
import os
import random
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import disguise
from corpus_stats import content
from real_shaped import DEFAULT_SOURCE, ROOT, generate

SOURCE = Path(os.environ.get("DUPCHECK_REAL_CORPUS", DEFAULT_SOURCE))
needs_real = pytest.mark.skipif(not (SOURCE / "docs").is_dir(), reason=f"the real corpus is not at {SOURCE}")
TEXT = "我们要认真学习理论，加强党性锻炼，提高工作能力。坚持问题导向，深入查摆不足；今后将严格落实整改措施。"


@pytest.mark.parametrize("k", [2, 3, 5, 8])
def test_insert_every_adds_one_character_per_k(k):
    out = disguise.insert_every(TEXT, k, random.Random(1))
    assert len(content(out)) == len(content(TEXT)) + len(content(TEXT)) // k


@pytest.mark.parametrize("k", [2, 5, 13])
def test_replace_every_changes_every_kth_character_only(k):
    out = disguise.replace_every(TEXT, k, random.Random(1))
    a, b = content(TEXT), content(out)
    assert len(a) == len(b)
    assert all(x == y for i, (x, y) in enumerate(zip(a, b, strict=True), 1) if i % k)


@pytest.mark.parametrize("k", [2, 3, 8])
def test_swap_every_keeps_the_characters(k):
    out = disguise.swap_every(TEXT, k)
    assert Counter(out) == Counter(TEXT) and out != TEXT


def test_interleave_alternates_pieces_of_k():
    out = content(disguise.interleave("一二三四五六七八", 3, "甲乙丙丁戊己"))
    assert out == "一二三甲乙丙四五六丁戊己七八"


def test_synonyms_are_a_large_list_and_heavier_for_smaller_k():
    assert len(disguise.SYNONYMS) >= 250
    changed = [sum(x != y for x, y in zip(TEXT, disguise.synonyms(TEXT, k), strict=False)) for k in (60, 8, 2)]
    assert 0 < changed[0] <= changed[1] <= changed[2]


def test_fillers_and_drop_clauses_and_reorder():
    assert len(disguise.fillers(TEXT, 10, random.Random(1))) > len(TEXT)
    dropped = disguise.drop_clauses(TEXT, 2)
    assert len(content(dropped)) < len(content(TEXT)) and dropped.endswith("。")
    moved = disguise.reorder(TEXT, 1, random.Random(2))
    assert sorted(disguise.sentences_of(moved)) == sorted(disguise.sentences_of(TEXT))


def test_every_operation_has_a_grid_and_runs():
    for name, (_, grid) in disguise.OPERATIONS.items():
        for k in grid:
            assert content(disguise.apply(name, TEXT, k, random.Random(3), own="甲乙丙丁" * 10)), name


def test_output_inside_the_repository_is_refused():
    with pytest.raises(ValueError, match="outside the repository"):
        generate(ROOT / "benchmarks" / "out", 10, source=SOURCE)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("real-shaped")
    generate(out, 80, seed=3, source=SOURCE)
    return out


def _text(out: Path, doc: str) -> str:
    return (out / doc if doc.startswith("templates/") else out / "corpus" / doc).read_text(encoding="utf-8")


@needs_real
def test_truth_spans_lie_in_the_texts_and_verbatim_copies_match(corpus):
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    assert len(truth["documents"]) == 80 == len(list((corpus / "corpus").rglob("*.txt")))
    kinds = Counter(c["kind"] for c in truth["cases"])
    assert kinds["reuse"] and kinds["template"] and kinds["group"]
    for case in truth["cases"]:
        a, b = (_text(corpus, d)[s:e] for d, s, e in (case["a"], case["b"]))
        assert content(a) and content(b)
        if case["op"] in ("none", ["none", "none"]):
            assert content(a) == content(b)
        if case["kind"] == "reuse":
            assert len(content(a)) >= 16
    for doc, entry in truth["documents"].items():
        text = _text(corpus, doc)
        assert all(0 <= s < e <= len(text) and text[s].isalnum() for s, e, _ in entry["spans"])
    assert all(0.05 <= p["share"] <= 0.9 for p in truth["boilerplate"])


@needs_real
def test_same_seed_same_corpus(corpus, tmp_path):
    generate(tmp_path, 80, seed=3, source=SOURCE)
    assert (tmp_path / "truth.json").read_bytes() == (corpus / "truth.json").read_bytes()
    doc = next(iter(json.loads((corpus / "truth.json").read_text(encoding="utf-8"))["documents"]))
    assert _text(tmp_path, doc) == _text(corpus, doc)


@needs_real
def test_the_scorer_reads_the_truth_as_it_was_planted(corpus):
    """``accuracy/real_shaped_eval.py`` scores the planted cases themselves perfectly (each found once, nothing
    else), and a case found on half of one side below full recall: its reading of the truth is the truth."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks" / "accuracy"))
    import real_shaped_eval
    from accuracy.measures import Alignment, pan_scores

    texts, cases, spans = real_shaped_eval.load_cases(corpus)
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    assert len(cases) == sum(c["kind"] != "template" for c in truth["cases"]) > 0
    assert set(spans) == set(texts) == set(truth["documents"])
    planted = [c.alignment for c in cases]
    perfect = pan_scores(planted, planted, texts)
    assert (perfect.precision, perfect.recall, perfect.granularity, perfect.detected) == (1.0, 1.0, 1.0, len(cases))
    first = planted[0]
    middle = (first.a_start + first.a_end) // 2
    half = Alignment(first.a_doc, first.a_start, middle, first.b_doc, first.b_start, first.b_end)
    assert pan_scores([first], [half], texts).recall < 1.0
