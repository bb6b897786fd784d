"""The real documents of ../shared/corpus-real (written by others; read from there, never copied in).

Files are renamed to their authors in a temporary corpus (the person id p001… or the branch committee),
so that two versions of one author's document are one member; the committee's template (053) and notice
(052) are given as templates. The expectations are the copying groups documented in that corpus's README.
"""

import os
import shutil
import sys
from pathlib import Path

import pytest

from dupcheck.members import Membership
from dupcheck.scan import scan

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from corpus_stats import real_author  # one mapping of the real corpus's files to their authors

REAL = Path(os.environ.get("DUPCHECK_REAL_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus-real"))
pytestmark = pytest.mark.skipif(
    not (REAL / "docs").is_dir(), reason=f"the real corpus is not at {REAL} (set DUPCHECK_REAL_CORPUS)"
)
TEMPLATES = {"052", "053"}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("real")
    (corpus / "templates").mkdir()
    for f in sorted(os.listdir(REAL / "docs")):
        number = f[:3]
        target = corpus / "templates" / f if number in TEMPLATES else corpus / f"{real_author(f)}-{number}.txt"
        shutil.copyfile(REAL / "docs" / f, target)
    return scan(corpus, membership=Membership(by="file"))  # the files are named after their authors


def by_number(report):
    return {d.id.split("-")[1][:3]: d for d in report.documents}


def test_every_document_is_read(report):
    """All 144 member documents are read, none fails."""
    assert report.errors == [] and len(report.documents) == 144


@pytest.mark.parametrize(
    "a, b",
    [
        ("chuangxin支部", "p034"),  # 039 holds a 1,781-character block of the committee's 040/125
        ("p035", "p038"),  # 办公室: 041/104 and 044
        ("p029", "p031"),  # 机动通信管理局: 034 and 036
        ("029", "renli支部"),  # 人力: 029 and 121
        ("p076", "wangyun支部"),  # 网运: 111 and 141
        ("075", "077"),  # 企业中心
    ],
)
def test_documented_copying_between_members_is_found(report, a, b):
    """Each documented copying pair is a reuse pair with at least 10 % of each member's text."""
    pairs = {(p.member_a, p.member_b): p for p in report.pairs}
    pair = pairs[(a, b)]
    assert pair.share_a >= 0.10 and pair.share_b >= 0.10


def test_the_documented_pairs_rank_among_the_first(report):
    """The documented pairs are among the 12 pairs sharing the most text."""
    top = {(p.member_a, p.member_b) for p in report.pairs[:12]}
    assert {("chuangxin支部", "p034"), ("p035", "p038"), ("p076", "wangyun支部"), ("p029", "p031")} <= top


def test_official_template_is_labelled_template(report):
    """Committee materials built on template 053 carry template text, most of all 138 and 133."""
    docs = by_number(report)
    for number in ("138", "133", "123", "142"):
        assert docs[number].shares.template >= 0.08, number


def test_notice_pasted_into_personal_material_is_template_not_reuse(report):
    """035 and 099 each pasted the notice's checklist: template; as a pair they share next to nothing."""
    docs = by_number(report)
    assert docs["035"].shares.template >= 0.15 and docs["099"].shares.template >= 0.15
    between = [p for p in report.pairs if {p.member_a, p.member_b} == {"p030", "p008"}]
    assert all(p.share_a < 0.02 and p.share_b < 0.02 for p in between)


def test_required_headings_are_boilerplate(report):
    """The heading every branch was told to use is boilerplate wherever it stands."""
    heading = "上年度组织生活会整改落实情况"
    labelled = total = 0
    for d in report.documents:
        text = report.texts[d.id]
        at = text.find(heading)
        if at < 0:
            continue
        total += 1
        labels = {s.label for s in d.spans if s.start <= at and at + len(heading) <= s.end}
        labelled += bool(labels & {"boilerplate", "template"})
    assert total > 100 and labelled / total >= 0.9
