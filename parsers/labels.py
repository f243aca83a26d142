"""Report labels -> canonical keys of `report_tables.json`.

Reports retype the template's labels: full- or half-width brackets, spaces inside words
(商业 企业), row prefixes dropped ((一)予以公开 without 三、本年度办理结果), 不予以处理 for
不予处理, 总记 for 总计, 本年度止件数 for 本年废止件数, shortened wording, a label split over
two lines. So labels are compared as *keys* (normalized, whitespace and punctuation
removed), first by exact lookup, then by the distinctive words each row keeps in every
variant seen, and only then by the row's number inside its group ((三)… 1. -> denied.*).
"""

from __future__ import annotations

import re
from functools import lru_cache

from parsers.text_normalize import normalize_cell

_STRIP = re.compile(r"[\s()\[\]{}<>〔〕【】《》“”\"'‘’`,.;:!?、。·…_~|/\\+*=#—-]+")
_ORDINAL_PREFIX = re.compile(r"^(?:\d{1,2}|[一二三四五六七八九十]{1,2})")
_GROUP_NUMBER = re.compile(r"^\(?([一二三四五六七])\)")
_ITEM_NUMBER = re.compile(r"(?:^|\s|\))(\d{1,2})\s*[.、,]")
_PROSE = re.compile(r"。")

MAX_LABEL_CHARS = 70  # longer cells are prose, not table labels


@lru_cache(maxsize=16384)
def label_key(text: str) -> str:
    """The comparable form of a label: normalized, no whitespace, no punctuation."""
    return _STRIP.sub("", normalize_cell(text))


def core_key(key: str) -> str:
    """A label key without its leading ordinal (三不予公开 -> 不予公开, 1属于国家秘密 -> 属于国家秘密)."""
    return _ORDINAL_PREFIX.sub("", key)


@lru_cache(maxsize=4096)
def is_label_text(text: str) -> bool:
    """A short line of table text, not a sentence of the report's prose."""
    cell = normalize_cell(text)
    return 0 < len(cell) <= MAX_LABEL_CHARS and not _PROSE.search(cell)


# ---------------------------------------------------------------- requests table rows

# Groups of 三、本年度办理结果 whose numbered items need their group to be told apart.
_GROUP_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("denied", ("不予公开", "不予以公开")),
    ("unavailable", ("无法提供",)),
    ("not_processed", ("不予处理", "不予以处理")),
    ("other", ("其他处理", "其它处理")),
)
_GROUP_BY_NUMBER = {"三": "denied", "四": "unavailable", "五": "not_processed", "六": "other"}

# Distinctive words per row, most specific first: the first hit wins.
_REQUEST_ROW_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("received", ("本年新收", "新收政府信息")),
    ("carried_over", ("上年结转",)),
    ("carried_forward", ("结转下年", "下年度继续")),
    ("partially_granted", ("部分公开",)),
    ("denied.state_secret", ("国家秘密",)),
    # 其他法律行政止公开: a published report's typo that dropped 法规禁
    ("denied.prohibited_by_law", ("法规禁止", "法律禁止", "禁止公开", "其他法律行政")),
    ("denied.security_stability", ("三安全一稳定", "危及")),
    ("denied.third_party_rights", ("第三方",)),
    ("denied.internal_affairs", ("内部事务",)),
    ("denied.process_information", ("过程性",)),
    ("denied.enforcement_files", ("执法案卷",)),
    ("denied.administrative_query", ("行政查询",)),
    ("unavailable.not_held", ("不掌握",)),
    ("unavailable.needs_creation", ("另行制作", "没有现成")),
    ("unavailable.unclear_after_correction", ("仍不明确", "补正后")),
    ("not_processed.petition_complaint", ("信访", "举报", "投诉")),
    ("not_processed.duplicate", ("重复申请",)),
    ("not_processed.publication", ("出版物",)),
    ("not_processed.excessive", ("大量反复", "大量", "反复申请")),
    ("not_processed.confirmation", ("重新出具", "确认")),
    ("other.no_correction", ("不补正", "申请人无正当理由", "逾期未补正")),
    ("other.unpaid_fee", ("缴纳费用", "收费通知", "未按收费", "缴费")),
    ("total_processed", ("总计", "总记", "合计")),
)

# Item numbers inside each group, for labels shortened to their number or a stub.
_ITEMS_BY_GROUP: dict[str, tuple[str, ...]] = {
    "denied": (
        "denied.state_secret", "denied.prohibited_by_law", "denied.security_stability",
        "denied.third_party_rights", "denied.internal_affairs", "denied.process_information",
        "denied.enforcement_files", "denied.administrative_query",
    ),
    "unavailable": (
        "unavailable.not_held", "unavailable.needs_creation",
        "unavailable.unclear_after_correction",
    ),
    "not_processed": (
        "not_processed.petition_complaint", "not_processed.duplicate",
        "not_processed.publication", "not_processed.excessive", "not_processed.confirmation",
    ),
    "other": ("other.no_correction", "other.unpaid_fee", "other.other"),
}


@lru_cache(maxsize=4096)
def requests_group(text: str) -> str | None:
    """The group of 三、本年度办理结果 a label opens ((三)不予公开 -> "denied"), if any."""
    key = label_key(text)
    for group, words in _GROUP_WORDS:
        if any(word in key for word in words):
            return group
    match = _GROUP_NUMBER.match(normalize_cell(text))
    if match and core_key(key) == "" and match.group(1) in _GROUP_BY_NUMBER:
        return _GROUP_BY_NUMBER[match.group(1)]
    return None


@lru_cache(maxsize=8192)
def requests_row(text: str, group: str | None) -> str | None:
    """The requests row a single label cell names, read in the context of its group.

    Returns "other" for a bare (六)其他处理 (the 2019 template's single row); the caller
    decides whether that row exists in the report's template.
    """
    if not is_label_text(text):
        return None
    key = label_key(text)
    if not key:
        return None
    if "予以公开" in key and "不予" not in key and "部分" not in key:
        return "granted"
    for row, words in _REQUEST_ROW_WORDS:
        if any(word in key for word in words):
            return row
    core = core_key(key)
    group = requests_group(text) or group  # a merged cell can carry its own group
    if group == "other" and (core in ("其他", "其它") or key.endswith(("3其他", "3其它"))):
        return "other.other"
    items_found = _ITEM_NUMBER.findall(normalize_cell(text))
    item = items_found[-1] if items_found else None
    if item and group in _ITEMS_BY_GROUP:
        items = _ITEMS_BY_GROUP[group]
        number = int(item)
        if 1 <= number <= len(items):
            return items[number - 1]
    if requests_group(text) == "other":
        return "other"
    if core == "七":
        return "total_processed"
    return None


# ---------------------------------------------------------------- column headers

_REQUEST_COL_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("natural_person", ("自然人",)),
    ("commercial", ("商业企业",)),
    ("research", ("科研机构",)),
    ("nonprofit", ("社会公益组织", "公益组织")),
    ("legal_services", ("法律服务机构", "法律服务")),
    ("total", ("总计", "总记", "合计")),
)


@lru_cache(maxsize=4096)
def requests_col(text: str) -> str | None:
    """The applicant column a requests header cell names (其他 alone is other_org).

    A numbered label ((七)总计) is a row, not the 总计 column.
    """
    key = label_key(text)
    if not key or len(key) > 20 or core_key(key) != key:
        return None
    for col, words in _REQUEST_COL_WORDS:
        if any(word in key for word in words):
            return col
    if key in ("其他", "其它", "其他组织"):
        return "other_org"
    return None


_APPEALS_COL_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("upheld", ("结果维持", "维持")),
    ("corrected", ("结果纠正", "纠正")),
    ("other", ("其他结果", "其它结果")),
    ("pending", ("尚未审结", "未审结")),
    ("total", ("总计", "总记", "合计")),
)


@lru_cache(maxsize=4096)
def appeals_col(text: str) -> str | None:
    """The result column an appeals header cell names."""
    key = label_key(text)
    if not key or len(key) > 12:
        return None
    for col, words in _APPEALS_COL_WORDS:
        if any(word in key for word in words):
            return col
    return None


@lru_cache(maxsize=4096)
def appeals_row(text: str) -> str | None:
    """The appeals row (行政复议 / 未经复议直接起诉 / 复议后起诉) a label names."""
    key = label_key(text)
    if not key or len(key) > 16:
        return None
    if "直接起诉" in key or "未经复议" in key:
        return "litigation_direct"
    if "复议后起诉" in key:
        return "litigation_after_review"
    if core_key(key) == "行政复议":
        return "review"
    return None


# ---------------------------------------------------------------- active table

_ACTIVE_ROWS: dict[str, dict[str, str]] = {
    "2021": {
        "规章": "regulations", "行政规范性文件": "normative_documents",
        "规范性文件": "normative_documents", "行政许可": "licensing", "行政处罚": "penalty",
        "行政强制": "coercion", "行政事业性收费": "fees",
    },
    "2019": {
        "规章": "regulations", "规范性文件": "normative_documents",
        "行政规范性文件": "normative_documents", "行政许可": "licensing",
        "其他对外管理服务事项": "other_services", "行政处罚": "penalty", "行政强制": "coercion",
        "行政事业性收费": "fees", "政府集中采购": "procurement",
    },
}

_ACTIVE_COL_WORDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "2021": (
        ("issued", ("制发",)),
        ("repealed", ("废止", "度止")),
        ("in_force", ("现行有效", "有效件数")),
        ("decisions", ("处理决定",)),
        ("amount_10k_yuan", ("收费金额",)),
    ),
    "2019": (
        ("made", ("新制作",)),
        ("published", ("新公开",)),
        ("total_published", ("公开总数",)),
        ("prev_year_items", ("上一年项目", "上年项目")),
        ("change", ("增减", "增/减")),
        ("decisions", ("处理决定",)),
        ("projects", ("采购项目",)),
        ("amount", ("总金额", "采购金额")),
    ),
}


@lru_cache(maxsize=4096)
def active_row(text: str, template: str) -> str | None:
    """The active-disclosure row a label names (exact key, or the label with a short suffix)."""
    rows = _ACTIVE_ROWS[template]
    key = core_key(label_key(text))
    if key in rows:
        return rows[key]
    if len(key) <= 14:
        for label, row in rows.items():
            if key.startswith(label) or (len(label) > 2 and label in key):
                return row
    return None


@lru_cache(maxsize=4096)
def active_col(text: str, template: str) -> str | None:
    """The active-disclosure column a header cell names."""
    key = label_key(text)
    if not key or len(key) > 30:
        return None
    for col, words in _ACTIVE_COL_WORDS[template]:
        if any(word in key for word in words):
            return col
    return None


# ---------------------------------------------------------------- context words

_TEMPLATE_2019_WORDS = (
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增减",
    "政府集中采购", "采购项目数量", "其他对外管理服务事项",
)
_TEMPLATE_2021_WORDS = (
    "本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正", "缴纳费用",
)


def template_votes(keys: str) -> tuple[int, int]:
    """(2021 votes, 2019 votes) from the table text's label keys joined together."""
    return (
        sum(word in keys for word in _TEMPLATE_2021_WORDS),
        sum(word in keys for word in _TEMPLATE_2019_WORDS),
    )


@lru_cache(maxsize=4096)
def table_of_heading(text: str) -> str | None:
    """Which table a heading or header cell opens (主动公开/第二十条, 申请, 复议/诉讼)."""
    key = label_key(text)
    if not key or len(key) > 60:
        return None
    if "主动公开政府信息情况" in key or key.startswith("第二十条") or key == "信息内容":
        return "active"
    if "收到和处理" in key or "申请人情况" in key or "勾稽关系" in key:
        return "requests"
    if "行政复议" in key or "行政诉讼" in key:
        return "appeals"
    return None


_AFTER_TABLES = re.compile(r"^[五六七]、")


@lru_cache(maxsize=4096)
def ends_tables(text: str) -> bool:
    """A heading after the statistical tables (五、存在的主要问题… / 六、其他需要报告的事项)."""
    cell = normalize_cell(text)
    return bool(_AFTER_TABLES.match(cell)) and len(cell) <= 40
