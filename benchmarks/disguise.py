"""Disguise operations for planted copies, each a separate function graded by one parameter.

Every function takes the copied text and returns the disguised text; ``k`` counts content characters (letters
and digits; punctuation and whitespace are not counted) or, where said, sentences or clauses. A smaller ``k``
is a heavier disguise, so each operation can be scored as a curve over ``k``:

* ``insert_every(text, k)``: a random character after every k-th character;
* ``replace_every(text, k)``: every k-th character replaced by a random one;
* ``swap_every(text, k)``: the k-th character and the next swapped, every k characters;
* ``interleave(text, k, own)``: pieces of k characters of the copy alternated with pieces of k of the copier's
  own text;
* ``synonyms(text, k)``: one word of the list below replaced by its partner every k characters (where there
  is one);
* ``fillers(text, k)``: a filler word (切实, 进一步, …) inserted every k characters;
* ``reorder(text, k)``: every k-th sentence moved elsewhere in the passage;
* ``drop_clauses(text, k)``: every k-th clause left out.

``OPERATIONS`` lists the operations and the grid of ``k`` the generator samples from.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

# Word pairs of the genre, written for this benchmark (not taken from any corpus): a copier swaps a word for its
# partner; both directions are used. About three hundred pairs, so most genre sentences offer several.
_PAIRS = """
加强 强化|提高 提升|认真 切实|深入 深化|问题 短板|推动 推进|落实 贯彻|不够 不足|能力 本领|存在 出现
没有 未能|思想 观念|群众 职工|学习 研学|坚持 始终|重视 关注|今后 下一步|及时 迅速|严格 从严|要求 标准
主动 积极|方面 领域|全面 系统|开展 组织|建设 构建|作用 效能|一些 部分|发展 进步|管理 管控|服务 保障
制度 机制|责任 职责|自己 本人|有时 偶尔|较少 不多|缺乏 欠缺|理论 学理|武装 装备|头脑 思维|指导 引领
实践 实际|工作 业务|党性 党员意识|修养 涵养|锻炼 磨炼|纪律 规矩|作风 风气|形式主义 走形式|官僚主义 摆架子|担当 担责
作为 作用发挥|创新 革新|意识 观念意识|自觉 主动性|不强 不够强|不高 偏低|不深 不透|不细 粗放|不实 不扎实|不严 松懈
研究 钻研|分析 剖析|查摆 查找|检视 检查|剖析 解剖|根源 根子|原因 缘由|整改 改进|措施 举措|方向 目标
努力 尽力|带头 率先|示范 表率|先锋 先进|模范 榜样|引领 带动|带动 拉动|联系 联络|密切 紧密|基层 一线
一线 前线|员工 同事|客户 用户|市场 行业|经营 运营|业绩 成绩|指标 任务指标|任务 工作任务|目标 既定目标|计划 规划
规划 谋划|部署 安排|安排 布置|协调 统筹|统筹 兼顾|推进 促进|促进 推动发展|提升 拔高|增强 强化提升|巩固 稳固
扩大 拓展|拓展 开拓|深化 深入推进|细化 具体化|完善 健全|健全 完备|规范 规整|优化 改善|改善 改进提升|改变 转变
转变 改观|解决 化解|处理 处置|应对 应付|防范 预防|防止 杜绝|避免 防止出现|克服 战胜|纠正 矫正|弥补 补齐
补齐 补足|短板 弱项|弱项 薄弱环节|差距 不足之处|不足 欠缺之处|缺点 毛病|成效 效果|效果 成果|成果 收获|收获 心得
体会 感悟|感悟 领悟|认识 理解|理解 领会|领会 把握|把握 掌握|掌握 熟悉|熟悉 了解|了解 知晓|知道 清楚
明确 清晰|清晰 清楚明白|准确 精准|精准 精确|具体 详细|详细 细致|细致 周密|深刻 深入透彻|透彻 彻底|彻底 完全
完全 全部|全部 所有|所有 一切|各项 各类|各类 各种|各种 多种|多种 多样|经常 常常|常常 时常|时常 不时
往往 通常|通常 一般|一般 普通|普遍 广泛|广泛 大范围|重要 关键|关键 要害|核心 中心|根本 基础|基础 基石
首要 第一位|主要 重点|重点 要点|突出 显著|明显 显然|显著 明显的|进一步 更进一步|不断 持续|持续 连续|始终 一直
一直 一向|长期 长久|经常性 常态化|常态化 日常化|制度化 规范化|日常 平时|平时 平日|平日 日常工作中|过去 以往|以往 从前
当前 目前|目前 现阶段|现在 如今|今年 本年度|去年 上年度|年度 年|同时 与此同时|此外 另外|另外 另一方面|而且 并且
并且 同时还|但是 然而|然而 可是|因此 所以|所以 因而|因而 于是|虽然 尽管|尽管 即使|如果 假如|只有 唯有
通过 借助|借助 依靠|依靠 依托|依托 凭借|围绕 聚焦|聚焦 紧扣|紧扣 紧贴|结合 联系实际|对照 比照|比照 参照
按照 依照|依照 遵照|根据 依据|依据 凭据|遵守 遵循|遵循 恪守|恪守 严守|执行 实施|实施 施行|贯彻 执行落实
学习教育 学习活动|专题 主题|主题 题目|会议 会|讨论 研讨|研讨 探讨|交流 沟通|沟通 交谈|谈心 谈话|谈话 交心
征求 听取|听取 收集|意见 建议|建议 看法|看法 观点|观点 见解|批评 指正|自我批评 自我检讨|检讨 反省|反省 反思
反思 省思|警醒 警示|警示 提醒|教育 培养|培养 培育|培育 塑造|提醒 告诫|监督 督促|督促 督导|检查 核查
核查 核实|考核 考评|考评 评价|评价 评估|评估 测评|总结 归纳|归纳 概括|报告 汇报|汇报 报告情况|说明 阐明
阐明 阐述|表明 显示|体现 展现|展现 呈现|反映 折射|发挥 施展|施展 展示|推广 普及|普及 推行|宣传 宣讲
宣讲 讲解|讲解 讲授|讲授 传授|参加 参与|参与 加入|组织 安排组织|召开 举行|举行 举办|举办 开办|会前 会议前
深挖 深究|深究 追究|挖掘 发掘|查找 寻找|寻找 找出|找出 发现|发现 察觉|对标 对照标准|看齐 对齐|对齐 靠拢
忠诚 忠实|干净 廉洁|廉洁 清廉|自律 自我约束|约束 限制|限制 束缚|底线 红线|红线 警戒线|防线 屏障|廉政 廉洁从政
奉献 付出|付出 投入|投入 倾注|精力 心力|心力 心思|时间 时光|热情 激情|激情 干劲|干劲 劲头|劲头 冲劲
精神 风貌|风貌 面貌|状态 状况|状况 情况|情况 情形|情形 局面|局面 格局|氛围 环境|环境 条件|条件 基础条件
困难 难题|难题 难点|难点 堵点|堵点 痛点|痛点 焦点|矛盾 冲突|风险 隐患|隐患 危险|挑战 考验|考验 检验
检验 验证|机遇 机会|机会 时机|优势 长处|长处 强项|特点 特征|特征 特色|亮点 闪光点|品质 素质|素质 素养
素养 修为|水平 层次|层次 档次|质量 品质水平|效率 效能水平|速度 进度|进度 节奏|节奏 步调|步伐 步子|力度 强度
深度 深浅|广度 宽度|高度 高低|标准 尺度|尺度 分寸|原则 准则|准则 规则|规则 章程|方法 办法|办法 措施办法
方式 形式|形式 样式|手段 工具|途径 渠道|渠道 路径|路径 道路|思路 想法|想法 念头|观念 理念|理念 信念
信念 信仰|初心 本心|使命 任务使命|宗旨 主旨|立场 站位|站位 定位|定位 位置|角色 身份|身份 资格|职务 岗位
岗位 工作岗位|职能 功能|部门 单位|单位 机构|班子 领导班子|领导 负责人|干部 骨干|骨干 中坚|党员 共产党员|同志 同事们
"""
SYNONYMS: tuple[tuple[str, str], ...] = tuple(
    tuple(pair.split()) for line in _PAIRS.split("\n") for pair in line.split("|") if pair.strip()
)
FILLERS = ("切实", "进一步", "不断", "认真", "始终", "持续", "全面", "积极", "深入", "扎实", "务必", "着力")

_SYNONYM_OF: dict[str, str] = {}
for _a, _b in SYNONYMS:
    _SYNONYM_OF.setdefault(_a, _b)
    _SYNONYM_OF.setdefault(_b, _a)
_SYNONYM_RE = re.compile("|".join(sorted(map(re.escape, _SYNONYM_OF), key=len, reverse=True)))
_SENTENCE = re.compile(r"(?<=[。！？；])")
_CLAUSE = re.compile(r"(?<=[，、：；。！？])")
# Common characters of the genre, for insertions and replacements (written here, not read from a corpus).
ALPHABET = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处府研今"
)


def _content_positions(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ch.isalnum()]


def insert_every(text: str, k: int, rng: random.Random) -> str:
    """A random character after every k-th content character."""
    out, seen = [], 0
    for ch in text:
        out.append(ch)
        if ch.isalnum():
            seen += 1
            if seen % k == 0:
                out.append(rng.choice(ALPHABET))
    return "".join(out)


def replace_every(text: str, k: int, rng: random.Random) -> str:
    """Every k-th content character replaced by another random character."""
    chars = list(text)
    for n, i in enumerate(_content_positions(text), 1):
        if n % k == 0:
            new = rng.choice(ALPHABET)
            chars[i] = new if new != chars[i] else rng.choice(ALPHABET)
    return "".join(chars)


def swap_every(text: str, k: int, rng: random.Random | None = None) -> str:
    """The k-th content character swapped with the next one, every k characters."""
    chars = list(text)
    positions = _content_positions(text)
    for n in range(k - 1, len(positions) - 1, k):
        i, j = positions[n], positions[n + 1]
        chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def interleave(text: str, k: int, own: str) -> str:
    """Pieces of k content characters of ``text`` alternated with pieces of k characters of ``own``."""

    def pieces(s: str) -> list[str]:
        out, current, seen = [], [], 0
        for ch in s:
            current.append(ch)
            if ch.isalnum():
                seen += 1
                if seen % k == 0:
                    out.append("".join(current))
                    current = []
        if current:
            out.append("".join(current))
        return out

    copy, mine = pieces(text), pieces(own) or [""]
    out = []
    for n, piece in enumerate(copy):
        out.append(piece)
        if n < len(copy) - 1:
            out.append(mine[n % len(mine)])
    return "".join(out)


def synonyms(text: str, k: int, rng: random.Random | None = None) -> str:
    """Listed words replaced by their partners: the first one, then the first after each k content characters."""
    out, last, next_at, seen_before = [], 0, 0, 0
    for m in _SYNONYM_RE.finditer(text):
        seen_before += sum(ch.isalnum() for ch in text[last : m.start()])
        out.append(text[last : m.start()])
        word = m.group()
        if seen_before >= next_at - len(word):
            out.append(_SYNONYM_OF[word])
            next_at = seen_before + len(word) + k
        else:
            out.append(word)
        seen_before += len(word)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def fillers(text: str, k: int, rng: random.Random) -> str:
    """A filler word inserted before every k-th content character."""
    out, seen = [], 0
    for ch in text:
        if ch.isalnum():
            seen += 1
            if seen % k == 0:
                out.append(rng.choice(FILLERS))
        out.append(ch)
    return "".join(out)


def sentences_of(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s]


def reorder(text: str, k: int, rng: random.Random) -> str:
    """Every k-th sentence moved to another place in the passage (at least one move when there are two)."""
    sentences = sentences_of(text)
    if len(sentences) < 2:
        return text
    moving = list(range(k - 1, len(sentences), k)) or [0]
    for i in moving:
        s = sentences.pop(i)
        choices = [j for j in range(len(sentences) + 1) if j != i]
        sentences.insert(rng.choice(choices), s)
    return "".join(sentences)


def drop_clauses(text: str, k: int, rng: random.Random | None = None) -> str:
    """Every k-th clause left out (a clause ends at ，、：；。！？); a sentence's final mark is kept."""
    clauses = [c for c in _CLAUSE.split(text) if c]
    if len(clauses) < 2:
        return text
    out = []
    for n, clause in enumerate(clauses, 1):
        if n % k == 0:
            if clause[-1] in "。！？" and out and out[-1][-1] in "，、：；":
                out[-1] = out[-1][:-1] + clause[-1]  # the sentence's end moves to the clause kept before
            continue
        out.append(clause)
    return "".join(out) or text


def none(text: str, k: int = 0, rng: random.Random | None = None) -> str:
    return text


# name -> (function taking (text, k, rng, own), grid of k)
OPERATIONS: dict[str, tuple[Callable[..., str], tuple[int, ...]]] = {
    "none": (lambda t, k, rng, own: t, (0,)),
    "insert": (lambda t, k, rng, own: insert_every(t, k, rng), (2, 3, 5, 8, 13, 20)),
    "replace": (lambda t, k, rng, own: replace_every(t, k, rng), (2, 3, 5, 8, 13, 20)),
    "swap": (lambda t, k, rng, own: swap_every(t, k), (2, 3, 5, 8, 13, 20)),
    "interleave": (lambda t, k, rng, own: interleave(t, k, own), (8, 13, 20, 40)),
    "synonyms": (lambda t, k, rng, own: synonyms(t, k), (4, 8, 15, 30, 60)),
    "fillers": (lambda t, k, rng, own: fillers(t, k, rng), (8, 15, 30, 60)),
    "reorder": (lambda t, k, rng, own: reorder(t, k, rng), (1, 2, 3)),
    "drop": (lambda t, k, rng, own: drop_clauses(t, k), (2, 3, 5)),
}
LIGHT = (("none", 0), ("synonyms", 30), ("fillers", 60), ("drop", 5), ("reorder", 3))  # for template and groups


def apply(operation: str, text: str, k: int, rng: random.Random, own: str = "") -> str:
    function, _ = OPERATIONS[operation]
    return function(text, k, rng, own)
