"""Benchmark judge: PAN measures, label measures and the 13-character baseline, checked by hand and by brute force."""

import itertools
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from accuracy import baseline, measures

Alignment = measures.Alignment


def hanzi(first: int, n: int) -> str:
    """``n`` consecutive code points from ``U+4E00 + first``: blocks that do not overlap share no character."""
    return "".join(chr(0x4E00 + first + i) for i in range(n))


# ---------------------------------------------------------------------------------------------------------------------
# content characters

TEXTS = {"A": "甲乙丙丁戊己庚辛", "B": "子丑寅卯辰巳午未", "C": "一二三四五六七八"}
CASE = Alignment("A", 0, 4, "B", 0, 4)


def test_content_prefix_counts_only_letters_digits_and_hanzi() -> None:
    prefix = measures.content_prefix("甲 ，a1。")
    assert prefix.dtype == np.int64
    assert prefix.tolist() == [0, 1, 1, 1, 2, 3, 3]


# ---------------------------------------------------------------------------------------------------------------------
# pan_scores by hand


def test_perfect_detection() -> None:
    got = measures.pan_scores([CASE], [CASE], TEXTS)
    assert got == measures.PanScores(1.0, 1.0, 1.0, 1.0, cases=1, detected=1, detections=1)


def test_case_detected_in_two_halves() -> None:
    halves = [Alignment("A", 0, 2, "B", 0, 2), Alignment("A", 2, 4, "B", 2, 4)]
    got = measures.pan_scores([CASE], halves, TEXTS)
    assert (got.precision, got.recall, got.granularity) == (1.0, 1.0, 2.0)
    assert got.plagdet == pytest.approx(1 / math.log2(3))
    assert (got.detected, got.detections) == (1, 2)


@pytest.mark.parametrize(
    "detection",
    [
        Alignment("A", 0, 4, "C", 0, 4),  # wrong document pair
        Alignment("A", 0, 4, "B", 4, 8),  # right on side a only
        Alignment("A", 4, 8, "B", 0, 4),  # right on side b only
    ],
)
def test_detection_must_overlap_both_sides_of_the_same_pair(detection: Alignment) -> None:
    got = measures.pan_scores([CASE], [detection], TEXTS)
    assert (got.precision, got.recall, got.plagdet, got.detected) == (0.0, 0.0, 0.0, 0)
    assert got.granularity == 1.0


def test_detection_twice_as_long_as_the_case() -> None:
    # |r| = 8 + 8, r ⊓ s = 4 + 4.
    got = measures.pan_scores([CASE], [Alignment("A", 0, 8, "B", 0, 8)], TEXTS)
    assert (got.precision, got.recall, got.granularity) == (0.5, 1.0, 1.0)
    assert got.plagdet == pytest.approx(2 / 3)


def test_orientation_does_not_matter() -> None:
    detection = Alignment("A", 0, 8, "B", 0, 2)
    swapped = Alignment("B", 0, 2, "A", 0, 8)
    want = measures.pan_scores([CASE], [detection], TEXTS)
    assert measures.pan_scores([CASE], [swapped], TEXTS) == want
    assert measures.pan_scores([Alignment("B", 0, 4, "A", 0, 4)], [detection], TEXTS) == want
    # precision (4 + 2) / (8 + 2), recall (4 + 2) / 8
    assert (want.precision, want.recall) == (0.6, 0.75)


def test_punctuation_and_whitespace_are_not_counted() -> None:
    texts = {"P": "甲乙丙，丁 戊", "B": TEXTS["B"]}
    case = Alignment("P", 0, 5, "B", 0, 4)  # "甲乙丙，丁": 4 characters, so |s| = 8
    # Side a covers "，丁": one character.
    got = measures.pan_scores([case], [Alignment("P", 3, 5, "B", 0, 4)], texts)
    assert (got.precision, got.recall) == (1.0, 5 / 8)
    # The comma alone shares no character with the case: nothing detected, and |r| = 0 + 4.
    got = measures.pan_scores([case], [Alignment("P", 3, 4, "B", 0, 4)], texts)
    assert (got.precision, got.recall, got.detected) == (0.0, 0.0, 0)
    # Stretching the detection over the space adds nothing to |r|.
    got = measures.pan_scores([case], [Alignment("P", 0, 6, "B", 0, 4)], texts)
    assert (got.precision, got.recall) == (1.0, 1.0)


def test_no_detections() -> None:
    got = measures.pan_scores([CASE], [], TEXTS)
    assert (got.precision, got.recall, got.granularity, got.plagdet) == (1.0, 0.0, 1.0, 0.0)
    assert measures.pan_scores([], [], TEXTS).plagdet == 1.0


def test_overlapping_cases_are_not_counted_twice_in_precision() -> None:
    cases = [CASE, Alignment("A", 2, 6, "B", 2, 6)]
    got = measures.pan_scores(cases, [Alignment("A", 0, 6, "B", 0, 6)], TEXTS)
    assert (got.precision, got.recall, got.granularity) == (1.0, 1.0, 1.0)


def test_false_positive_counts_overall_but_not_in_a_subset_row() -> None:
    other = Alignment("A", 4, 8, "C", 0, 4)
    detections = [CASE, Alignment("B", 4, 8, "C", 4, 8)]
    overall = measures.pan_scores([CASE, other], detections, TEXTS)
    assert (overall.precision, overall.recall) == (0.5, 0.5)
    row = measures.pan_scores_for([CASE], detections, TEXTS)
    assert (row.precision, row.recall, row.detections) == (1.0, 1.0, 1)
    assert measures.pan_scores_for([other], detections, TEXTS).detections == 0


@pytest.mark.parametrize(
    "alignment",
    [
        Alignment("A", 0, 4, "A", 4, 8),  # one document
        Alignment("A", 0, 9, "B", 0, 4),  # past the end
        Alignment("A", 0, 4, "Z", 0, 4),  # unknown document
    ],
)
def test_bad_alignments_are_refused(alignment: Alignment) -> None:
    with pytest.raises(ValueError):
        measures.pan_scores([CASE], [alignment], TEXTS)


def test_case_without_content_on_one_side_is_refused() -> None:
    with pytest.raises(ValueError, match="no content"):
        measures.pan_scores([Alignment("P", 1, 2, "B", 0, 4)], [], {"P": "甲，乙", "B": TEXTS["B"]})


# ---------------------------------------------------------------------------------------------------------------------
# pan_scores against a slow reference on sets of (document, index)


def reference_pan(cases: list[Alignment], detections: list[Alignment], texts: dict[str, str]) -> tuple[float, ...]:
    def side(doc: str, start: int, end: int) -> set[tuple[str, int]]:
        return {(doc, i) for i in range(start, end) if texts[doc][i].isalnum()}

    def sides(al: Alignment) -> tuple[frozenset[str], set[tuple[str, int]], set[tuple[str, int]]]:
        a, b = side(al.a_doc, al.a_start, al.a_end), side(al.b_doc, al.b_start, al.b_end)
        if al.a_doc > al.b_doc:
            a, b = b, a
        return frozenset((al.a_doc, al.b_doc)), a, b

    def meet(s: Alignment, r: Alignment) -> set[tuple[str, int]]:
        s_pair, s_a, s_b = sides(s)
        r_pair, r_a, r_b = sides(r)
        if s_pair != r_pair or not (s_a & r_a) or not (s_b & r_b):
            return set()
        return (s_a & r_a) | (s_b & r_b)

    def size(al: Alignment) -> int:
        _, a, b = sides(al)
        return len(a | b)

    precisions = [len(set().union(*(meet(s, r) for s in cases))) / size(r) if size(r) else 0.0 for r in detections]
    recalls = [len(set().union(*(meet(s, r) for r in detections))) / size(s) for s in cases]
    hits = [sum(1 for r in detections if meet(s, r)) for s in cases]
    hits = [h for h in hits if h]
    precision = sum(precisions) / len(precisions) if precisions else 1.0
    recall = sum(recalls) / len(recalls) if recalls else 1.0
    granularity = sum(hits) / len(hits) if hits else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, granularity, f1 / math.log2(1 + granularity), len(hits)


DOCS = ("x", "y", "z")


@st.composite
def alignments(draw: st.DrawFn, texts: dict[str, str]) -> Alignment:
    a_doc, b_doc = draw(st.permutations(DOCS))[:2]

    def span(doc: str) -> tuple[int, int]:
        start = draw(st.integers(0, len(texts[doc])))
        return start, draw(st.integers(start, len(texts[doc])))

    return Alignment(a_doc, *span(a_doc), b_doc, *span(b_doc))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Alignment], list[Alignment], dict[str, str]]:
    texts = {doc: draw(st.text(alphabet="甲乙a1，。 ", min_size=0, max_size=20)) for doc in DOCS}
    cases = draw(st.lists(alignments(texts), max_size=5))

    def has_content(al: Alignment) -> bool:
        return any(c.isalnum() for c in texts[al.a_doc][al.a_start : al.a_end]) and any(
            c.isalnum() for c in texts[al.b_doc][al.b_start : al.b_end]
        )

    return [c for c in cases if has_content(c)], draw(st.lists(alignments(texts), max_size=6)), texts


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_pan_scores_match_reference(scenario: tuple[list[Alignment], list[Alignment], dict[str, str]]) -> None:
    cases, detections, texts = scenario
    got = measures.pan_scores(cases, detections, texts)
    precision, recall, granularity, plagdet, detected = reference_pan(cases, detections, texts)
    assert got.precision == pytest.approx(precision)
    assert got.recall == pytest.approx(recall)
    assert got.granularity == pytest.approx(granularity)
    assert got.plagdet == pytest.approx(plagdet)
    assert (got.cases, got.detected, got.detections) == (len(cases), detected, len(detections))


# ---------------------------------------------------------------------------------------------------------------------
# label measures

LABEL_TEXT = {"d": "甲乙，丙丁戊己庚辛"}  # the comma at index 2 is never counted
LABEL_TRUTH = {"d": [(0, 4, "boilerplate"), (4, 6, "template")]}  # 甲乙丙 boilerplate, 丁戊 template
LABEL_PRED = {"d": [(0, 3, "boilerplate"), (4, 6, "boilerplate"), (7, 9, "reuse")]}


def test_label_scores_template_predicted_as_boilerplate_is_a_miss() -> None:
    both = measures.label_scores(LABEL_TRUTH, LABEL_PRED, LABEL_TEXT, {"boilerplate", "template"})
    # truth 5, predicted 4, correct 2 (甲乙): 丁戊 carry the wrong label.
    assert (both.truth_chars, both.predicted_chars) == (5, 4)
    assert (both.precision, both.recall) == (0.5, 0.4)
    assert both.f1 == pytest.approx(4 / 9)

    boilerplate = measures.label_scores(LABEL_TRUTH, LABEL_PRED, LABEL_TEXT, {"boilerplate"})
    assert (boilerplate.truth_chars, boilerplate.predicted_chars) == (3, 4)
    assert (boilerplate.precision, boilerplate.recall) == (0.5, pytest.approx(2 / 3))

    template = measures.label_scores(LABEL_TRUTH, LABEL_PRED, LABEL_TEXT, {"template"})
    assert (template.precision, template.recall, template.f1) == (1.0, 0.0, 0.0)


def test_label_scores_later_span_wins_and_original_is_the_default() -> None:
    predicted = {"d": [(0, 9, "reuse"), (0, 4, "boilerplate")]}
    got = measures.label_scores({"d": [(0, 4, "boilerplate")]}, predicted, LABEL_TEXT, {"boilerplate"})
    assert (got.precision, got.recall) == (1.0, 1.0)
    # 丁戊己庚辛 are original in truth and reuse in the prediction.
    got = measures.label_scores({"d": [(0, 4, "boilerplate")]}, predicted, LABEL_TEXT, {"original"})
    assert (got.truth_chars, got.predicted_chars, got.recall) == (5, 0, 0.0)


def test_label_scores_refuse_spans_of_unknown_documents() -> None:
    with pytest.raises(ValueError):
        measures.label_scores({}, {"zz": []}, LABEL_TEXT, {"reuse"})


def test_originality() -> None:
    text = LABEL_TEXT["d"]
    spans = [(0, 2, "reuse"), (1, 5, "template")]  # overlapping: 甲乙丙丁 covered once
    assert measures.originality(text, spans, 0, 9) == 0.5
    assert measures.originality(text, spans, 3, 9, measures.content_prefix(text)) == pytest.approx(4 / 6)
    assert measures.originality(text, spans, 2, 3) == 1.0  # only the comma
    assert measures.originality(text, spans, 5, 9) == 1.0


def test_section_errors() -> None:
    sections = {"d": [(0, 4), (4, 9)]}
    truth = {"d": [(0, 4, "boilerplate")]}
    predicted = {"d": [(0, 2, "boilerplate")]}
    # Section 1: truth 0 original, predicted 1/3 (丙); section 2 is original in both.
    got = measures.section_errors(sections, truth, predicted, LABEL_TEXT)
    assert got.sections == 2
    assert got.mae == pytest.approx(1 / 6)
    assert got.max_error == pytest.approx(1 / 3)
    assert measures.section_errors({}, truth, predicted, LABEL_TEXT) == measures.SectionError(0.0, 0.0, 0)


# ---------------------------------------------------------------------------------------------------------------------
# the 13-character baseline

RUN = hanzi(1000, 13)


def content(text: str, start: int, end: int) -> str:
    return "".join(c for c in text[start:end] if c.isalnum())


def test_run_found_through_punctuation_with_original_offsets() -> None:
    a = hanzi(0, 10) + RUN + hanzi(10, 5)
    b = hanzi(100, 7) + RUN[:5] + "，\n" + RUN[5:] + "。" + hanzi(110, 4)
    got = baseline.exact_runs({"a": a, "b": b}, templates=())
    assert got.detections == [Alignment("a", 10, 23, "b", 7, 22)]
    assert got.spans == {"a": [(10, 23, "reuse")], "b": [(7, 22, "reuse")]}


def test_twelve_characters_are_not_enough() -> None:
    got = baseline.exact_runs({"a": hanzi(0, 5) + RUN[:12], "b": RUN[:12] + hanzi(100, 5)}, templates=())
    assert got.detections == []
    assert got.spans == {"a": [], "b": []}


def test_run_shared_with_a_template_is_template_not_reuse() -> None:
    texts = {
        "m1": hanzi(0, 4) + RUN + hanzi(10, 4),
        "m2": hanzi(100, 6) + RUN,
        "tpl": hanzi(200, 3) + RUN + hanzi(210, 3),
    }
    got = baseline.exact_runs(texts, templates={"tpl"})
    assert got.detections == []
    assert got.spans == {"m1": [(4, 17, "template")], "m2": [(6, 19, "template")]}


def test_member_run_needs_min_run_characters_outside_the_template() -> None:
    extra = hanzi(2000, 13)
    texts = {
        "m1": hanzi(0, 4) + RUN + extra + hanzi(10, 4),
        "m2": RUN + extra,
        "m3": RUN + extra[:12],
        "tpl": RUN,
    }
    got = baseline.exact_runs(texts, templates={"tpl"})
    # m1–m2 share 13 characters beyond the template; m3 only 12 with either.
    assert got.detections == [Alignment("m1", 4, 30, "m2", 0, 26)]
    assert got.spans["m1"] == [(4, 17, "template"), (17, 30, "reuse")]
    assert got.spans["m2"] == [(0, 13, "template"), (13, 26, "reuse")]
    assert got.spans["m3"] == [(0, 13, "template")]


def test_run_shared_by_three_documents_gives_every_pair() -> None:
    texts = {name: hanzi(100 * i, 3) + RUN + hanzi(100 * i + 50, 3) for i, name in enumerate("abc")}
    got = baseline.exact_runs(texts, templates=())
    assert [(d.a_doc, d.b_doc) for d in got.detections] == [("a", "b"), ("a", "c"), ("b", "c")]
    assert all((d.a_start, d.a_end, d.b_start, d.b_end) == (3, 16, 3, 16) for d in got.detections)


def test_a_longer_run_is_one_maximal_detection() -> None:
    shared = hanzi(3000, 20)
    got = baseline.exact_runs({"a": "x" + shared + "y", "b": "p" + shared + "q"}, templates=())
    assert got.detections == [Alignment("a", 1, 21, "b", 1, 21)]


def reference_runs(texts: dict[str, str], min_run: int) -> list[tuple[str, str, str]]:
    """Every maximal common run by brute force: (a_doc, b_doc, run), doubles kept."""
    strings = {doc: content(text, 0, len(text)) for doc, text in texts.items()}
    found = []
    docs = sorted(strings)
    for i, a in enumerate(docs):
        for b in docs[i + 1 :]:
            s, t = strings[a], strings[b]
            for p in range(len(s)):
                for q in range(len(t)):
                    if p and q and s[p - 1] == t[q - 1]:
                        continue
                    n = 0
                    while p + n < len(s) and q + n < len(t) and s[p + n] == t[q + n]:
                        n += 1
                    if n >= min_run:
                        found.append((a, b, s[p : p + n]))
    return sorted(found)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="甲乙a1，。 ", max_size=60), min_size=2, max_size=4), st.integers(2, 13))
def test_baseline_runs_are_equal_maximal_and_complete(bodies: list[str], min_run: int) -> None:
    texts = {f"d{i}": body for i, body in enumerate(bodies)}
    got = baseline.exact_runs(texts, templates=(), min_run=min_run)
    runs = []
    for d in got.detections:
        a_text, b_text = texts[d.a_doc], texts[d.b_doc]
        run = content(a_text, d.a_start, d.a_end)
        assert run == content(b_text, d.b_start, d.b_end)
        assert len(run) >= min_run
        assert d.a_doc < d.b_doc
        # Ranges start and end on content characters.
        assert a_text[d.a_start].isalnum() and a_text[d.a_end - 1].isalnum()
        assert b_text[d.b_start].isalnum() and b_text[d.b_end - 1].isalnum()
        runs.append((d.a_doc, d.b_doc, run))
    assert sorted(runs) == reference_runs(texts, min_run)
    for spans in got.spans.values():
        assert all(s < e for s, e, _ in spans)
        assert all(e1 <= s2 for (_, e1, _), (s2, _, _) in itertools.pairwise(spans))
        assert {label for _, _, label in spans} <= {"reuse"}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="甲乙丙", max_size=60), min_size=3, max_size=4))
def test_baseline_with_template_every_detection_is_13_equal_characters(bodies: list[str]) -> None:
    texts = {f"d{i}": body for i, body in enumerate(bodies)}
    got = baseline.exact_runs(texts, templates={"d0"})
    assert "d0" not in got.spans
    for d in got.detections:
        assert "d0" not in (d.a_doc, d.b_doc)
        run = content(texts[d.a_doc], d.a_start, d.a_end)
        assert run == content(texts[d.b_doc], d.b_start, d.b_end)
        assert len(run) >= 13
