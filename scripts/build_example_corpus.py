"""Regenerate the non-plain-UTF-8 files of the example corpus in ``corpus/``.

Three member reports cannot be kept as readable UTF-8 text in the repository,
so their text lives here and this script writes them:

* ``运维检修部/李晓梅-对照检查材料.docx`` - Word heading styles ('Heading 1' for the
  top-level sections, 'Heading 2' for the sub-headings; the heading text carries no
  一、/（一） numbering, as Word auto-numbering would supply it) and one table;
* ``运维检修部/郑国栋-发言提纲.docx`` - plain paragraphs with typed numbering;
* ``运维检修部/孙立伟.txt`` - encoded in GB18030 with CRLF line ends (not valid UTF-8).

The output is byte-for-byte reproducible: the .docx core properties and the zip
entry timestamps are fixed.

Markup used in the texts below, one paragraph per line:
``= `` title (style 'Title'), ``# `` Heading 1, ``## `` Heading 2,
``| a | b | c |`` one table row (consecutive rows form one table), anything else a
body paragraph.

Usage: python scripts/build_example_corpus.py [--corpus DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent
FIXED_TIME = dt.datetime(2025, 1, 10, 9, 0, 0)
ZIP_TIME = (2025, 1, 10, 9, 0, 0)

LI_XIAOMEI = """\
= 李晓梅同志对照检查材料
配网运检班 李晓梅
按照公司党委关于召开2024年度组织生活会的通知要求，配网运检班利用周五班前会时间分三次开展了学习研讨，我结合深入学习贯彻习近平新时代中国特色社会主义思想，把它同配网“最后一公里”的供电质量联系起来思考。为把问题查准，我调取了全年配网故障记录和频繁停电台区清单，并到两个供电所听取抢修人员的意见，收集到意见建议共10条。查摆始终坚持问题导向，把自己摆进去、把职责摆进去、把工作摆进去，对照检查情况如下。
# 上年度整改完成情况
去年本人查摆的问题集中在两方面：配网缺陷闭环慢、技术资料更新不及时。整改中，推动建立缺陷“发现—派单—消缺—验收”线上闭环流程，全年录入配网缺陷1893条，消缺及时率由82%提高到96%；组织对全部284条10千伏线路的单线图和台账进行核对，修正图实不符问题407处。需要说明的是，低压台区的资料核对只完成了六成左右，剩余部分计划今年上半年完成。另外，对去年新接收的3条用户专线，移交资料至今还不齐全，需要协调营销部门继续追补。
# 查摆出的问题
## 理论学习与思想认识
理论学习上“挤”的劲头不足。班组工作节奏快，我常把学习安排在碎片时间，读得多、想得少，对于始终在思想上政治上行动上同党中央保持高度一致，更多是口头上讲，如何落实到配网运维的具体决策中，思考得不深。比如去年制定迎峰度夏方案时，我首先考虑的是降低考核风险，而对重过载台区居民的用电感受考虑不足。全年读完的理论书籍只有两本，读书笔记也写得很简略。
## 专业管理与履职尽责
一是故障处置效率不高。去年我片区10千伏线路故障停运68次，平均复电时间3.4小时，其中有9次超过6小时，主要是故障点查找靠人工拉路。二是频繁停电治理推进慢。年初梳理出频繁停电台区37个，年内只治理完成21个，有些台区改造方案我一直在等项目资金，没有主动想办法用运维手段先行缓解。三是新技术应用不够大胆。配网自动化终端已经覆盖了六成线路，但就地型馈线自动化的功能我们只在2条线路上投入使用，顾虑误动作而不敢推开。四是运维班组之间经验交流少。相邻两个供电所在处理同类故障时方法各不相同，好的做法没有及时总结推广。
## 群众工作与作风纪律
去年一个老旧小区因低压线路老化反复跳闸，居民多次投诉，我虽然安排了抢修，但没有亲自去现场和居民沟通，导致群众对供电所意见很大。另外，在外包施工队伍的验收环节，有时只看照片资料而没有到现场抽检，全年我参加的群众座谈也不超过3次。在廉洁方面，配网工程物资领退料管理还不够细，去年审计抽查发现有2个项目的退库电缆长度与现场剩余量对不上，虽然是计量误差所致，但也反映出我对物资管理的监督不到位。
# 原因剖析
深究起来，首先是宗旨意识树得不牢。配网直接连着千家万户，我却习惯用“指标”看问题，把停电时户数看作数字，没有看作一户户群众的生活。其次是担当精神不够。在新技术推广上怕担责任，宁可维持现状，也不愿承担试错成本。再次是工作方法比较单一，遇到资金、政策等约束时，习惯于向上反映、等待解决，缺乏统筹协调的办法。此外，对物资管理、工程验收中的廉洁风险认识不足，过于相信施工单位的自觉，制度执行中存在“宽松软”的现象。
# 整改措施
针对上述问题，我列出了整改清单，明确措施和时限，请支部监督落实。
| 整改事项 | 具体措施 | 完成时限 |
| 故障复电慢 | 今年再选10条线路投运就地型馈线自动化，推行网格化抢修驻点，力争平均复电时间降到2小时以内 | 2025年9月底 |
| 频繁停电台区治理 | 剩余16个台区逐一制定“一台区一方案”，资金未落实的先行开展负荷调整和三相平衡治理 | 2025年12月底 |
| 物资领退料管理 | 配网工程退库物资实行现场称量、双人签字，每季度开展一次账实核对 | 2025年6月底 |
同时，理论学习实行“周学一篇、月写一段”，每月结合配网工作写一段学习思考；对群众投诉实行本人“到场回访”，涉及同一小区两次以上投诉的，我必须到现场向居民说明情况；外包工程验收每批次现场抽检不少于三成；每季度组织一次相邻供电所之间的抢修经验交流会，把好的做法汇编成册。
配网工作连着群众的灯和电，我将以这次对照检查为新的起点，少说多做，用实实在在的整改成效回应大家的期待。
"""

ZHENG_GUODONG = """\
郑国栋同志在运维检修部党支部组织生活会上的发言提纲
运维检修部主任 郑国栋
这次组织生活会，我作为部门主任、支部委员，先接受大家的批评。会前我和支部书记一起分析了部门全年工作，又与7名班组长、4名专责逐一谈心，收到意见建议23条，其中直接点到我本人的有9条。部门党员同志提醒我，要真正做到增强“四个意识”、坚定“四个自信”、做到“两个维护”，就不能只讲成绩。我把这句话当作这次查摆的基调，坚持问题导向，把自己摆进去、把职责摆进去、把工作摆进去。现将个人对照检查情况报告如下，请同志们批评指正，尤其欢迎对我个人作风的直接批评。
一、上年度整改措施落实情况
上年度我查摆的问题是检修计划刚性不足、部门协同不畅、青年人才培养滞后。一年来，部门检修计划实行“月度冻结、临时变更双签”，全年主网计划检修完成率98.7%，临时停电申请比上年减少41次；与调控中心、物资部建立周例会机制，解决跨部门事项36项；推行“青苗计划”，选拔14名35岁以下骨干担任专项负责人，其中2人获省公司技术能手称号。协同机制目前主要靠例会推动，制度化程度不高，需要继续完善。此外，部门去年组织了3次反事故演练，但演练脚本事先告知，实战性不强，这一问题在这次查摆中被同志们点了出来。
二、存在的问题
（一）政治理论学习方面
对于深入学习贯彻习近平新时代中国特色社会主义思想，我在部门层面做了安排，但自己作为“一岗双责”的领导干部，学习上示范不够。去年支部的12次集中学习，我有3次因出差和现场工作缺席，事后补学也不够认真。讲党课时多讲业务形势，理论阐释比较薄弱。
（二）担当作为方面
在攻坚克难上，缺乏“敢为人先”的锐气和闯劲。面对改革发展中的新矛盾、新挑战，有时习惯于“穿新鞋走老路”，想问题作决策跳不出固有框框，对于牵涉面广、协调难度大的事项，存在“等一等、看一看”的心态，担心出了问题要承担责任，宁可不干也不愿出错。在日常管理中，对一些苗头性、倾向性问题，碍于情面没有及时指出，批评与自我批评“辣味”不够，有时甚至当了“老好人”，没有真正做到抓早抓小、防微杜渐。工作推进中抓落实的韧劲也有所欠缺，有的工作部署时声势不小，跟踪问效却不够持续，满足于开了会、发了文，一定程度上存在“虎头蛇尾”现象。
（三）安全生产管理方面
去年部门发生一般设备事件2起，其中一起是检修后接线错误导致保护误动。事后分析，根源在于验收环节“三级验收”变成了“一级签字”，我对这种走过场的情况此前有所察觉，却没有下决心纠正。对外包队伍的资质审查偏重书面材料，实际作业人员与报备人员不一致的情况时有发生。反事故演练也存在“演”多“练”少的问题。
（四）联系群众方面
部门年轻职工反映，加班调休难落实、职称评审信息不透明，这些问题我知道，但总觉得是“小事”，没有及时研究解决，影响了队伍积极性。还有青年职工提出希望增加技能竞赛和外出培训机会，我答应过“研究研究”，结果一直没有下文。
三、原因剖析
第一，政治意识有所弱化。长期从事技术管理，认为把电网管好就是讲政治，忽视了带队伍、抓思想同样是政治责任。第二，责任担当不够坚决。部门管理面广，涉及跨部门协调的问题多，我有时选择回避矛盾，追求“不出事”而不是“办成事”。第三，群众观念淡薄。把主要精力放在设备和指标上，对职工的诉求关注不够，没有把职工当作最可依靠的力量。
四、整改措施
一是带头学。全年支部集中学习原则上不缺席，确需请假的本人书面补学并在下次学习时交流；年内讲一次以理论阐释为主的专题党课。二是较真管。恢复“三级验收”实作考核，每月随机抽查2项检修工程的验收过程，发现走过场的严肃追责；外包作业人员实行现场人脸核验，与报备不一致的一律停工。三是主动改。年底前拿出部门跨专业协同管理办法；牵头配网自愈改造、变电站智能巡视两项攻坚任务，按季度向支部报告进展。四是暖心办。建立调休台账，保证加班调休当季兑现；职称推荐条件、打分结果在部门内公示，接受全体职工监督。五是把青年职工提出的技能竞赛、外出培训等需求纳入部门年度培训计划，年内至少组织一次专业技能比武，选派不少于10人次参加外部培训。
恳请同志们对照我今天的发言，年中、年底各“考”我一次。
"""

SUN_LIWEI = """\
输电运检党员对照检查材料
运维检修部输电运检班 孙立伟

按照公司党委关于召开2024年度组织生活会的通知要求，这段时间我认真学习了会议通知中列出的篇目，和班里师傅们一起看了两期安全警示片，又向沿线4个乡镇的护线员打电话征求意见。一年来，我所在的输电运检班负责220千伏和110千伏线路共1046千米、杆塔3127基，巡线路上翻山越岭是常态，我常和徒弟说，始终在思想上政治上行动上同党中央保持高度一致，对我们来说就是守好每一基铁塔。在查摆时，我把增强“四个意识”、坚定“四个自信”、做到“两个维护”同线路运维的具体事情对照起来，发现了不少差距。现将个人对照检查情况报告如下，请同志们批评指正，该批评的地方不要客气。

一、去年整改事项的进展
去年我查出的问题有两条：一是树障隐患清理不彻底，二是无人机巡检应用水平不高。整改中，我们联合林业部门和属地乡镇开展通道清理，全年砍伐修剪超高树木1.2万余棵，树线放电跳闸由上年的5次降为0次；班组新增3套自主巡检无人机，实现了所辖线路全部杆塔的精细化巡检全覆盖，全年拍摄巡检照片21万张，通过智能识别发现销钉缺失、绝缘子破损等缺陷286处。不足之处是图像识别的误报率较高，复核工作量大，还得继续优化。覆冰观测方面，去年冬季新装了4套覆冰在线监测装置，但其中1套因通信信号差经常掉线，尚未完全发挥作用。

二、对照检查存在的问题
（一）学习上浅尝辄止
巡线任务重，一出去就是一整天，晚上回来常以累为由不看书。支部发的学习资料，我多数是快速翻一遍，重点段落划一划，真正坐下来思考、联系输电工作写体会的少，去年只写了4篇，质量也不高。去年支部组织的线上答题，我有两次是最后一天才匆忙完成的。
（二）防外破、防山火工作有漏洞
去年清明前后，所辖一条220千伏线路走廊附近发生3起烧荒引发的山火，其中一起距离导线不足50米，险些造成跳闸。事后检查，我对重点区段的人防布置偏少，与护林员的联防机制没有真正运转起来。大型机械施工防外破方面，对沿线两处高速公路施工现场，我只做了一次告知，没有安排专人盯守，后来吊车作业越界被护线员发现，才及时制止。
（三）带徒弟方法简单
班里有5名入职不满三年的青年员工，我带徒弟主要靠“跟着看、照着做”，对登塔安全要点、缺陷判断标准讲得不系统，有一次徒弟把绝缘子轻微闪络痕迹当成污秽，差点漏报缺陷。
（四）个人作风有松懈
有一段时间天气炎热，我对部分平原区段的巡视采取了远距离目视代替走近检查，巡视质量打了折扣，虽然后来补了正，但这是作风不实的表现。
（五）廉洁意识有待加强
通道清理涉及青苗和树木补偿，补偿标准由我和属地协商确定。去年有一处补偿款在村里发放时出现了争议，我对发放过程监督不够，只拿到了村委会的汇总签收单，没有逐户核实。虽然后来查清没有问题，但这种做法存在风险。

三、原因剖析
这些问题反映出我在思想上有三个“松”。一是学习上松，觉得自己是一线技术人员，理论学习是机关干部的事，把学习看成了额外负担。二是责任上松，过去几年线路运行总体平稳，对季节性风险的警惕性降低了，防范措施停留在往年的“老套路”。三是要求上松，对自己、对徒弟都存在“差不多”的心理，忽视了输电线路一旦出事就是大事的特点。四是纪律上松，对补偿款这类直接涉及群众利益的资金，认为按程序交给村里就完成了任务，监督的责任意识不强。

四、整改措施
（一）每周固定两个晚上用于学习，每月至少写一篇联系输电工作实际的体会，在班组学习会上交流。
（二）清明、秋冬季节前，对山火易发区段逐段划定责任人，与属地林业站、村委会签订联防协议，重点时段安排人员蹲守；对沿线大型施工现场实行“一处一档一人”盯守，直到施工结束。
（三）编写《青年员工输电巡检口袋书》，把登塔安全、缺陷识别的要点整理成图文卡片，每月组织一次现场实操考核。
（四）严格执行巡视标准，平原区段同样要求走近检查、拍照留痕，本人每月随机抽查徒弟的巡视记录不少于10条。
（五）通道清理补偿款一律由属地乡镇、村委会和我们三方共同到场，逐户核实、逐户签收，签收单拍照存档。

我会用实际行动兑现以上承诺，请班组的同志们随时监督我。
"""


def _set_east_asian_font(style, name: str) -> None:
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def build_docx(markup: str) -> docx.document.Document:
    """Turn the line markup described in the module docstring into a document."""
    document = docx.Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2"):
        _set_east_asian_font(document.styles[style_name], "宋体")
    props = document.core_properties
    props.author = "星河供电公司"
    props.last_modified_by = "星河供电公司"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.revision = 1
    rows: list[list[str]] = []

    def flush_table() -> None:
        if not rows:
            return
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                table.cell(r, c).text = text
        rows.clear()

    for line in markup.splitlines():
        if not line.strip():
            continue
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
            continue
        flush_table()
        if line.startswith("= "):
            document.add_paragraph(line[2:], style="Title")
        elif line.startswith("## "):
            document.add_heading(line[3:], level=2)
        elif line.startswith("# "):
            document.add_heading(line[2:], level=1)
        else:
            document.add_paragraph(line)
    flush_table()
    return document


def save_reproducible(document: docx.document.Document, path: Path) -> None:
    """Save with fixed zip timestamps so that rebuilding gives identical bytes."""
    raw = io.BytesIO()
    document.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def build(corpus: Path) -> list[Path]:
    written = []
    for rel, markup in (
        ("运维检修部/李晓梅-对照检查材料.docx", LI_XIAOMEI),
        ("运维检修部/郑国栋-发言提纲.docx", ZHENG_GUODONG),
    ):
        path = corpus / rel
        save_reproducible(build_docx(markup), path)
        written.append(path)
    path = corpus / "运维检修部/孙立伟.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(SUN_LIWEI.replace("\n", "\r\n").encode("gb18030"))
    written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="corpus folder (default: repo corpus/)")
    args = parser.parse_args()
    for path in build(args.corpus):
        print(path)


if __name__ == "__main__":
    main()
