"""Who wrote a report, for which unit, and which version it is: read from its path, and from its text.

A pure stage: :func:`infer` is given a path relative to the corpus (``"11 办公室/3-1个人发言张三.docx"``) and,
when the caller has it, the document's text, and returns an :class:`Authorship`. Nothing is read from disk.

How a file name is read (each step leaves a separator where it took something out, so that what is left
falls apart into short pieces, one of which is usually the name):

1. full-width forms are folded (``（１）`` is ``(1)``, ``：`` is ``:``), spaces inside a name (``张 三``) are
   closed up when the pieces around them make one name;
2. **version marks** are taken out and kept (:class:`Version`): 定稿 终稿 最终版 以此为准 ``(定)``, 修改稿 修订稿
   第二稿 二稿 ``v2``/``V5``, 初稿 草稿, copies ``(1)`` 副本; dates (``20260311``, ``0302``, ``3.12``, ``3月12日``);
   years (``2025年度``); numbering (``3-1``, ``01.``, ``附件5：``);
3. the **genre's vocabulary** (年度, 组织生活会, 民主生活会, 个人, 发言, 提纲, 材料, 对照检查, 检视剖析, 模板 …) and
   company names (``焦作联通``) are taken out; words of a branch committee's material (支部委员会, 支委, 班子,
   领导班子) are taken out and noted; **roles** (支部书记, 宣传委员, 组织委员, 纪检委员 …) are taken out and noted,
   with the piece that follows a role remembered as "after the role"; job titles (总经理, 主任 …) go too;
4. **units** are peeled off the front of each piece (``人力资源部党支部许娟`` → 人力资源部, 党支部 | 许娟): a run
   ending in 分公司 公司 党支部 支部 党委 中心 事业部 部门 部 局 办公室 室 县 区; the names of the unit's folders
   (``11 办公室`` → 办公室) are taken out wherever they stand;
5. a piece left is a **person's name** when it is two or three Chinese characters starting with a surname
   (three or four after a compound surname: 欧阳 司马 诸葛 上官 …), and is not a common word of the genre.
   When several pieces qualify, the one after a role wins, then one the document's text also names, then the
   first.

Where the file name names nobody, the text is read: its title block (the short lines before the body:
``张三同志个人对照检查材料``, ``XX党支部宣传委员 张三``, ``发言人：张三``) and its signature (the short lines at
the end, a date passed over: ``张三``, ``XX党支部书记：张三``).

Kinds: ``"personal"`` (a person's own material, named or known by role), ``"collective"`` (the branch
committee's material: the name or the title says 支部委员会/支委/班子, or a branch's 对照检查/发言 material names
no person and nobody signs it), ``"unknown"`` (anything else: notices, templates, reports that name nobody).

Member keys never join two people silently: ``"<unit>·<person>"`` (or ``"<person>"`` where no unit is known),
``"<unit>·<role>"`` for a file that names only a role, ``"<unit>·班子"`` for the committee, and
``"unknown:<relative path>"`` for a file whose author cannot be told (unique to the file). The unit of the key is
the folder's (when ``unit_from_folder``), else the unit the name or the text names; two spellings of one unit
(``14 党建`` and ``党建工作部``) are two units here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["Authorship", "Version", "infer", "parse_version", "person_in_name"]

KINDS = ("personal", "collective", "unknown")  # the values of Authorship.kind

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SEP = "|"  # what a step leaves where it took something out

# ---------------------------------------------------------------------------------------------------- surnames
# The common single surnames (the 百家姓 order, then modern ones it lacks) and the compound ones.
_SINGLE_SURNAMES = set(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎"
    "鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄"
    "和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭"
    "梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚"
    "程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫"
    "宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴郁胥能苍双"
    "闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容"
    "向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空"
    "曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公闫岳帅佟覃付仝练邝植谯揭汝鄢涂钦"
)
_COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "令狐", "慕容", "夏侯", "长孙", "宇文",
    "司徒", "司空", "轩辕", "端木", "独孤", "南宫", "西门", "东郭", "呼延", "钟离", "淳于", "单于", "太史",
    "申屠", "闻人", "赫连", "澹台", "公冶", "宗政", "濮阳", "太叔", "仲孙", "鲜于", "闾丘", "亓官", "司寇",
    "子车", "颛孙", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良", "拓跋", "夹谷", "宰父", "谷梁", "段干",
    "百里", "梁丘", "左丘", "第五", "万俟", "羊舌", "微生", "公羊", "东门", "南门", "归海", "伯赏",
}  # fmt: skip


# Words that start with a surname's character and stand alone in file names and title lines of this genre.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NOT_NAMES = _words(
    """
    党建 党员 党课 党委 党性 党风 党纪 党组 党务 党内 党外 党史 党章 党旗 党费 党总支 党支部
    支部 支委 班子 班组 宣传 宣讲 组织 纪检 纪律 纪委 纪要 审计 全面 全体 全年 全员 全部 全局
    文件 文字 文化 成员 成效 成绩 成立 成为 安全 安排 经营 经济 经验 经理 管理 管控 通信 通知
    通报 通过 通讯 上年 明确 明年 明显 常态 常委 常务 常规 方面 方案 方向 任务 任何 任职 金融
    金额 关于 关键 和开展 和谐 严守 严格 严实 严肃 周密 周期 周年 时间 时期 时代 应该 应当 应对
    程序 程度 计划 项目 杜绝 季度 季节 强化 强调 路线 路径 高质量 高效 高层 高度 万人 万元 万一
    公司 公示 公开 公平 公共 公正 公务 公文 单位 单项 单独 部门 中心 司机 司法 车间 车辆 市场
    网络 网运 政企 政要 交付 创新 企业 校园 客服 综服 稽核 人力 财务 办公 马村 孟州 武陟 解放
    解决 解读 温县 修武 博爱 沁阳 山阳 中站 焦作 谈心 谈话 谈论 能力 能源 能否 平台 平时 双向
    双方 申请 申报 申明 向上 向前 易于 宗旨 宗教 于是 包括 左右 齐抓 齐心 康复 家庭 家属 封闭
    富民 山区 祖国 符合 龙头 印发 从严 从而 边界 尚未 农村 农业 连续 习惯 居民 步骤 满意 满足
    国企 国家 国有 国内 广大 广泛 东部 利用 利益 师傅 师资 冷静 空白 曾经 相关 相互 查摆 查找
    后续 后果 红色 红旗 权力 权责 权利 区域 县域 马上 马克思 花费 苗头 章程 章节 云端 卫生 许可
    何时 施工 施策 孔子 谢谢 水平 范围 费用 廉洁 廉政 罗列 毕业 顾客 黄色 毛病 戴帽 祝贺 董事
    蓝色 席位 颜色 盛世 林立 钟点 蔡氏 田野 支持 支撑 莫名 房产 干事 干部 包保 石头 吉祥 荣获
    荣誉 惠民 甄别 曲折 曲线 松懈 段落 富裕 焦点 车站 班级 秋季 仲裁 伊始 宁静 武装 符号 景观
    薄弱 印刷 索取 卓越 池塘 劳动 扶贫 通道 边缘 庄重 庄严 连接 容易 古今 易懂 慎重 终身 居然
    衡量 步伐 都是 弘扬 越来越 隆重 巩固 融合 辛苦 那么 简化 空间 养成 须知 丰富 游客 盖章
    """
)

# ---------------------------------------------------------------------------------------------------- versions
_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

# Tiers of a version mark, lowest first (the rank's first element).
DRAFT, PLAIN, REVISED, FINAL = 0, 1, 2, 3
_TIER_NAMES = {DRAFT: "draft", PLAIN: "plain", REVISED: "revised", FINAL: "final"}


def _numeral(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text in _NUMERALS:
        return _NUMERALS[text]
    if text.startswith("十") and text[1:] in _NUMERALS:
        return 10 + _NUMERALS[text[1:]]
    return 0


_VERSION_RULES: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"\((?:以此为准|最终版?|最终稿|定稿?|终稿|正式版?)\)"), FINAL),
    (re.compile(r"以此为准|最终稿|最终版|定稿|终稿|正式稿|正式版|(?i:(?<![a-z])final(?![a-z]))"), FINAL),
    (re.compile(r"(?:修改|修订)(?:稿|版)(\d*)|\((?:修改|修订|改)\)"), REVISED),
    (re.compile(r"第([一二两三四五六七八九十\d]{1,3})(?:稿|版)"), REVISED),
    (re.compile(r"([二两三四五六七八九十]{1,2})稿"), REVISED),
    (re.compile(r"(?<![A-Za-z])[vV](\d{1,3})(?!\d)"), REVISED),
    (re.compile(r"新版|最新版?"), REVISED),
    (re.compile(r"初稿|草稿|(?i:(?<![a-z])draft(?![a-z]))|旧版"), DRAFT),
    (re.compile(r"\s*\((\d{1,2})\)"), PLAIN),  # a numbered copy of a download: (1), (2)
    (re.compile(r"\s*-?\s*副本(\d*)|(?i:(?<![a-z])copy(?![a-z]))"), PLAIN),
]
_DATE_RULES: list[re.Pattern[str]] = [
    re.compile(r"(?<!\d)(?:19|20)\d{2}(0[1-9]|1[0-2])([0-2]\d|3[01])(?!\d)"),  # 20260311
    re.compile(r"(?<!\d)(?:(?:19|20)\d{2}\s*年\s*)?(1[0-2]|0?[1-9])\s*月\s*([12]\d|3[01]|0?[1-9])\s*日?"),
    re.compile(r"(?<![\d.])(0[1-9]|1[0-2])([0-2]\d|3[01])(?!\d)"),  # 0302
    re.compile(r"(?<=[^\d.\s-])(1[0-2]|[1-9])\.([12]\d|3[01]|0?[1-9])(?![\d.])"),  # 3.12, not at the start
]


@dataclass(frozen=True)
class Version:
    """The version marks a path carries, and a rank to sort by (higher is newer).

    ``rank`` is ``(tier, number, date)``:

    * tier ``3`` final: 定稿, 终稿, 最终稿/最终版, 正式版, 以此为准, ``(定)``, ``final``;
    * tier ``2`` revised: 修改稿/修订稿/修改版, 第N稿/第N版, N稿 (二稿), ``vN``/``VN``, 新版/最新; ``number`` is N
      (修改稿 without a number counts 1, so ``v2`` and 第二稿 rank above it);
    * tier ``1`` plain: no mark, or a copy ``(1)``/``(2)``/副本 of one; ``number`` is the copy's number (a copy is
      taken as saved after the plain name);
    * tier ``0`` draft: 初稿, 草稿, 旧版, ``draft``.

    ``date`` is the month and day a name carries (``0302``, ``20260311``, ``3.12``, ``3月12日``) as ``MMDD``
    (0 when none), and only breaks ties. Marks of several tiers: the highest tier counts.
    """

    marks: tuple[str, ...] = ()
    rank: tuple[int, int, int] = (PLAIN, 0, 0)

    @property
    def tier(self) -> str:
        return _TIER_NAMES[self.rank[0]]


def _fold(text: str) -> str:
    """NFKC (full-width brackets, colons and digits to ASCII), with ideographic spaces as plain spaces."""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


def _take_versions(text: str) -> tuple[str, list[tuple[str, int, int]], int]:
    """``text`` with its version marks and dates replaced by separators; the marks (mark, tier, number), the date."""
    marks: list[tuple[str, int, int]] = []
    for pattern, tier in _VERSION_RULES:

        def keep(match: re.Match[str], tier: int = tier) -> str:
            number = next((g for g in match.groups() if g), "") if match.groups() else ""
            n = _numeral(number) if number else 0
            if tier == REVISED and n == 0:
                n = 1
            if tier == PLAIN and n == 0:
                n = 1  # 副本 without a number
            marks.append((match.group().strip(), tier, n))
            return _SEP

        text = pattern.sub(keep, text)
    date = 0
    for pattern in _DATE_RULES:

        def keep_date(match: re.Match[str]) -> str:
            nonlocal date
            date = date or int(match.group(1)) * 100 + int(match.group(2))
            return _SEP

        text = pattern.sub(keep_date, text)
    return text, marks, date


def _version(marks: list[tuple[str, int, int]], date: int) -> Version:
    if not marks:
        return Version((), (PLAIN, 0, date))
    tier = max(t for _, t, _ in marks)
    number = max(n for _, t, n in marks if t == tier)
    return Version(tuple(m for m, _, _ in marks), (tier, number, date))


def parse_version(name: str) -> Version:
    """The version marks of a file name or folder name and their rank (see :class:`Version` for the order)."""
    stem = _stem(name)
    _, marks, date = _take_versions(_fold(stem))
    return _version(marks, date)


# ------------------------------------------------------------------------------------------- the name's words
_YEAR = re.compile(r"(?:19|20)\d{2}\s*(?:年度|年)?")
_NUMBERING = re.compile(r"^\s*(?:\d{1,3}(?:\s*[-.]\s*\d{1,3})*\s*[-.、_:\s]*|[(\[]\d{1,3}[)\]]\s*)")
_ATTACHMENT = re.compile(r"附件+\s*\d*\s*[:\-、.]?")
_GENRE_WORDS = sorted(
    {
        "基层党组织", "党员领导干部", "领导干部", "组织生活会", "民主生活会", "专题", "个人", "本人",
        "对照检查", "对照检视", "对照", "检查", "检视剖析", "检视", "剖析", "查摆", "发言提纲", "发言材料",
        "发言稿", "发言", "提纲", "材料", "讲话稿", "讲稿", "讲话", "党课", "述职报告", "述职", "工作汇报",
        "工作报告", "汇报", "报告", "情况", "参考模板", "模板", "范文", "样稿", "范本", "通知", "年度", "上年度",
        "会议", "评议", "民主评议", "问题清单", "整改", "清单", "文档", "新建", "学习贯彻", "上的",
    },
    key=len,
    reverse=True,
)  # fmt: skip
_GENRE = re.compile("|".join(map(re.escape, _GENRE_WORDS)))
_QUARTER = re.compile(r"[一二三四1-4]季度|上半年|下半年|全年")
_COMPANY = re.compile(rf"(?:中共)?[{_CJK}]{{0,4}}?(?:联通|移动|电信|铁塔)(?:公司)?")
_JOB_TITLES = re.compile(r"副总经理|总经理|副经理|经理|副主任|主任|副部长|部长|副局长|局长|主席|小CEO|CEO|同志|员工")
_TEMPLATE_CUE = re.compile(r"参考模板|模板|范文|样稿|范本|通知")
_OTHER_GENRE = re.compile(r"报告|汇报|述职|讲话稿|讲稿|党课|通知|模板|范文|样稿|范本")
_MEETING_MATERIAL = re.compile(r"对照检查|对照检视|检视剖析|发言|材料|提纲")
_PERSONAL_CUE = re.compile(r"个人|本人")
# The branch committee's material: before roles, so that 支部委员会 is not the role 支部委员.
_COMMITTEE = re.compile(r"支部委员会|党支部委员会|支委会|支委班子|支部班子|领导班子|班子成员|班子|支委")
_ROLE = re.compile(
    r"(?P<secretary>(?:党总支|党支部|支部)?(?:副书记|书记))"
    r"|(?P<member>(?:宣传|组织|纪检|青年|统战|保密|群工|妇女|生产|经济|支部)委员)"
    r"|(?P<leader>党小组长|小组长)"
)
_UNIT_END = "分公司|子公司|公司|党总支|党支部|支部|党委|党组|中心|事业部|部门|管理局|部|局|办公室|室|县|区"
_UNIT = re.compile(rf"^[{_CJK}]{{1,12}}?(?:{_UNIT_END})")
_BARE_UNIT = re.compile(r"党支部|支部|党总支|党委|党组")
_HARD = re.compile(r"[|+\-_.:;,，、()\[\]{}<>《》【】「」『』\"'“”‘’—–~·/\\!?#&=@$%^*0-9A-Za-z]+")
_NON_UNIT_FOLDERS = re.compile(
    r"^(?:修改稿?|修订稿?|定稿|终稿|最终版?|初稿|草稿|旧版|新版|备份|副本|附件|材料|资料|汇总|个人|书记|班子|"
    r"materials?|docs?|old|new|backup|drafts?|final|archive|新建文件夹)$",
    re.IGNORECASE,
)


@dataclass
class _Piece:
    text: str
    after_role: str = ""  # the role right before it
    bracketed: bool = False


@dataclass
class _Reading:
    """What a file name or a line says."""

    persons: list[_Piece] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    committee: list[str] = field(default_factory=list)
    bare_unit: bool = False  # names a branch (党支部…) without more
    leftover: list[str] = field(default_factory=list)


def _is_name(piece: str) -> bool:
    if not re.fullmatch(rf"[{_CJK}]+", piece) or piece in _NOT_NAMES:
        return False
    if piece[:2] in _COMPOUND_SURNAMES and 3 <= len(piece) <= 4:
        return True
    return piece[0] in _SINGLE_SURNAMES and 2 <= len(piece) <= 3


def _role_name(match: re.Match[str]) -> str:
    if match.group("secretary"):
        return "支部副书记" if "副" in match.group() else "支部书记"
    return match.group()


def _close_spaces(segment: str) -> list[str]:
    """The pieces of a segment between hard separators: ``张 三`` is one name, ``市场部  郎峰艳`` two pieces."""
    parts = segment.split()
    if len(parts) > 1 and all(len(p) <= 2 for p in parts) and _is_name("".join(parts)):
        return ["".join(parts)]
    return parts


def _piece(reading: _Reading, piece: str, role: str, bracketed: bool) -> str:
    """Read one piece into ``reading``; the role that still stands before the next piece."""
    while match := _UNIT.match(piece):  # peel units off the front
        reading.units.append(match.group())
        piece = piece[match.end() :]
    piece = piece.rstrip("的在")
    if not piece:
        return role
    if _BARE_UNIT.fullmatch(piece):
        reading.units.append(piece)
    elif _is_name(piece):
        reading.persons.append(_Piece(piece, role, bracketed))
        return ""
    else:
        reading.leftover.append(piece)
    return role


def _read(text: str, unit_words: tuple[str, ...] = ()) -> _Reading:
    """Read one file name stem or one short line of text."""
    reading = _Reading()
    s = _fold(text)
    s = _ATTACHMENT.sub(_SEP, s)
    s = _YEAR.sub(_SEP, s)
    s = _NUMBERING.sub(_SEP, s)
    s = _QUARTER.sub(_SEP, s)
    s = _COMPANY.sub(_SEP, s)

    def committee(match: re.Match[str]) -> str:
        reading.committee.append(match.group())
        return _SEP

    s = _COMMITTEE.sub(committee, s)
    s = _GENRE.sub(_SEP, s)
    s = _JOB_TITLES.sub(_SEP, s)
    # Roles and brackets: marked in the text, so that the piece after a role, or in brackets, is known.
    s = _ROLE.sub(lambda m: f"{_SEP}\x00{_role_name(m)}\x00{_SEP}", s)
    s = re.sub(r"\(([^()]*)\)?", lambda m: f"{_SEP}\x02{m.group(1)}\x02{_SEP}", s)
    words = sorted((w for w in unit_words if w), key=len, reverse=True)
    # A folder's unit name, with the endings it may carry in the name (客服 → 客服部, 综服 → 综服中心).
    folder_word = re.compile(f"((?:{'|'.join(map(re.escape, words))})(?:{_UNIT_END})*)") if words else None

    role = ""
    bracketed = False
    for token in re.split(r"(\x00[^\x00]*\x00|\x02)", s):
        if not token:
            continue
        if token.startswith("\x00"):
            role = token.strip("\x00")
            reading.roles.append(role)
            continue
        if token == "\x02":
            bracketed = not bracketed
            continue
        for i, chunk in enumerate(folder_word.split(token) if folder_word else [token]):
            if i % 2:  # the unit's folder name
                reading.units.append(chunk)
                continue
            for segment in _HARD.split(chunk):
                for piece in _close_spaces(segment.strip()):
                    role = _piece(reading, piece, role, bracketed)
    reading.bare_unit = reading.bare_unit or any(_BARE_UNIT.search(u) for u in reading.units)
    return reading


def _choose(persons: list[_Piece], text: str | None) -> tuple[_Piece | None, str]:
    """The person a reading names, and why that one when there were several."""
    names = list(dict.fromkeys(p.text for p in persons))
    if not names:
        return None, ""
    if len(names) == 1:
        return persons[0], ""
    after_role = [p for p in persons if p.after_role]
    if after_role:
        return after_role[0], f"the one after the role {after_role[0].after_role} of {'/'.join(names)}"
    if text:
        in_text = [p for p in persons if p.text in text]
        if len(in_text) == 1:
            return in_text[0], f"the one the text names of {'/'.join(names)}"
    return persons[0], f"the first of {'/'.join(names)}"


# ------------------------------------------------------------------------------------------------ the text
_HEADING = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十\d]+[)）、.．]|各位|尊敬|同志们|根据|按照|为|在|近期|今年)")
_DATE_LINE = re.compile(
    r"^\s*(?:(?:19|20)\d{2}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]?\s*(?:\d{1,2}\s*日?)?|[〇一二三四五六七八九十○零]{4}年[〇一二三四五六七八九十]{1,3}月[〇一二三四五六七八九十]{0,3}日?)\s*$"
)
_SPEAKER = re.compile(r"(?:发言人|汇报人|报告人|署名|姓名)\s*[:：]\s*(.{2,30})")
_COMRADE = re.compile(rf"^([{_CJK}]{{2,4}}?)\s*同志")


@dataclass
class _TextSays:
    person: str = ""
    where: str = ""  # "title" | "speaker line" | "signature"
    roles: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    committee: str = ""  # the committee words of the title, if any
    signed_by_branch: bool = False


def _short(line: str, limit: int) -> bool:
    return len(line) <= limit and not re.search(r"[，；。！？!?]", line)


def _read_text(text: str, unit_words: tuple[str, ...]) -> _TextSays:
    says = _TextSays()
    # Only the first and last lines can be a title, a speaker line or a signature: the body is not split.
    first = [line.strip() for line in text[:4000].splitlines()[:40] if line.strip()][:12]
    last = [line.strip() for line in text[-2000:].splitlines()[-20:] if line.strip()][-5:]
    lines = first + last if len(text) > 6000 else [line.strip() for line in text.splitlines() if line.strip()]
    head: list[str] = []
    for line in lines[:6]:
        if _HEADING.match(line) or not _short(line, 48):
            break
        head.append(line)
    tail: list[str] = []
    for line in reversed(lines[-5:]):
        if _DATE_LINE.match(line):
            continue
        if _HEADING.match(line) or not _short(line, 32):
            break
        tail.append(line)
    for line in lines[:12] + lines[-5:]:
        if not _short(line, 48):  # a speaker line is short; folding every paragraph costs more than the rest
            continue
        speaker = _SPEAKER.search(_fold(line))
        named = list(dict.fromkeys(p.text for p in _read(speaker.group(1), unit_words).persons)) if speaker else []
        if len(named) == 1:
            says.person, says.where = named[0], "speaker line"
            break
    for where, block in (("title", head), ("signature", tail)):
        for line in block:
            comrade = _COMRADE.match(_fold(line))
            reading = _read(line, unit_words)
            if comrade and _is_name(comrade.group(1)) and not says.person:
                says.person, says.where = comrade.group(1), where
            if where == "title" and reading.committee and not reading.persons and not says.committee:
                says.committee = reading.committee[0]
            says.roles += reading.roles
            says.units += reading.units
            names = list(dict.fromkeys(p.text for p in reading.persons))
            if len(names) == 1 and not says.person:
                says.person, says.where = names[0], where
            if where == "signature" and not names and (reading.bare_unit or reading.committee):
                says.signed_by_branch = True
    return says


# ------------------------------------------------------------------------------------------------ the result
@dataclass(frozen=True)
class Authorship:
    """Who wrote a file, as told by its path and text.

    ``person``: the person's name, None when not told. ``role``: the role named (支部书记, 宣传委员, …), None when
    none. ``unit``: the unit the member key uses (the folder's, else the one the name or text names, else '').
    ``named_unit``: the unit as the name or the text spells it ('' if none). ``kind``: "personal", "collective"
    or "unknown". ``version``: the version marks of the file name and its folders. ``how``: how all this was
    inferred, in words. ``member``: the member key (see the module's docstring).
    """

    person: str | None
    role: str | None
    unit: str
    kind: str
    version: Version
    how: str
    member: str
    named_unit: str = ""


def _stem(name: str) -> str:
    name = unicodedata.normalize("NFC", name.strip())
    match = re.search(r"\.(?:docx?|wps|pdf|txt|md|rtf|odt)$", name, re.IGNORECASE)
    return name[: match.start()] if match else name


def _folder_core(folder: str) -> str:
    """A folder's unit name without its numbering: ``11 办公室`` → 办公室."""
    return re.sub(r"^\s*\d+(?:[-.]\d+)*[\s._、-]*", "", _fold(folder)).strip()


def _unit_words(core: str) -> tuple[str, ...]:
    """The ways a unit's folder name can stand in a file name: itself and without its ending (财务部 → 财务)."""
    words = {core}
    shorter = re.sub(rf"(?:{_UNIT_END})$", "", core)
    if len(shorter) >= 2:
        words.add(shorter)
    return tuple(w for w in words if len(w) >= 2)


def _named_unit(units: list[str]) -> str:
    """The unit a list of peeled units spells, without the branch's 党支部 (人力资源部 + 党支部 → 人力资源部)."""
    kept = (re.sub(r"(?:党支部|支部|党总支)$", "", u) for u in units if not _BARE_UNIT.fullmatch(u))
    return "".join(dict.fromkeys(u for u in kept if u))


_IDENTIFIER = re.compile(r"[^\W_]{1,24}")
_PIECES = re.compile(r"[-_—－–\s.+:,、()\[\]【】|]+")  # | is what a step leaves where it took something out


def _person_folder(folder: str) -> bool:
    """Whether a folder is a member's own (``张三/``): a name, as a person would name it, not a numbered unit
    (``4 马村``) or a unit's name (``办公室``)."""
    plain = unicodedata.normalize("NFC", folder).strip()
    return plain == _folder_core(plain) and _is_name(plain) and not _UNIT.match(plain)


def _signed_by_branch(says: _TextSays | None) -> bool:
    return bool(says and says.signed_by_branch)


def _identifier(cleaned: str) -> str | None:
    """The one word a file name stands on when it names nobody the surname rules recognise (``成员3``, ``Alice``,
    ``m000123-对照检查材料``): its pieces but the genre's words, when exactly one is left and it holds none of
    them (``2025年度党建工作报告`` is no name). Digits alone are numbering, not a name."""
    words = []
    for piece in _PIECES.split(cleaned):
        stripped = _GENRE.sub("", _YEAR.sub("", _ATTACHMENT.sub("", piece)))
        if not stripped:
            continue  # the genre's vocabulary only
        if stripped != piece or not _IDENTIFIER.fullmatch(piece):
            return None
        words.append(piece)
    return words[0] if len(words) == 1 and not words[0].isdigit() else None


def person_in_name(file_name: str, unit_words: tuple[str, ...] = ()) -> str | None:
    """The person a file name names, None when it names nobody (no text, no folder: the name alone)."""
    cleaned, _, _ = _take_versions(_fold(_stem(file_name)))
    piece, _ = _choose(_read(cleaned, unit_words).persons, None)
    return piece.text if piece else None


def infer(relative_path: str, text: str | None = None, *, unit_from_folder: bool = True) -> Authorship:
    """Who wrote the file at ``relative_path`` (relative to the corpus, ``/`` or ``\\`` separated).

    ``text``: the document's text, read when the file name names nobody (and to tell a committee's material
    that a person presents). ``unit_from_folder``: the folders above the file name its unit (folders such as
    修改稿/定稿/附件/备份 excepted: they are read for version marks); otherwise the unit comes from the name or
    the text. Never raises on any string.
    """
    parts = [p for p in re.split(r"[/\\]", unicodedata.normalize("NFC", relative_path)) if p.strip()]
    file_name = parts[-1] if parts else relative_path
    folders = parts[:-1]
    unit_folders = [f for f in folders if not _NON_UNIT_FOLDERS.match(_folder_core(f) or f)]
    folder_unit = "/".join(unit_folders) if unit_from_folder else ""
    words = tuple(w for f in unit_folders for w in _unit_words(_folder_core(f)))

    stem = _stem(file_name)
    folded = _fold(stem)
    cleaned, marks, date = _take_versions(folded)
    for folder in folders:
        if folder not in unit_folders or not unit_from_folder:
            _, folder_marks, _ = _take_versions(_fold(folder))
            marks += folder_marks
    version = _version(marks, date)
    name = _read(cleaned, words)
    read: list[_TextSays | None] = []

    def text_says() -> _TextSays | None:
        """What the text says, read once and only when the file name leaves a question open."""
        if not read:
            read.append(_read_text(text, words) if text else None)
        return read[0]

    how: list[str] = []
    person_piece, why = _choose(name.persons, text)
    person = person_piece.text if person_piece else None
    role = "、".join(dict.fromkeys(name.roles)) or None
    personal_word = bool(_PERSONAL_CUE.search(folded))
    template_cue = _TEMPLATE_CUE.search(folded)
    meeting_material = bool(_MEETING_MATERIAL.search(folded)) and not _OTHER_GENRE.search(folded)
    kind = "unknown"

    if person:
        kind = "personal"
        where = "in brackets in the file name" if person_piece and person_piece.bracketed else "the file name"
        how.append(f"person from {where}" + (f" ({why})" if why else ""))
        if role:
            how.append(f"role {role} from the file name")
        if not personal_word and not role and (says := text_says()) and says.committee:
            kind = "collective"
            how = [f"text's title: the branch committee's material ({says.committee}); {person} of the file name"
                   " taken as its presenter"]  # fmt: skip
            person = None
    elif name.committee:
        kind = "collective"
        how.append(f"file name: the branch committee's material ({name.committee[0]})")
    elif template_cue and not role:
        how.append(f"file name: a template or notice ({template_cue.group()}), nobody named")
    elif not personal_word and not role and (says := text_says()) and says.committee:
        kind = "collective"
        how.append(f"text's title: the branch committee's material ({says.committee})")
    elif (says := text_says()) and says.person:
        kind, person = "personal", says.person
        how.append(f"person from the text's {says.where}")
        if role:
            how.append(f"role {role} from the file name")
        elif says.roles:
            role = "、".join(dict.fromkeys(says.roles))
            how.append(f"role {role} from the text")
    elif role and (personal_word or "发言" in folded):
        kind = "personal"
        how.append(f"role {role} from the file name; nobody named" + (" in the name or the text" if text else ""))
    elif (
        not personal_word and meeting_material and (name.bare_unit or ((says := text_says()) and says.signed_by_branch))
    ):
        kind = "collective"
        if name.bare_unit:
            how.append("file name: a branch's material that names nobody")
        else:
            how.append("text: signed by the branch, nobody named")
    elif not role and not name.committee and unit_folders and _person_folder(unit_folders[-1]):
        # One folder per member (张三/发言提纲.docx): the folder is the person, the folders above it the unit.
        kind, person = "personal", _folder_core(unit_folders[-1])
        unit_folders = unit_folders[:-1]
        folder_unit = "/".join(unit_folders) if unit_from_folder else ""
        how.append("person from the folder the file is in")
    elif not role and not name.units and not name.committee and (word := _identifier(cleaned)) is not None:
        kind, person = "personal", word
        how.append(f"the file name's one word ({word}): not a Chinese name, taken as the member's")
    else:
        role = None
        how.append("nobody named in the file name" + (" or the text" if text else "; no text given"))

    says = read[0] if read else None  # the text's units only where it was read
    named_unit = _named_unit(name.units) or (_named_unit(says.units) if says else "")
    if kind == "collective" and not named_unit:  # 班子-交付: what is left beside the committee's words
        named_unit = next((p for p in name.leftover if len(p) >= 2), "")
    # A unit the text names is not the key's: a title line's wording varies between one member's versions (and
    # is often no unit at all), so two versions would fall apart; the folder or the file name decides.
    unit = folder_unit or _named_unit(name.units) or (named_unit if kind == "collective" else "")
    if folder_unit:
        how.append("unit from the folder")
    elif unit:
        how.append("unit from the " + ("file name" if _named_unit(name.units) else "text"))
    if version.marks:
        how.append(f"version {'/'.join(version.marks)} ({version.tier})")

    if kind == "personal" and person:
        member = f"{unit}·{person}" if unit else person
    elif kind == "personal" and role and unit:
        member = f"{unit}·{role}"
    elif kind == "collective" and unit:
        member = f"{unit}·班子"
    else:
        member = f"unknown:{'/'.join(parts) or relative_path}"
    return Authorship(person, role, unit, kind, version, "; ".join(how), member, named_unit)
