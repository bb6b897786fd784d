"""The whole pipeline on small corpora built in the test."""

import multiprocessing

import docx
import numpy as np
import pytest
from docx.oxml import parse_xml
from hypothesis import given, settings
from hypothesis import strategies as st

from dupcheck.export import render_table
from dupcheck.model import ScanSettings
from dupcheck.normalise import normalise
from dupcheck.scan import scan


def prose(seed: int, n: int) -> str:
    """Unique filler 'writing': random hanzi in sentences of 20–40 characters."""
    rng = np.random.default_rng(seed)
    out, left = [], n
    while left > 0:
        k = min(left, int(rng.integers(20, 40)))
        out.append("".join(chr(c) for c in rng.integers(0x4E00, 0x9FFF, size=k)) + "。")
        left -= k
    return "".join(out)


def report_text(seed: int, *inserts: str) -> str:
    """A report with a title, a preamble and three sections; ``inserts`` go one per section."""
    parts = [f"对照检查材料{seed}\n", prose(seed * 100 + 99, 120), "\n一、存在的问题\n"]
    sections = ["二、原因剖析\n", "三、整改措施\n", ""]
    for n in range(3):
        insert = inserts[n] if n < len(inserts) else ""
        parts += [prose(seed * 100 + n, 150), insert, prose(seed * 100 + n + 50, 150), "\n", sections[n]]
    return "".join(parts)


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


COPIED = prose(99_999, 260)
COPIED_SPAN = COPIED.rstrip("。")  # a span starts and ends on a character of the text, not on punctuation
PHRASE = "深入学习贯彻新时代中国特色社会主义思想和党的二十大精神"


def by_member(report):
    return {d.member: d for d in report.documents}


def test_copy_between_two_members_is_reuse_in_both(tmp_path):
    """Two members sharing a paragraph get a reuse match and reuse share; the others are untouched."""
    corpus = write(tmp_path / "c", {f"成员{i}.txt": report_text(i, COPIED if i < 2 else "") for i in range(6)})
    report = scan(corpus)
    docs = by_member(report)
    assert docs["成员0"].shares.reuse > 0.15 and docs["成员1"].shares.reuse > 0.15
    assert all(docs[f"成员{i}"].shares.originality == 1.0 for i in range(2, 6))
    (match,) = report.matches
    assert (match.kind, {match.a.doc, match.b.doc}) == ("reuse", {"成员0.txt", "成员1.txt"})
    assert report.texts[match.a.doc][match.a.start : match.a.end] == COPIED_SPAN
    assert [(p.member_a, p.member_b) for p in report.pairs] == [("成员0", "成员1")]
    assert docs["成员0"].top_partner == "成员1"


def test_disguised_copy_is_still_found(tmp_path):
    """Re-punctuation, full-width digits, zero-width characters and inserted words do not hide a copy."""
    original = "在2025年的工作中" + COPIED[:80] + "，" + COPIED[80:200]
    disguised = (
        "在２０２５年的工作中"
        + COPIED[:30]
        + "\u200b"
        + COPIED[30:80]
        + "切实；"
        + COPIED[80:140]
        + "进一步 "
        + COPIED[140:200]
    )
    corpus = write(tmp_path / "c", {"甲.txt": report_text(1, original), "乙.txt": report_text(2, disguised)})
    report = scan(corpus)
    (match,) = report.matches
    a_side, b_side = (match.a, match.b) if match.a.doc == "甲.txt" else (match.b, match.a)
    assert report.texts["甲.txt"][a_side.start : a_side.end] == original
    assert report.texts["乙.txt"][b_side.start : b_side.end] == disguised
    assert match.similarity > 0.9


def test_template_text_is_labelled_template_not_reuse(tmp_path):
    """Members who take the same template paragraph share template text, not reuse."""
    template = prose(88_888, 300)
    files = {f"成员{i}.txt": report_text(i, template[:200] if i < 3 else "") for i in range(5)}
    files["templates/模板.txt"] = template
    report = scan(write(tmp_path / "c", files))
    docs = by_member(report)
    for i in range(3):
        assert docs[f"成员{i}"].shares.template > 0.1 and docs[f"成员{i}"].shares.reuse == 0
    assert {m.kind for m in report.matches} == {"template"}
    assert all(m.b.doc == "templates/模板.txt" for m in report.matches)
    assert "" not in docs  # the template is no member


def test_phrase_most_members_use_is_boilerplate(tmp_path):
    """A set phrase in at least 30 % of members (and 4 of them) is boilerplate, not reuse."""
    files = {f"成员{i}.txt": report_text(i, PHRASE if i < 5 else "") for i in range(10)}
    report = scan(write(tmp_path / "c", files))
    docs = by_member(report)
    for i in range(5):
        d = docs[f"成员{i}"]
        (span,) = d.spans
        assert (span.label, report.texts[d.id][span.start : span.end]) == ("boilerplate", PHRASE)
        assert d.shares.reuse == 0
    assert report.matches == [] and report.pairs == []


def test_own_short_sentence_between_two_set_phrases_is_not_reuse(tmp_path):
    """Two members who share a copied paragraph are aligned window by window; their own sentences between a
    set phrase and a heading everyone uses stay theirs, though two chance characters in them could let the
    alignment of the set phrase and the heading bridge them."""
    heading, opener = "一、在学习贯彻党的创新理论方面\n", "对照检查要求，结合自身实际，主要存在以下几个方面的不足："
    own = {0: "工作要求落实打折扣，存在宽松软问题。", 1: "日常教育管理宽松软，监督执纪不到位。"}
    files = {
        f"成员{i}.txt": opener
        + own.get(i, prose(i + 50, 18))
        + "\n"
        + heading
        + (COPIED if i < 2 else "")
        + prose(i + 90, 200)
        for i in range(8)
    }
    report = scan(write(tmp_path / "c", files))
    assert [(p.member_a, p.member_b) for p in report.pairs] == [("成员0", "成员1")]
    for i in (0, 1):
        d = by_member(report)[f"成员{i}"]
        text = report.texts[d.id]
        assert [text[s.start : s.end] for s in d.spans if s.label == "reuse"] == [COPIED_SPAN]


def test_three_members_sharing_an_outside_passage_form_a_group(tmp_path):
    """Three members with one passage from the same outside source are one group."""
    files = {f"成员{i}.txt": report_text(i, COPIED if i in (1, 3, 5) else "") for i in range(12)}
    report = scan(write(tmp_path / "c", files))
    (group,) = report.groups
    assert group.members == ("成员1", "成员3", "成员5")
    assert all(report.texts[p.doc][p.start : p.end] == COPIED_SPAN for p in group.passages)


def test_two_files_of_one_member_are_not_reuse(tmp_path):
    """A member's own two files may share text without it counting as reuse."""
    files = {"张三-发言提纲.txt": report_text(1, COPIED), "张三-对照检查材料.txt": report_text(2, COPIED)}
    files |= {f"成员{i}.txt": report_text(10 + i) for i in range(3)}
    report = scan(write(tmp_path / "c", files))
    assert report.matches == [] and all(d.shares.reuse == 0 for d in report.documents)


def test_broken_file_is_reported_and_the_scan_goes_on(tmp_path):
    """An unreadable file is listed with its reason; the others are scanned."""
    corpus = write(tmp_path / "c", {f"成员{i}.txt": report_text(i, COPIED if i < 2 else "") for i in range(3)})
    (corpus / "坏文件.docx").write_bytes(b"PK\x03\x04 this is no zip")
    report = scan(corpus)
    assert [(e.path, e.error.startswith("not a valid .docx")) for e in report.errors] == [("坏文件.docx", True)]
    assert len(report.documents) == 3 and len(report.matches) == 1


def test_sections_carry_their_own_shares(tmp_path):
    """Only the section holding the copy loses originality; section shares sum to 1."""
    files = {f"成员{i}.txt": report_text(i, "", COPIED if i < 2 else "") for i in range(4)}
    report = scan(write(tmp_path / "c", files))
    doc = by_member(report)["成员0"]
    titles = {s.title: s for s in doc.sections}
    assert titles["二、原因剖析"].shares.reuse > 0.3
    assert titles["一、存在的问题"].shares.originality == 1.0
    for s in doc.sections:
        assert abs(s.shares.originality + s.shares.reuse + s.shares.template + s.shares.boilerplate - 1) < 1e-9


@settings(max_examples=15, deadline=None)
@given(
    st.integers(0, 1000),
    st.integers(20, 200),
    st.lists(st.sampled_from(["，", "。", " ", "\u200b", "\n", "、"]), min_size=200, max_size=200),
)
def test_match_offsets_slice_the_original_text_to_the_shared_content(tmp_path_factory, seed, length, noise):
    """Every match side, sliced from the original text, holds the shared passage and starts and ends on it."""
    passage = prose(seed, length).replace("。", "")[:length]
    noisy = "".join(c + noise[i % len(noise)] for i, c in enumerate(passage)).rstrip()
    corpus = write(
        tmp_path_factory.mktemp("c"),
        {"甲.txt": report_text(seed + 1, passage), "乙.txt": report_text(seed + 2, noisy)},
    )
    report = scan(corpus)
    assert report.matches
    for m in report.matches:
        for side in (m.a, m.b):
            text = report.texts[side.doc]
            assert 0 <= side.start < side.end <= len(text)
            assert normalise(text[side.start : side.end]).tokens == normalise(passage).tokens
    for d in report.documents:
        assert all(a.end <= b.start for a, b in zip(d.spans, d.spans[1:], strict=False))


def test_reading_aligning_and_labelling_on_several_processes_give_the_same_report(tmp_path, monkeypatch):
    """A corpus large enough to be read, aligned (66 pairs) and labelled by worker processes, with copies and an
    unreadable file."""
    shared_by_twelve = prose(77_777, 200)
    files = {
        f"成员{i}.txt": report_text(i, COPIED if i in (3, 40) else "", shared_by_twelve if i >= 58 else "")
        for i in range(70)
    }
    corpus = write(tmp_path / "c", files)
    (corpus / "坏.txt").write_bytes(b"\x00\x01\x02" * 100)
    forked = []
    get_context = multiprocessing.get_context
    monkeypatch.setattr(
        multiprocessing, "get_context", lambda method=None: forked.append(method) or get_context(method)
    )
    one = scan(corpus, workers=1)
    assert forked == []
    two = scan(corpus, workers=2)
    # members; boilerplate: bucket counts, hot k-grams, masks; candidates: seeds, k-gram holders (set phrases), LSH
    # bands; aligning; labelling
    assert forked.count("fork") == 9
    assert one.to_dict() == two.to_dict()
    assert [e.path for e in two.errors] == ["坏.txt"]
    assert ("成员3", "成员40") in [(p.member_a, p.member_b) for p in two.pairs] and len(two.pairs) == 1 + 66


def test_a_whole_report_copied_by_another_member_is_the_first_finding(tmp_path):
    """成员1 hands in 成员0's report with a title of their own and a sentence changed: a whole-report copy, shown
    first; 成员2, who took one paragraph, is a pair but no whole copy."""
    original = report_text(0)
    copy = "成员1的材料\n" + original.replace(original[300:330], prose(4321, 30))
    files = {"成员0.txt": original, "成员1.txt": copy, "成员2.txt": report_text(2, original[400:700])}
    files |= {f"成员{i}.txt": report_text(i) for i in range(3, 7)}
    report = scan(write(tmp_path / "c", files))
    assert [(c.members, c.documents) for c in report.copies] == [(("成员0", "成员1"), ("成员0.txt", "成员1.txt"))]
    assert min(report.copies[0].shares) >= 0.9
    assert {frozenset((p.member_a, p.member_b)) for p in report.pairs} >= {frozenset(("成员0", "成员2"))}
    table = render_table(report, threshold=0.7)
    assert table.startswith("Whole-report copies (1)")
    assert report.to_dict()["copies"][0]["members"] == ["成员0", "成员1"]


def test_one_text_many_members_hand_in_is_a_finding_not_boilerplate(tmp_path):
    """60 of 68 members hand in one text: it is one whole-report copy listing all 60 and one group, labelled
    reuse in each of theirs — not boilerplate, though most members hold it; the sentence every report opens with
    stays boilerplate, and the 8 who wrote their own are original."""
    opening = "按照上级党委关于召开年度组织生活会的通知要求，本人认真开展对照检查。"
    same = report_text(0, opening)
    files = {f"同{i:02d}.txt": same for i in range(60)}
    files |= {f"独{i}.txt": report_text(i + 1, opening) for i in range(8)}
    report = scan(write(tmp_path / "c", files))
    assert [len(c.documents) for c in report.copies] == [60]
    assert sorted(report.copies[0].members) == [f"同{i:02d}" for i in range(60)]
    assert min(report.copies[0].shares) == 1.0
    assert [len(g.members) for g in report.groups] == [60]
    by_member = {d.member: d for d in report.documents}
    for i in range(60):
        assert by_member[f"同{i:02d}"].shares.reuse > 0.9
    for i in range(8):
        own = by_member[f"独{i}"]
        assert own.shares.originality > 0.9 and own.shares.boilerplate > 0.02 and own.shares.reuse == 0
    table = render_table(report, threshold=0.7)
    assert table.startswith("One report handed in by several members (1)")
    assert "… (60 in all)" in table.splitlines()[3]
    assert report.to_dict()["copies"][0]["documents"] == [f"同{i:02d}.txt" for i in range(60)]


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
OUTLINE_LIST = (
    '<w:abstractNum w:abstractNumId="0">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/><w:lvlText w:val="%1、"/>'
    "</w:lvl>"
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    "</w:abstractNum>"
    '<w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>'
)


def numbered_report_docx(path, seed):
    """A report whose headings are plain paragraphs (not bold, no heading style) numbered by Word, after a table
    of contents written as a field, as older Word and WPS write it."""
    doc = docx.Document()
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for child in parse_xml(f"<w:numbering {W_NS}>{OUTLINE_LIST}</w:numbering>"):
        numbering.append(child)
    doc.add_paragraph(f"对照检查材料{seed}")
    toc = [
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TOC \\o "1-3" \\h </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "",
        "",
    ]
    for i, entry in enumerate(["一、存在的问题", "（一）理论学习", "二、整改措施"]):
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if i == 2 else ""
        xml = f"<w:p {W_NS}>{toc[i]}<w:r><w:t>{entry}</w:t><w:tab/><w:t>{i + 1}</w:t></w:r>{end}</w:p>"
        doc.element.body.sectPr.addprevious(parse_xml(xml))
    for title, level, n in [("存在的问题", 0, 0), ("理论学习", 1, 1), ("工作作风", 1, 2), ("整改措施", 0, 3)]:
        paragraph = doc.add_paragraph(title)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="3"/></w:numPr>')
        )
        doc.add_paragraph(prose(seed * 100 + n, 150))
    doc.save(path)


def test_headings_numbered_by_word_are_the_sections_and_the_table_of_contents_is_not(tmp_path):
    corpus = write(tmp_path / "c", {f"成员{i}.txt": report_text(i) for i in range(1, 3)})
    numbered_report_docx(corpus / "成员0.docx", 0)
    doc = by_member(scan(corpus))["成员0"]
    assert [(s.title, s.level) for s in doc.sections] == [
        ("对照检查材料0", 1),
        ("一、存在的问题", 1),
        ("（一）理论学习", 2),
        ("（二）工作作风", 2),
        ("二、整改措施", 1),
    ]
    assert doc.sections[0].chars == len("对照检查材料0")  # the table of contents is not part of the text
    assert all(s.chars > 100 for s in doc.sections[2:])


def test_table_of_contents_lines_of_a_text_file_are_no_sections(tmp_path):
    toc = "目录\n一、存在的问题\t2\n二、原因剖析……………3\n三、整改措施......4\n"
    files = {f"成员{i}.txt": report_text(i) for i in range(1, 3)}
    text = report_text(0)
    title, rest = text.split("\n", 1)
    files["成员0.txt"] = f"{title}\n{toc}{rest}"
    doc = by_member(scan(write(tmp_path / "c", files)))["成员0"]
    assert [s.title for s in doc.sections] == ["对照检查材料0", "一、存在的问题", "二、原因剖析", "三、整改措施"]


def test_a_reuse_match_is_cut_to_the_text_labelled_reuse(tmp_path):
    """成员0 and 成员1 both took a template paragraph, and 成员1 copied 成员0's own sentences right after it: the
    two align as one passage over both, but the reuse match between them holds only the copied sentences — the
    template part is the template's finding, not the colleague's."""
    template = prose(90555, 120)
    copied = prose(90556, 90)
    files = {
        "成员0.txt": report_text(0, template + copied),
        "成员1.txt": report_text(1, template + copied),
        **{f"成员{i}.txt": report_text(i) for i in range(2, 6)},
    }
    corpus = write(tmp_path / "c", files)
    write(tmp_path / "t", {"模板.txt": template})
    report = scan(corpus, [tmp_path / "t" / "模板.txt"])
    texts = report.texts
    reuse = [m for m in report.matches if m.kind == "reuse"]
    sentences = copied.rstrip("。")  # a match ends on a letter
    assert reuse and all(texts[m.a.doc][m.a.start : m.a.end] == sentences for m in reuse)
    assert all(texts[m.b.doc][m.b.start : m.b.end] == sentences for m in reuse)
    assert {m.kind for m in report.matches} == {"reuse", "template"}


def test_a_reuse_match_does_not_run_on_into_the_boilerplate_around_the_copy(tmp_path):
    """成员1 copied 成员0's paragraph with what stands around it: a set phrase six of ten members open with and one
    they close with, each met by a few words only these two share. The alignment bridges the phrases into one
    passage, but the reuse match starts and ends on the copied paragraph in both reports: the phrases are
    everyone's wording, and what the two share beyond them too little to be a copy of its own."""
    opener, closer = "对照党章党规找差距", "以上问题务必整改到位"
    lead, tail = "结合分管工作", "在下一阶段的工作"
    inserts = {i: lead + opener + COPIED + closer + tail for i in (0, 1)}
    inserts |= {i: opener + prose(90_300 + i, 60) + closer for i in range(2, 6)}
    report = scan(write(tmp_path / "c", {f"成员{i}.txt": report_text(i, inserts.get(i, "")) for i in range(10)}))
    assert report.settings["boilerplate_members"] == 4
    copier = by_member(report)["成员0"]
    text = report.texts[copier.id]
    assert [text[s.start : s.end] for s in copier.spans if s.label == "boilerplate"] == [lead + opener, closer + tail]
    (match,) = report.matches
    assert match.kind == "reuse"
    for side in (match.a, match.b):
        assert report.texts[side.doc][side.start : side.end] == COPIED_SPAN


def test_a_copied_paragraph_holding_a_set_phrase_is_one_match(tmp_path):
    """成员1 copied 成员0's paragraph, which holds in its middle a set phrase (27 characters) five of ten members
    use: one reuse match over the whole paragraph in both reports, not two around the phrase, which stays
    boilerplate."""
    first, second = prose(90_401, 120).rstrip("。"), prose(90_402, 120)
    copied = first + PHRASE + second
    inserts = {0: copied, 1: copied} | {i: PHRASE for i in range(2, 5)}
    report = scan(write(tmp_path / "c", {f"成员{i}.txt": report_text(i, inserts.get(i, "")) for i in range(10)}))
    (match,) = report.matches
    assert match.kind == "reuse"
    for side in (match.a, match.b):
        assert report.texts[side.doc][side.start : side.end] == copied.rstrip("。")
    copier = by_member(report)["成员0"]
    text = report.texts[copier.id]
    assert [text[s.start : s.end] for s in copier.spans if s.label == "boilerplate"] == [PHRASE]


def test_of_two_partners_sharing_as_much_the_first_by_name_is_the_top_partner(tmp_path):
    """成员0's report holds a passage of 成员2 and one as long of 成员1: a tie, broken by the partner's name so
    that the same corpus always names the same partner."""
    from_1, from_2 = prose(90001, 150), prose(90002, 150)
    files = {
        "成员0.txt": report_text(0, from_2, from_1),
        "成员1.txt": report_text(1, "", from_1),
        "成员2.txt": report_text(2, from_2),
        **{f"成员{i}.txt": report_text(i) for i in range(3, 7)},
    }
    report = scan(write(tmp_path / "c", files))
    (copier,) = [d for d in report.documents if d.member == "成员0"]
    pairs = {(p.member_a, p.member_b): p for p in report.pairs}
    assert pairs[("成员0", "成员1")].chars_a == pairs[("成员0", "成员2")].chars_a > 140  # the tie
    assert copier.top_partner == "成员1"


def test_a_sentence_several_members_write_alike_is_no_pair_but_one_sentence_two_share_is(tmp_path):
    """A 20-character sentence in three members' reports of twelve (fewer than make boilerplate), each at another
    place and with nothing else shared, is a set phrase: no pair and no reuse. The same sentence in only two
    members' reports is a reuse pair."""
    sentence = "坚决反对形式主义官僚主义切实减轻基层负担。"
    others = {f"x{n}.txt": report_text(10 + n) for n in range(9)}
    three = {f"m{n}.txt": report_text(n, *([""] * (n - 1)), sentence) for n in range(1, 4)}
    several = scan(write(tmp_path / "three", {**others, **three}))
    assert several.settings["boilerplate_members"] == 4
    assert several.pairs == [] and all(d.shares.reuse == 0 for d in several.documents)
    two = scan(write(tmp_path / "two", {**others, **three, "m3.txt": report_text(3)}))
    assert [(p.member_a, p.member_b) for p in two.pairs] == [("m1", "m2")]


QUOTED = prose(77_777, 70)  # a sentence of a speech that members quote
QUOTED_TEXT = f"“{QUOTED}”"


def test_a_quotation_members_cite_is_quote_and_no_reuse_between_them(tmp_path):
    """Two members quoting the same sentence of a speech, each with a citation and their own words around it, share
    no reuse: the sentence is quote in both, its span exactly what the marks hold (a span runs from a character
    to a character, as every span does)."""
    files = {f"成员{i}.txt": report_text(i) for i in range(2, 6)}
    files["成员0.txt"] = report_text(0, f"总书记在讲话中指出：{QUOTED_TEXT}")
    files["成员1.txt"] = report_text(1, f"会上强调，{QUOTED_TEXT}")
    report = scan(write(tmp_path / "c", files))
    docs = by_member(report)
    for member in ("成员0", "成员1"):
        text = report.texts[docs[member].id]
        assert [text[s.start : s.end] for s in docs[member].spans if s.label == "quote"] == [QUOTED.rstrip("。")]
        assert docs[member].shares.reuse == 0 and docs[member].shares.quote > 0.03
        assert docs[member].shares.originality + docs[member].shares.quote == pytest.approx(1.0)
    assert report.pairs == [] and report.matches == []


def test_the_same_sentence_in_marks_after_no_citation_or_with_quotes_off_is_reuse(tmp_path):
    """Without a citation the marks quote nothing, and with ``quotes=False`` a citation counts for nothing: the
    shared sentence is reuse between the two members, as any copied sentence."""
    files = {f"成员{i}.txt": report_text(i) for i in range(2, 6)}
    files["成员0.txt"] = report_text(0, f"我理解{QUOTED_TEXT}的含义")
    files["成员1.txt"] = report_text(1, f"会上的{QUOTED_TEXT}很好")
    uncited = scan(write(tmp_path / "a", files))
    assert [(p.member_a, p.member_b) for p in uncited.pairs] == [("成员0", "成员1")]
    files["成员0.txt"] = report_text(0, f"总书记指出：{QUOTED_TEXT}")
    files["成员1.txt"] = report_text(1, f"会上强调，{QUOTED_TEXT}")
    off = scan(write(tmp_path / "b", files), settings=ScanSettings(quotes=False))
    assert [(p.member_a, p.member_b) for p in off.pairs] == [("成员0", "成员1")]
    assert all(d.shares.quote == 0 for d in off.documents)


def test_a_quotation_padded_with_a_members_words_leaves_the_words_theirs(tmp_path):
    """A member's words around a quotation are theirs: a colleague who quotes the same sentence with words of their
    own shares nothing with them, and one who copies the paragraph, words and quotation, shares the words as reuse."""
    own_before, own_after = prose(5_001, 60), prose(5_002, 60)
    paragraph = f"{own_before}总书记指出：{QUOTED_TEXT}{own_after}"
    files = {f"成员{i}.txt": report_text(i) for i in range(3, 7)}
    files["成员0.txt"] = report_text(0, paragraph)
    files["成员1.txt"] = report_text(1, paragraph)  # copied whole
    files["成员2.txt"] = report_text(2, f"{prose(5_003, 60)}总书记指出：{QUOTED_TEXT}{prose(5_004, 60)}")
    report = scan(write(tmp_path / "c", files))
    docs = by_member(report)
    assert [(p.member_a, p.member_b) for p in report.pairs] == [("成员0", "成员1")]
    text = report.texts[docs["成员0"].id]
    reused = "".join(text[s.start : s.end] for s in docs["成员0"].spans if s.label == "reuse")
    assert own_before.rstrip("。") in reused and own_after.rstrip("。") in reused and QUOTED not in reused
    assert docs["成员2"].shares.reuse == 0 and docs["成员2"].shares.quote > 0
