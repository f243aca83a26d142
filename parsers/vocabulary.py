"""The words that tell an annual report from its look-alikes, written down once.

The crawler reads them off link titles to decide which links to follow
(`crawler/discovery.py`), the parser off a document's own title and body to decide what
the document is (`parsers/classify.py`); when the two kept separate lists they disagreed
(a title ending in （动漫解读） was a report to one and a graphic to the other). Pure
data and patterns: no project imports, so the crawler may import it without the parser.
Patterns expect NFKC text (full-width digits and brackets folded).
"""

from __future__ import annotations

import re

# Chinese characters (CJK Unified Ideographs with Extension A, compatibility ideographs),
# as a character-class body, and with CJK punctuation and full-width forms added.
CJK = "\u3400-\u9fff\uf900-\ufaff"
CJK_WITH_PUNCTUATION = CJK + "\u3000-\u303f\uff00-\uffef"

YEAR = re.compile(r"((?:19|20)\d\d)(?=年|年度|\D|$)")

# "XX县2023年政府信息公开工作年度报告" and the ways portals shorten or reorder it.
REPORT_WORDS = re.compile(
    r"(?:政府|政务)?信息公开(?:工作)?(?:\d{4}年度?)?(?:年度)?(?:工作)?(?:的)?(?:年度报告|年报|报告)"
)
REPORT_TITLE = re.compile(r"政府信息公开.*(?:年度报告|年报)|(?:年度报告|年报).*政府信息公开")
ANNUAL_WORDS = re.compile(r"年报|年度报告|报告")
REPORT_TAILS = ("工作年度报告", "工作的年度报告", "年度报告", "工作年报", "年报")

# The name of a report column (or of the whole disclosure section), not of a report:
# no body, no year. Text versions and list pages start with it.
COLUMN_NAME = re.compile(
    r"(?:(?:政府|政务)?信息公开(?:工作)?)?(?:年度报告|年报)(?:专栏|栏目)?|(?:政府|政务)?信息公开(?:专栏|目录)?"
)

# Graphic digests, cartoons and videos made from a report: linked to it, never the report.
GRAPHIC = re.compile(
    r"一图(?:读懂|看懂|解读|速览|了解)|图解|图说|图读|漫画|动漫|H5|长图|视频解读"
)
# Market-regulation filings of enterprises, and company reports that share the words.
ENTERPRISE = re.compile(
    r"企业(?:年度)?年报|企业年度报告|年报公示|年度报告公示|个体工商户|农民专业合作社|市场主体|"
    r"有限(?:责任)?公司|股份|集团|公司"
)
# The same filings named in body text (where "公司" alone is an ordinary word).
ENTERPRISE_FILING = re.compile(r"企业(?:年度)?(?:年度报告|年报)|年报公示|年度报告公示")
YEARBOOK = re.compile(r"年鉴")
# Annual reports the disclosure regulation does not ask for, listed beside the real ones
# under 法定主动公开内容: statistics, budgets and final accounts, performance, audits.
OTHER_REPORT_WORDS = re.compile(r"统计|决算|预算|绩效|审计|财务|社会责任|环境信息|工作报告")

# Notices, letters and meetings about compiling, submitting or assessing the reports.
NOTICE = re.compile(
    r"通知|通报|函$|的函|编制|报送|做好|撰写|填报|审核|核查|抽查|评议|评估|考核|检查|培训|会议|"
    r"模板|格式|说明会|意见征集|情况的报告$"
)
# "关于…" is a notice's title unless it is exactly "关于<body><year>年政府信息公开工作年度报告".
NOTICE_PREFIX = re.compile(r"^关于(?!.*\d{4}年度?政府信息公开工作(?:的)?年度报告$)")

ERROR_PAGE = re.compile(
    r"404|页面不存在|页面未找到|找不到(?:该|此|您要访问的)?页面|访问的页面|"
    r"Not Found|无法访问|出错了|已被删除|信息不存在"
)

# Lines that are page furniture, never a document's title: list bullets, breadcrumbs.
BULLET = re.compile(r"^(?:[-*•·▪●◆■□◇>]|\d{1,3}[.、)])\s*")
BREADCRUMB = re.compile(r"当前位置|您的位置|所在位置|首页\s*[>»/]|[>»]\s*\S+\s*[>»]")
