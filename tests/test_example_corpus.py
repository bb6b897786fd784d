"""The example corpus: every planted case is found and labelled right (truth: tests/data/example_corpus.json)."""

import itertools
import json
from pathlib import Path

import pytest

from dupcheck.scan import scan

ROOT = Path(__file__).resolve().parents[1]
TRUTH = json.loads((ROOT / "tests" / "data" / "example_corpus.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report():
    return scan(ROOT / "corpus")


def doc_of(report, member):
    (doc,) = [d for d in report.documents if d.member == member]
    return doc


def covered(report, member, excerpt, label):
    """Share of the excerpt's characters inside spans with ``label`` (punctuation at its edges does not count)."""
    doc = doc_of(report, member)
    text = report.texts[doc.id]
    start = text.index(excerpt)
    end = start + len(excerpt)
    inside = sum(
        1
        for i in range(start, end)
        if text[i].isalnum() and any(s.start <= i < s.end and s.label == label for s in doc.spans)
    )
    return inside / sum(1 for c in excerpt if c.isalnum())


def test_every_file_is_read_with_its_member(report):
    """All 14 reports are read (GB18030 and .docx included) and named by the file-name rule."""
    assert report.errors == []
    assert {d.member: d.id for d in report.documents} == TRUTH["members"]


@pytest.mark.parametrize("phrase", TRUTH["boilerplate_phrases"])
def test_set_phrases_are_boilerplate(report, phrase):
    """Each set phrase most members use is boilerplate in every report holding it."""
    holders = [d.member for d in report.documents if phrase in report.texts[d.id]]
    assert len(holders) >= 7
    for member in holders:
        assert covered(report, member, phrase, "boilerplate") == 1.0, member


@pytest.mark.parametrize("case", TRUTH["template"], ids=lambda c: c["member"])
def test_template_paragraphs_are_template(report, case):
    """Paragraphs taken from the template, verbatim or edited, are template text matched to the template file."""
    assert covered(report, case["member"], case["excerpt"], "template") >= 0.9
    doc = doc_of(report, case["member"])
    assert any(m.kind == "template" and m.a.doc == doc.id and m.b.doc.startswith("templates/") for m in report.matches)


def test_copied_paragraphs_are_reuse_between_the_two_members(report):
    """The disguised copy between two members is reuse in both and their pair ranks first."""
    pair = TRUTH["reuse_pair"]
    for member, excerpts in ((pair["a"], pair["excerpts_a"]), (pair["b"], pair["excerpts_b"])):
        for excerpt in excerpts:
            assert covered(report, member, excerpt, "reuse") >= 0.9
    first = report.pairs[0]
    assert {first.member_a, first.member_b} == {pair["a"], pair["b"]}
    assert doc_of(report, pair["a"]).top_partner == pair["b"]


def test_outside_passage_shared_by_three_members_is_a_group(report):
    """Three members with one passage from an outside source form one group; the passage is reuse in each."""
    group = TRUTH["group"]
    assert [g.members for g in report.groups] == [tuple(sorted(group["members"]))]
    for member, excerpt in group["excerpts"].items():
        assert covered(report, member, excerpt, "reuse") >= 0.9


def test_nothing_unplanted_is_reported_as_reuse(report):
    """Every reuse pair is a planted one: the copying pair or two members of the group."""
    planted = {frozenset((TRUTH["reuse_pair"]["a"], TRUTH["reuse_pair"]["b"]))}
    planted |= {frozenset(p) for p in itertools.combinations(TRUTH["group"]["members"], 2)}
    assert {frozenset((p.member_a, p.member_b)) for p in report.pairs} == planted


def test_the_original_member_is_most_original(report):
    """The member who wrote their own report ranks last, above 95 % original."""
    assert report.documents[-1].member == TRUTH["original_member"]
    assert report.documents[-1].shares.originality > 0.95
