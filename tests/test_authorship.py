"""Who wrote which file: authorship.infer on invented names, and on the real corpus laid out as a reviewer gets it.

The real corpus (../shared/corpus-real, or DUPCHECK_REAL_CORPUS) is read at run time, never copied in: its
SOURCES.tsv gives the ground truth (the same person id pNNN is the same person, ``zhibu`` the committee).
Every name in the tables below is invented.
"""

from __future__ import annotations

import csv
import itertools
import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dupcheck.authorship import _NOT_NAMES, Authorship, infer, parse_version, person_in_name

REAL = Path(os.environ.get("DUPCHECK_REAL_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus-real"))
needs_real = pytest.mark.skipif(
    not (REAL / "SOURCES.tsv").is_file(), reason=f"the real corpus is not at {REAL} (set DUPCHECK_REAL_CORPUS)"
)

# ------------------------------------------------------------------------------------ naming patterns
# (relative path, person, role) — each a pattern seen in real submissions, with invented names and units.
PERSONAL = [
    ("1 交付/2025年度组织生活会发言提纲-张伟.docx", "张伟", None),
    ("1 交付/2025年度组织生活会发言提纲-模板-李娜V5.docx", "李娜", None),
    ("1 交付/2025年度组织生活会发言材料-王芳芳.docx", "王芳芳", None),
    ("2 纪检/2025年度组织生活会发言提纲个人-刘洋.docx", "刘洋", None),
    ("2 纪检/2025年组织生活会个人发言材料-陈静.docx", "陈静", None),
    ("3 城东/杨帆+2025年度个人对照检查材料.docx", "杨帆", None),
    ("3 城东/赵磊+2025年度个人对照发言材料.docx", "赵磊", None),
    ("4 南关/2025年组织生活会发言材料孙丽.docx", "孙丽", None),
    ("4 南关/民主生活会发言材料-周强.docx", "周强", None),
    ("4 南关/南关区分公司党支部2025年度组织生活会支部书记吴敏个人发言材料.docx", "吴敏", "支部书记"),
    ("5 北山/附件5：个人发言材料-郑洁 (1).docx", "郑洁", None),
    ("6 营业部/2025年度营业部党支部组织生活会个人发言材料-冯雪.docx", "冯雪", None),
    ("7 新区/2025年度基层党组织组织生活会个人发言提纲_褚云飞.docx", "褚云飞", None),
    ("7 新区/（卫红霞）2025年度基层党组织组织生活会个人发言.docx", "卫红霞", None),
    ("8 人力/附件附件5：个人发言材料-人力资源部党支部蒋涛.docx", "蒋涛", None),
    ("9 运维局/个人发言材料.林芳.docx", "林芳", None),
    ("11 办公室/3-12025年度组织生活会个人发言陈静怡.docx", "陈静怡", None),
    ("11 办公室/3-2个人发言材料＿办公室黄磊.docx", "黄磊", None),
    ("11 办公室/3-3徐刚-2025年度组织生活会材料.docx", "徐刚", None),
    ("11 办公室/3-42025年度组织生活会个人发言-办公室马丽 (1).docx", "马丽", None),
    ("12 东城/2025年度组织生活会个人发言材料-（支部书记胡军）.docx", "胡军", "支部书记"),
    ("12 东城/2025年度组织生活会个人发言材料-（组织委员、纪检委员朱红梅）.docx", "朱红梅", "组织委员、纪检委员"),
    ("12 东城/2025年度组织生活会发言材料-（宣传委员韩冰）.docx", "韩冰", "宣传委员"),
    ("14 党建/2025年度党员领导干部组织生活会个人发言材料-高翔.docx", "高翔", None),
    ("15 客服/2-2025年度组织生活会个人发言材料-客服部林涛0401.docx", "林涛", None),
    ("16 西站/2025年度何静组织生活会发言.docx", "何静", None),
    ("17 河口/2025年度组织生活会个人发言（郭勇3.12.docx", "郭勇", None),
    ("17 河口/2025年度组织生活会发言提纲.罗敏.docx", "罗敏", None),
    ("17 河口/组织生活会发言材料（梁艳）3.11.docx", "梁艳", None),
    ("18 网络部/2025年度组织生活会发言提纲-宋佳V2.docx", "宋佳", None),
    ("18 网络部/附件5：个人发言材料-谢飞v1.docx", "谢飞", None),
    ("19 综服/2025年度组织生活会个人对照检查发言材料--综服中心韩梅.docx", "韩梅", None),
    ("20 数字/2025年度基层党组织组织生活会个人发言材料（数字化中心-唐亮）.docx", "唐亮", None),
    ("22 校园/2025年度基层党组织组织生活会个人对照检查材料——冯宇.docx", "冯宇", None),
    ("24 运营/2025年度组织生活会发言材料--许文涛.docx", "许文涛", None),
    ("25 河西/河西县分公司党支部2025年度组织生活会宣传委员许亮发言材料.docx", "许亮", "宣传委员"),
    ("25 河西/河西县分公司党支部2025年度组织生活会青年委员邓佳佳发言材料.docx", "邓佳佳", "青年委员"),
    ("27 东湖/2025年度组织生活会发言（沈涛）.docx", "沈涛", None),
    ("27 东湖/支部书记发言材料（曹颖）20260311（定）.docx", "曹颖", "支部书记"),
    ("28 政企/附件5：政企部党支部书记邓华发言材料0302（以此为准）.docx", "邓华", "支部书记"),
    ("1 交付/修改稿/个人-交付-彭辉.docx", "彭辉", None),
    ("1 交付/修改稿/个人-彭辉-交付.docx", "彭辉", None),
    ("2 纪检/修改稿/个人-纪检审计-曾静.docx", "曾静", None),
    ("14 党建/修改稿/个人-田甜-党建工作部.docx", "田甜", None),
    ("张 三-发言材料.docx", "张三", None),
    ("2025年度组织生活会发言材料-李  明.docx", "李明", None),
    ("欧阳明+2025年度个人对照检查材料.docx", "欧阳明", None),
    ("个人发言材料-司马光辉.docx", "司马光辉", None),
    ("01.个人发言材料-诸葛晓东.docx", "诸葛晓东", None),
    ("附件3：上官云2025年度组织生活会个人发言提纲.docx", "上官云", None),
    ("2025年度组织生活会发言材料-张伟华.docx", "张伟华", None),
    ("2025年度组织生活会发言材料第二稿-段鹏.docx", "段鹏", None),
    ("2025年度组织生活会发言材料-蔡琳（修改稿）.docx", "蔡琳", None),
    ("2025年度组织生活会发言材料-潘婷定稿.docx", "潘婷", None),
    ("2025年度组织生活会发言材料：汤明.docx", "汤明", None),
    ("2025年度组织生活会检视剖析材料 石磊.pdf", "石磊", None),
    ("对照检查材料【钟华】.doc", "钟华", None),
    ("2025年度组织生活会个人发言提纲（终稿）-姚远.wps", "姚远", None),
]


@pytest.mark.parametrize(("path", "person", "role"), PERSONAL)
def test_the_name_is_found_wherever_it_stands(path: str, person: str, role: str | None) -> None:
    found = infer(path)
    assert (found.person, found.kind) == (person, "personal"), found.how
    assert found.role == role
    unit = "/".join(p for p in path.split("/")[:-1] if p != "修改稿")
    assert found.member == (f"{unit}·{person}" if unit else person)
    assert found.how


ROLE_ONLY = [
    ("2025年宣传委员个人对照检查材料（东区营业部党支部）.docx", "宣传委员", "东区营业部·宣传委员"),
    ("2025年纪检委员个人对照检查材料东区营业部党支部）.docx", "纪检委员", "东区营业部·纪检委员"),
    ("21 东区/东区营业部党支部书记个人对照检查材料0228.docx", "支部书记", "21 东区·支部书记"),
]


@pytest.mark.parametrize(("path", "role", "member"), ROLE_ONLY)
def test_a_file_that_names_only_a_role_is_that_role_of_its_unit(path: str, role: str, member: str) -> None:
    found = infer(path)
    assert (found.person, found.role, found.kind, found.member) == (None, role, "personal", member), found.how


COLLECTIVE = [
    ("3 城东/城东分公司支部委员会2025年度对照检查材料.docx", "3 城东·班子"),
    ("4 南关/南关区分公司组织生活会党支部对照检查材料2025.docx", "4 南关·班子"),
    ("6 营业部/支部班子作对照检查发言+0314.docx", "6 营业部·班子"),
    ("11 办公室/3办公室支部2025年度基层党组织组织生活会支部委员会对照检查材料.docx", "11 办公室·班子"),
    ("12 东城/2025年度基层党组织组织生活会支部委员会对照检查材料--东城分公司党支部.docx", "12 东城·班子"),
    ("18 网络部/网络部党支部发言材料V4.docx", "18 网络部·班子"),
    ("25 河西/河西县分公司党支部2025年度组织生活会支委班子发言材料.docx", "25 河西·班子"),
    ("26 南湖/2025年度基层党组织组织生活会+支部对照检查材料.docx", "26 南湖·班子"),
    ("2 纪检/2025年度基层党组织组织生活会-派驻纪检审计党支部材料.docx", "2 纪检·班子"),
    ("1 交付/修改稿/班子-交付.docx", "1 交付·班子"),
    ("领导班子对照检查材料（城北支部）.docx", "城北·班子"),
    ("班子-城南.docx", "城南·班子"),
]


@pytest.mark.parametrize(("path", "member"), COLLECTIVE)
def test_committee_materials_are_collective_one_per_unit(path: str, member: str) -> None:
    found = infer(path)
    assert (found.kind, found.member, found.person) == ("collective", member, None), found.how


NOBODY = [
    "12 东城/关于召开2025年度支部组织生活会的通知.docx",
    "12 东城/附件4：党支部发言材料参考模板.docx",
    "12 东城/2025年度党建工作报告.docx",
    "新建文档.docx",
    "2025年度组织生活会个人发言材料.docx",
    "3-1.docx",
    "",
    "///",
    "（）.docx",
]


@pytest.mark.parametrize("path", NOBODY)
def test_a_file_that_names_nobody_is_unknown_and_alone(path: str) -> None:
    found = infer(path)
    assert found.kind == "unknown" and found.person is None
    assert found.member.startswith("unknown:")
    assert infer("other/" + path).member != found.member


def test_people_stay_apart() -> None:
    members = {
        infer("2025年度组织生活会发言材料-张伟.docx").member,
        infer("2025年度组织生活会发言材料-张伟华.docx").member,
        infer("一支部/张伟-发言材料.docx").member,
        infer("二支部/张伟-发言材料.docx").member,
        infer("一支部/宣传委员个人对照检查材料.docx").member,
        infer("二支部/宣传委员个人对照检查材料.docx").member,
        infer("一支部/组织委员个人对照检查材料.docx").member,
        infer("一支部/支部委员会对照检查材料.docx").member,
        infer("二支部/支部委员会对照检查材料.docx").member,
        infer("一支部/新建文档.docx").member,
        infer("一支部/新建文档 (1).docx").member,
    }
    assert len(members) == 11


def test_one_person_in_one_unit_is_one_member_whatever_the_file_is_called() -> None:
    names = [
        "11 办公室/3-12025年度组织生活会个人发言陈静怡.docx",
        "11 办公室/修改稿/个人-陈静怡-办公室.docx",
        "11 办公室/陈静怡+2025年度个人对照检查材料（定稿）.docx",
        "11 办公室/定稿/2025年组织生活会发言材料（支部书记陈静怡）V3.pdf",
    ]
    assert {infer(n).member for n in names} == {"11 办公室·陈静怡"}


def test_unit_from_the_name_when_not_from_the_folder() -> None:
    found = infer("6 营业部/2025年度营业部党支部组织生活会个人发言材料-冯雪.docx", unit_from_folder=False)
    assert (found.unit, found.member) == ("营业部", "营业部·冯雪")
    assert infer("个人发言材料-冯雪.docx").member == "冯雪"  # no unit known: the person alone


# ------------------------------------------------------------------------------------------ the text
def test_text_title_line_names_the_author() -> None:
    text = "王小明同志2025年度个人对照检查材料\n\n按照上级党组织的部署要求，现对照检查如下。\n"
    found = infer("一支部/2025年度对照检查材料.docx", text)
    assert (found.person, found.member, found.kind) == ("王小明", "一支部·王小明", "personal")
    assert "title" in found.how
    found = infer("一支部/2025年度对照检查材料.docx", "李华个人对照检查材料\n\n一、上年度整改落实情况\n")
    assert found.person == "李华"


def test_text_unit_and_role_line_names_the_author() -> None:
    text = "2025年度组织生活会发言提纲\n\n城北营业部党支部宣传委员  何丽\n\n一、上年度整改落实情况\n正文。\n"
    found = infer("城北/个人发言提纲.docx", text)
    assert (found.person, found.role, found.member) == ("何丽", "宣传委员", "城北·何丽")


def test_speaker_line_names_the_author() -> None:
    text = "2025年度组织生活会发言提纲\n发言人：赵强\n\n一、学习情况\n……\n"
    assert infer("发言提纲.docx", text).person == "赵强"


def test_signature_and_date_at_the_end_name_the_author() -> None:
    body = "一、上年度整改落实情况\n\n认真学习，深入查摆。\n\n以上是我的对照检查，请批评指正。\n\n"
    assert infer("发言材料.docx", body + "孙悦\n\n2026年3月12日\n").person == "孙悦"
    assert infer("发言材料.docx", body + "东城营业部党支部书记：钱多多\n2026年2月28日").person == "钱多多"
    found = infer("一支部/宣传委员个人对照检查材料.docx", body + "东城营业部党支部：欧阳晓\n")
    assert (found.person, found.role, found.member) == ("欧阳晓", "宣传委员", "一支部·欧阳晓")


def test_text_signed_by_the_branch_is_collective() -> None:
    text = (
        "2025年度基层党组织组织生活会对照检查材料\n东城营业部党支部\n一、整改落实情况\n……。\n"
        "东城营业部党支部\n2026年2月28日"
    )
    found = infer("21 东城/2025年度基层党组织组织生活会对照检查材料1.docx", text)
    assert (found.kind, found.member) == ("collective", "21 东城·班子")


def test_a_committee_title_beats_the_presenter_in_the_file_name() -> None:
    text = "2024年度基层党组织组织生活会\n\n城东支部委员会对照检查材料\n\n一、整改落实情况\n……。\n"
    found = infer("16 城东/2024年度基层党组织组织生活会发言材料（刘强）.docx", text)
    assert (found.kind, found.member, found.person) == ("collective", "16 城东·班子", None)
    assert "刘强" in found.how


def test_a_text_without_names_leaves_the_author_unknown() -> None:
    text = "2025年度组织生活会发言材料\n\n城东联通城东分公司\n\n一、学习情况\n\n深入学习，全面查摆。\n"
    found = infer("发言材料.docx", text)
    assert found.kind == "unknown" and found.person is None


# ------------------------------------------------------------------------------------------ versions
def test_version_marks_rank_final_over_revised_over_plain_over_draft() -> None:
    order = [
        "发言材料（初稿）",
        "发言材料",
        "发言材料 (1)",
        "发言材料 (2)",
        "发言材料修改稿",
        "发言材料第二稿",
        "发言材料v3",
        "发言材料V5",
        "发言材料定稿",
    ]
    ranks = [parse_version(n).rank for n in order]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert parse_version("发言材料v1").rank == parse_version("发言材料修改稿").rank  # 修改稿 counts as the first
    assert parse_version("发言材料（以此为准）").tier == "final"
    assert parse_version("发言材料（定）").tier == "final"
    assert parse_version("材料0302").rank < parse_version("材料0311").rank
    assert infer("一支部/修改稿/张伟-发言材料.docx").version.tier == "revised"


# ------------------------------------------------------------------------------------------ invariants
SURNAMES = list("王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任")
COMPOUND = ["欧阳", "司马", "上官", "诸葛", "皇甫", "东方", "慕容", "令狐"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞刚桂英华玉萍鹏飞斌浩凯琳婷雪梅琴莉兰洁晶颖倩俊辉宇晨欣悦"
names = st.one_of(
    st.builds(lambda s, g: s + g, st.sampled_from(SURNAMES), st.text(GIVEN, min_size=1, max_size=2)),
    st.builds(lambda s, g: s + g, st.sampled_from(COMPOUND), st.text(GIVEN, min_size=1, max_size=2)),
)
TEMPLATES = [
    "2025年度组织生活会发言提纲-{}",
    "{}+2025年度个人对照检查材料",
    "2025年度组织生活会个人发言{}",
    "个人发言材料.{}",
    "（{}）2025年度基层党组织组织生活会个人发言",
    "2025年度组织生活会个人发言材料-（支部书记{}）",
    "城东分公司党支部2025年度组织生活会宣传委员{}发言材料",
    "个人-{}-城东",
    "2025年度{}组织生活会发言",
]
PREFIXES = ["", "3-1", "3-2 ", "01.", "2-", "附件5：", "附件附件5：", "12、"]
VERSIONS = ["", "V2", "v3", "（1）", " (2)", "修改稿", "定稿", "（定）", "第二稿", "终稿", "0302", "20260311"]


@given(names, st.sampled_from(TEMPLATES), st.sampled_from(PREFIXES), st.sampled_from(VERSIONS))
def test_numbering_and_version_marks_never_change_the_person(name, template, prefix, version) -> None:
    assume(name not in _NOT_NAMES)
    plain = template.format(name)
    assert person_in_name(plain + ".docx", ("城东",)) == name
    assert person_in_name(prefix + plain + version + ".docx", ("城东",)) == name
    found = infer(f"城东/{prefix}{plain}{version}.docx")
    assert found.member == f"城东·{name}"


@given(st.text(max_size=60), st.one_of(st.none(), st.text(max_size=300)), st.booleans())
def test_infer_never_raises_and_keys_unknowns_by_path(path, text, from_folder) -> None:
    found = infer(path, text, unit_from_folder=from_folder)
    assert isinstance(found, Authorship) and found.kind in ("personal", "collective", "unknown")
    if found.kind == "unknown" or (found.person is None and not found.unit):
        assert found.member.startswith("unknown:")


# ------------------------------------------------------------------------------------------ the real corpus
def real_layout() -> list[tuple[str, str, str]]:
    """(file, relative path as a reviewer gets it, genre) for every row of SOURCES.tsv.

    A first-folder file keeps its unit folder (``11 办公室/…``); an ``_alt`` copy goes to ``<unit>/修改稿/`` of
    the unit its branch code has in the first folder (or, for a branch only there, the unit its 班子 copy
    names); the two attachments stay in ``附件/``.
    """
    with (REAL / "SOURCES.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    folder_of: dict[str, str] = {}
    for row in rows:
        if "组织生活会/" in row["path"] and not row["file"].endswith("_alt.txt"):
            folder_of.setdefault(row["file"].split("_")[1], row["path"].split("组织生活会/")[1].rsplit("/", 1)[0])
    for row in rows:
        base = Path(row["path"]).stem
        if base.startswith("班子-"):
            folder_of.setdefault(row["file"].split("_")[1], base.removeprefix("班子-"))
    laid = []
    for row in rows:
        base = Path(row["path"]).stem + ".txt"
        if row["file"].endswith("_alt.txt"):
            rel = f"{folder_of[row['file'].split('_')[1]]}/修改稿/{base}"
        elif "组织生活会/" in row["path"]:
            rel = row["path"].split("组织生活会/")[1].rsplit("/", 1)[0] + "/" + base
        else:
            rel = str(Path(row["path"]).parent / base)
        laid.append((row["file"], rel, row["genre"]))
    return laid


def person_id(file: str) -> str | None:
    return next((p for p in file.removesuffix(".txt").split("_") if p[:1] == "p" and p[1:].isdigit()), None)


@pytest.fixture(scope="module")
def real() -> list[tuple[str, str, str, Authorship]]:
    inferred = []
    for file, rel, genre in real_layout():
        text = (REAL / "docs" / file).read_text(encoding="utf-8")
        inferred.append((file, rel, genre, infer(rel, text)))
    table = os.environ.get("DUPCHECK_AUTHORSHIP_TABLE")
    if table:  # for a look at the whole table: file, member, unit, kind, how
        with open(table, "w", encoding="utf-8") as out:
            out.write("file\tpath\tmember\tunit\tkind\tperson\trole\tversion\thow\n")
            for file, rel, _, a in inferred:
                version = "/".join(a.version.marks)
                row = [file, rel, a.member, a.unit, a.kind, a.person or "", a.role or "", version, a.how]
                out.write("\t".join(row) + "\n")
    return inferred


@needs_real
def test_real_no_two_people_share_a_member_and_one_person_mostly_keeps_one(real, capsys) -> None:
    people = [(person_id(f), a.member) for f, _, _, a in real if person_id(f)]
    merged = [(p, q) for (p, m), (q, n) in itertools.combinations(people, 2) if p != q and m == n]
    same = [(m, n) for (p, m), (q, n) in itertools.combinations(people, 2) if p == q]
    kept = sum(m == n for m, n in same)
    with capsys.disabled():
        print(f"\nreal corpus: {len(people)} files of people; pairs of one person's files: {len(same)}, "
              f"same member {kept} ({kept / len(same):.0%}); different people merged: {len(merged)}")  # fmt: skip
    assert merged == []
    assert kept >= 0.9 * len(same)


@needs_real
def test_real_committee_files_are_collective_and_people_personal(real, capsys) -> None:
    kinds = Counter()
    for file, _, _, a in real:
        truth = "collective" if "_zhibu" in file else "personal" if person_id(file) else "other"
        kinds[truth, a.kind] += 1
    with capsys.disabled():
        print("\nreal corpus (truth, inferred): " + ", ".join(f"{t}→{k} {n}" for (t, k), n in sorted(kinds.items())))
    assert kinds["collective", "personal"] == 0 and kinds["collective", "unknown"] == 0
    assert kinds["personal", "collective"] == 0 and kinds["personal", "unknown"] <= 2
    # Collective members are per unit: committee files of two units never share a key.
    committee = {a.member: a.unit for f, _, _, a in real if a.kind == "collective"}
    assert len(set(committee.values())) == len(committee)


@needs_real
def test_real_files_without_a_person_id_are_not_merged_with_people(real) -> None:
    by_member: dict[str, set[str]] = {}
    for file, _, _, a in real:
        by_member.setdefault(a.member, set()).add(person_id(file) or file)
    for file, _, genre, a in real:
        if person_id(file) or "_zhibu" in file:
            continue
        ids = {i for i in by_member[a.member] if i.startswith("p")}
        # A personal file without an id may join one person at most (its text signs with that person's name).
        assert len(ids) <= 1, (file, a.member)
        if "模板" in genre or "通知" in genre:  # the template and the notice: given to dupcheck as templates
            assert a.kind == "unknown" and by_member[a.member] == {file}
