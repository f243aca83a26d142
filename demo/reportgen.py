"""Realistic report documents for the demo portals: the 2021 national template, filled.

The archive's parser has to find real reports in what the demo serves, so report bodies
carry the template's real tables (merged header cells, the 22-row 办理结果 block) with
figures that satisfy the template's accounting identities, and narrative paragraphs taken
from the real seed reports (tests/fixtures/seeds). The same report can be rendered as an HTML
article body, a PDF (reportlab, CID font STSong-Light) or a DOCX (python-docx).
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from html import escape

# One table row as cells (text, rowspan, colspan).
SpanCell = tuple[str, int, int]
SpanRow = list[SpanCell]

# Every generated document carries this time, so each run serves the same bytes.
FIXED_TIME = datetime(2024, 1, 20, 9, 0, 0)
APPLICANT_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
RESULT_ROWS: list[tuple[str, list[str]]] = [
    ("（一）予以公开", []),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", []),
    ("（三）不予公开", ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
                  "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
                  "7.属于行政执法案卷", "8.属于行政查询事项"]),
    ("（四）无法提供", ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
                  "3.补正后申请内容仍不明确"]),
    ("（五）不予处理", ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
                  "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息"]),
    ("（六）其他处理", ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                  "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                  "3.其他"]),
]

NARRATIVE = [
    "本年度，我单位认真贯彻落实《中华人民共和国政府信息公开条例》，坚持“公开为常态、不公开为例外”，"
    "围绕中心工作，不断加大主动公开力度，规范依申请公开办理，政府信息公开工作取得积极成效。",
    "严格按照“谁审查、谁负责，谁发布、谁负责，先审查、后发布”和“涉密信息不上网，上网信息不涉密”的原则，"
    "确保政务公开内容不涉及国家秘密。",
    "成立了政务公开工作领导小组，下设办公室，负责政务公开工作的指导、安排和协调，形成了健全的机构。",
]
PROBLEMS = (
    "存在问题：公开形式不够丰富多样；信息公开平台更新水平有待提高。下步工作措施：一是加大公开力度，"
    "不断拓展和丰富政府信息公开内容；二是加强对从事政府信息公开工作人员的学习培训。"
)


@dataclass
class ReportFigures:
    """The figures one report states; `revision` bumps one figure for a revised version."""

    licensing: int  # 行政许可 decisions
    penalty: int  # 行政处罚 decisions
    coercion: int  # 行政强制 decisions
    regs: tuple[int, int, int]  # 规章: issued, repealed, in force
    norms: tuple[int, int, int]  # 行政规范性文件: issued, repealed, in force
    requests: dict[str, list[int]] = field(default_factory=dict)  # row label -> 6 columns
    appeals: list[int] = field(default_factory=list)  # 15 values

    @staticmethod
    def flows(seed: str) -> tuple[list[int], list[int]]:
        """New applications and those carried forward to next year, per applicant column."""
        rng = random.Random(f"{seed}/flows")
        received = [rng.randint(0, 30), rng.randint(0, 4), 0, rng.randint(0, 1), 0, rng.randint(0, 2)]
        return received, [rng.randint(0, min(2, count)) for count in received]

    @classmethod
    def generate(cls, seed: str, revision: int = 0, previous_seed: str | None = None) -> ReportFigures:
        """Figures that satisfy every identity; 上年结转 is what the previous year's report
        (`previous_seed`) carried forward, so the check across years passes too."""
        rng = random.Random(seed)
        received, forward = cls.flows(seed)
        carried = cls.flows(previous_seed)[1] if previous_seed else [0] * 6
        requests: dict[str, list[int]] = {label: [0] * 6 for label in result_labels()}
        for col in range(6):
            incoming = received[col] + carried[col]
            for _ in range(incoming - forward[col]):
                requests[rng.choice(["（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                                     "1.本机关不掌握相关政府信息", "1.信访举报投诉类申请", "3.其他"])][col] += 1
        requests = {"一、本年新收政府信息公开申请数量": received,
                    "二、上年结转政府信息公开申请数量": carried, **requests,
                    "（七）总计": [received[c] + carried[c] - forward[c] for c in range(6)],
                    "四、结转下年度继续办理": forward}
        review = [rng.randint(0, 2), 0, 0, rng.randint(0, 1)]
        direct = [rng.randint(0, 1), 0, 0, 0]
        after = [0, 0, 0, 0]
        appeals = [*review, sum(review), *direct, sum(direct), *after, sum(after)]
        issued = rng.randint(0, 6)
        return cls(licensing=rng.randint(10, 900) + revision, penalty=rng.randint(0, 80),
                   coercion=rng.randint(0, 10), regs=(0, 0, 0),
                   norms=(issued, rng.randint(0, 2), issued + rng.randint(5, 40)),
                   requests=requests, appeals=appeals)


@dataclass(frozen=True)
class Variant:
    """How a report departs from a clean 2021-template filing (the demo shows each case).

    template: "2019" prints the 2019 tables (another active table, one （六）其他处理 row);
    misprinted_totals: requests rows whose printed 总计 is off by the given amount (the
    identities then fail); blank_rows: requests rows whose zero cells are printed "/"
    (blank, not 0); unprinted: (requests row, applicant column index) cells left empty,
    which the parser infers from the row's printed total.
    """

    template: str = "2021"
    misprinted_totals: tuple[tuple[str, int], ...] = ()
    blank_rows: tuple[str, ...] = ()
    unprinted: tuple[tuple[str, int], ...] = ()


CLEAN = Variant()


def result_labels() -> list[str]:
    """The 办理结果 rows that hold figures: each group's sub-rows, or the group itself."""
    labels = []
    for head, subs in RESULT_ROWS:
        labels.extend(subs or [head])
    return labels


def active_table(figures: ReportFigures) -> list[SpanRow]:
    def head(text: str) -> SpanRow:
        return [(text, 1, 4)]

    def one(label: str, value: int | str) -> SpanRow:
        return [(label, 1, 1), (str(value), 1, 3)]

    return [
        head("第二十条第（一）项"),
        [("信息内容", 1, 1), ("本年制发件数", 1, 1), ("本年废止件数", 1, 1), ("现行有效件数", 1, 1)],
        [("规章", 1, 1), *((str(v), 1, 1) for v in figures.regs)],
        [("行政规范性文件", 1, 1), *((str(v), 1, 1) for v in figures.norms)],
        head("第二十条第（五）项"),
        one("信息内容", "本年处理决定数量"),
        one("行政许可", figures.licensing),
        head("第二十条第（六）项"),
        one("信息内容", "本年处理决定数量"),
        one("行政处罚", figures.penalty),
        one("行政强制", figures.coercion),
        head("第二十条第（八）项"),
        one("信息内容", "本年收费金额（单位：万元）"),
        one("行政事业性收费", "0"),
    ]


def active_table_2019(figures: ReportFigures) -> list[SpanRow]:
    """The 2019 template's 主动公开 table: other columns, 其他对外管理服务事项 and 政府集中采购."""
    def head(text: str) -> SpanRow:
        return [(text, 1, 4)]

    def row(label: str, *values: int | str) -> SpanRow:
        cells = [(str(v), 1, 1) for v in values]
        if len(cells) < 3:
            cells[-1] = (cells[-1][0], 1, 4 - len(cells))
        return [(label, 1, 1), *cells]

    licensing = figures.licensing
    return [
        head("第二十条第（一）项"),
        [("信息内容", 1, 1), ("本年新制作数量", 1, 1), ("本年新公开数量", 1, 1), ("对外公开总数量", 1, 1)],
        row("规章", *figures.regs),
        row("规范性文件", figures.norms[0], figures.norms[0], figures.norms[2]),
        head("第二十条第（五）项"),
        [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 1), ("处理决定数量", 1, 1)],
        row("行政许可", 41, 2, licensing),
        row("其他对外管理服务事项", 12, 0, 30),
        head("第二十条第（六）项"),
        [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 1), ("处理决定数量", 1, 1)],
        row("行政处罚", 60, -1, figures.penalty),
        row("行政强制", 8, 0, figures.coercion),
        head("第二十条第（八）项"),
        [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 2)],
        row("行政事业性收费", 3, 0),
        head("第二十条第（九）项"),
        [("信息内容", 1, 1), ("采购项目数量", 1, 1), ("采购总金额", 1, 2)],
        row("政府集中采购", 5, "126.5"),
    ]


def requests_table(figures: ReportFigures, variant: Variant = CLEAN) -> list[SpanRow]:
    misprinted = dict(variant.misprinted_totals)
    other_subs = dict(RESULT_ROWS)["（六）其他处理"]

    def printed(label: str) -> list[int]:
        if variant.template == "2019" and label == "（六）其他处理":
            return [sum(col) for col in zip(*(figures.requests[sub] for sub in other_subs), strict=True)]
        return figures.requests[label]

    def values(label: str) -> list[SpanCell]:
        row = printed(label)
        cells = [
            "" if (label, col) in variant.unprinted
            else "/" if label in variant.blank_rows and v == 0 else str(v)
            for col, v in enumerate(row)
        ]
        total = sum(row) + misprinted.get(label, 0)
        return [(text, 1, 1) for text in cells] + [(str(total), 1, 1)]

    rows: list[SpanRow] = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [(name, 1, 1) for name in APPLICANT_COLS[1:]],
        [("一、本年新收政府信息公开申请数量", 1, 3), *values("一、本年新收政府信息公开申请数量")],
        [("二、上年结转政府信息公开申请数量", 1, 3), *values("二、上年结转政府信息公开申请数量")],
    ]
    blocks = [*RESULT_ROWS, ("（七）总计", [])]
    if variant.template == "2019":
        blocks = [(head, [] if head == "（六）其他处理" else subs) for head, subs in blocks]
    height = sum(len(subs) or 1 for _, subs in blocks)
    first = True
    for head, subs in blocks:
        lead: list[SpanCell] = [("三、本年度办理结果", height, 1)] if first else []
        first = False
        if not subs:
            rows.append([*lead, (head, 1, 2), *values(head)])
            continue
        for index, sub in enumerate(subs):
            group = [(head, len(subs), 1)] if index == 0 else []
            rows.append([*(lead if index == 0 else []), *group, (sub, 1, 1), *values(sub)])
    rows.append([("四、结转下年度继续办理", 1, 3), *values("四、结转下年度继续办理")])
    return rows


def appeals_table(figures: ReportFigures) -> list[SpanRow]:
    outcome = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [*((name, 2, 1) for name in outcome), ("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(name, 1, 1) for name in outcome * 2],
        [(str(v), 1, 1) for v in figures.appeals],
    ]


def expand(rows: list[SpanRow]) -> list[list[str]]:
    """The grid a reader sees: merged cells' text repeated in every slot they span."""
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text
            c += colspan
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]


@dataclass
class ReportText:
    title: str
    sections: list[tuple[str, list[str] | list[SpanRow]]]  # heading -> paragraphs or table


def report_text(org: str, year: int, seed: str, revision: int = 0, variant: Variant = CLEAN) -> ReportText:
    previous = f"{org}-{year - 1}" if seed == f"{org}-{year}" else None
    figures = ReportFigures.generate(seed, revision, previous)
    active = active_table_2019(figures) if variant.template == "2019" else active_table(figures)
    return ReportText(
        title=f"{org}{year}年政府信息公开工作年度报告",
        sections=[
            ("一、总体情况", [p.replace("本年度", f"{year}年") for p in NARRATIVE]),
            ("二、主动公开政府信息情况", active),
            ("三、收到和处理政府信息公开申请情况", requests_table(figures, variant)),
            ("四、政府信息公开行政复议、行政诉讼情况", appeals_table(figures)),
            ("五、存在的主要问题及改进情况", [PROBLEMS]),
            ("六、其他需要报告的事项", ["本年度未收取信息处理费。"]),
        ],
    )


def is_table(block: list) -> bool:
    return bool(block) and isinstance(block[0], list)


def to_html(report: ReportText) -> str:
    """The article body as CMS editors paste it: headings, paragraphs, bordered tables."""
    parts = [f"<p style=\"text-align:center\"><strong>{escape(report.title)}</strong></p>"]
    for heading, block in report.sections:
        parts.append(f"<p><strong>{escape(heading)}</strong></p>")
        if is_table(block):
            rows = []
            for row in block:
                cells = "".join(
                    f"<td{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}>"
                    f"{escape(text)}</td>"
                    for text, rs, cs in row
                )
                rows.append(f"<tr>{cells}</tr>")
            parts.append("<table border=\"1\" cellspacing=\"0\" cellpadding=\"2\"><tbody>"
                         + "".join(rows) + "</tbody></table>")
        else:
            parts.extend(f"<p>{escape(p)}</p>" for p in block)
    return "\n".join(parts)


@cache
def to_pdf(report_key: tuple[str, int, str, int]) -> bytes:
    """A small real PDF of the report (cached: reportlab output must not change between builds)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    report = report_text(*report_key)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1, title=report.title)
    story = [Paragraph(escape(report.title), style)]
    for heading, block in report.sections:
        story.append(Paragraph(escape(heading), style))
        if is_table(block):
            grid = [[Paragraph(escape(t), style) for t in row] for row in expand(block)]
            story.append(Table(grid, style=[("GRID", (0, 0), (-1, -1), 0.5, "black")]))
        else:
            story.extend(Paragraph(escape(p), style) for p in block)
    doc.build(story)
    return buf.getvalue()


@cache
def to_docx(report_key: tuple[str, int, str, int]) -> bytes:
    """A small real DOCX of the report, tables with merged cells as Word stores them."""
    import docx

    report = report_text(*report_key)
    document = docx.Document()
    document.add_heading(report.title, level=1)
    for heading, block in report.sections:
        document.add_paragraph(heading)
        if is_table(block):
            grid = expand(block)
            table = document.add_table(rows=len(grid), cols=len(grid[0]))
            table.style = "Table Grid"
            for table_row, row in zip(table.rows, grid, strict=True):
                cells = table_row.cells  # once per row: table.cell(r, c) rescans the table
                for c, text in enumerate(row):
                    if c == 0 or row[c - 1] != text or text.isdigit():
                        cells[c].text = text
        else:
            for paragraph in block:
                document.add_paragraph(paragraph)
    document.core_properties.created = document.core_properties.modified = FIXED_TIME
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _fixed_zip_times(package: bytes) -> bytes:
    """The same DOCX bytes on every run: zip members carry the time they were written, and a
    demo portal that served new bytes each run would look revised to the archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
