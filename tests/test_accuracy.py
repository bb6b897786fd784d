"""The detection-quality benchmark on a 20-member corpus: the labelled generator, and dupcheck held to the targets.

The corpus is built from real sentences of ``../shared/corpus-real`` (never copied into the repository), so these
tests skip, saying why, where that folder is absent.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from accuracy.evaluate import Truth, predict_baseline, predict_dupcheck, score, targets
from accuracy.generate import (
    DEFAULT_SOURCE,
    HEADINGS,
    LEVELS,
    OPENERS,
    SECTION_OPENERS,
    TITLE,
    generate,
)

SOURCE = Path(os.environ.get("DUPCHECK_REAL_CORPUS", DEFAULT_SOURCE))
pytestmark = pytest.mark.skipif(
    not (SOURCE / "docs").is_dir(), reason=f"the real corpus is not at {SOURCE} (set DUPCHECK_REAL_CORPUS)"
)


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Truth:
    folder = tmp_path_factory.mktemp("accuracy")
    generate(folder, members=20, seed=7, source=SOURCE)
    return Truth.load(folder)


def _content(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def test_every_level_is_planted(labelled: Truth) -> None:
    assert all(labelled.cases[level] for level in LEVELS)


def test_verbatim_cases_hold_the_same_text_on_both_sides(labelled: Truth) -> None:
    for case in labelled.cases["verbatim"]:
        a = labelled.texts[case.a_doc][case.a_start : case.a_end]
        b = labelled.texts[case.b_doc][case.b_start : case.b_end]
        assert _content(a) == _content(b)
        assert len(_content(a)) >= 30


def test_original_sentences_share_no_8_character_run_with_any_other_document(labelled: Truth) -> None:
    # Runs across the end of one sentence and the start of the next, which the generator joins, are left to chance.
    owners: dict[str, set[str]] = {}
    originals: dict[str, list[str]] = {}
    for doc, text in labelled.texts.items():
        covered = sorted(labelled.spans.get(doc, []))
        pieces, at = [], 0
        for start, end, _ in covered:
            pieces += re.split("[。！？；]", text[at:start])
            at = max(at, end)
        pieces += re.split("[。！？；]", text[at:])
        originals[doc] = [_content(p) for p in pieces] if doc != labelled.template else []
        for sentence in map(_content, re.split("[。！？；]", text)):
            for i in range(len(sentence) - 7):
                owners.setdefault(sentence[i : i + 8], set()).add(doc)
    for doc, pieces in originals.items():
        for piece in pieces:
            shared = [piece[i : i + 8] for i in range(len(piece) - 7) if owners[piece[i : i + 8]] != {doc}]
            assert not shared, (doc, shared[:3])


def test_spans_lie_inside_their_document_and_do_not_overlap(labelled: Truth) -> None:
    for doc, spans in labelled.spans.items():
        ends = [0]
        for start, end, label in spans:
            assert ends[-1] <= start < end <= len(labelled.texts[doc])
            assert label in {"boilerplate", "template", "reuse"}
            ends.append(end)


def test_every_set_phrase_is_boilerplate_in_a_third_of_the_members_or_more(labelled: Truth) -> None:
    members = len(labelled.spans)
    for phrase in (TITLE, *HEADINGS, *OPENERS, *SECTION_OPENERS):
        users = sum(
            any(
                _content(phrase) in _content(labelled.texts[doc][s:e])
                for s, e, label in spans
                if label == "boilerplate"
            )
            for doc, spans in labelled.spans.items()
        )
        assert users >= members / 3, phrase
    for phrase in (TITLE, *HEADINGS):
        assert all(phrase in labelled.texts[doc] for doc in labelled.spans)


def test_the_same_seed_writes_the_same_corpus(tmp_path: Path, labelled: Truth) -> None:
    generate(tmp_path, members=20, seed=7, source=SOURCE)
    again = Truth.load(tmp_path)
    assert again.texts == labelled.texts
    assert again.cases == labelled.cases


def test_dupcheck_meets_the_targets_with_default_settings(labelled: Truth) -> None:
    scores = score(labelled, predict_dupcheck(labelled.folder))
    missed = [str(t) for t in targets(scores) if not t.met]
    assert not missed


def test_dupcheck_beats_the_13_character_baseline(labelled: Truth) -> None:
    ours = score(labelled, predict_dupcheck(labelled.folder))
    baseline = score(labelled, predict_baseline(labelled))
    assert ours.pan["all but heavy"].plagdet > baseline.pan["all but heavy"].plagdet
    assert ours.common.f1 > baseline.common.f1


def test_generated_corpora_are_refused_inside_the_repository() -> None:
    inside = Path(__file__).resolve().parents[1] / "benchmarks" / "accuracy" / "labelled"
    with pytest.raises(ValueError, match="outside the repository"):
        generate(inside, members=20, seed=1, source=SOURCE)
    assert not inside.exists()
