"""A fixture portal whose reports are bombs: a page far larger than any report page, a file that
gzip-inflates to far more than it weighs, and one real report beside them."""

from __future__ import annotations

import csv
import gzip
from html import escape
from pathlib import Path

from demo.reportgen import report_text, to_html
from demo.site import Page, Site

PORTAL_ID, NAME = "bombs", "炸弹县人民政府"
COLUMN, GOOD, HUGE, INFLATING = "/ndbg/index.html", "/ndbg/2023.html", "/ndbg/2022.html", "/ndbg/2021.pdf"


def html(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"</head><body>{body}</body></html>").encode()


def build(huge_bytes: int, inflated_bytes: int) -> Site:
    """`huge_bytes`: the oversized page's size; `inflated_bytes`: the gzip bomb's inflated size."""
    site = Site()
    good = report_text(NAME, 2023, "bombs-2023")
    site.add(GOOD, Page(html(good.title, f'<div class="article">{to_html(good)}</div>')))
    huge = report_text(NAME, 2022, "bombs-2022")
    filler = "<p>" + "表" * 1000 + "</p>"
    site.add(HUGE, Page(html(huge.title, to_html(huge) + filler * (huge_bytes // (len(filler.encode())) + 1))))
    bomb = gzip.compress(b"\0" * inflated_bytes, compresslevel=9)
    site.add(INFLATING, Page(bomb, content_type="application/pdf", headers={"Content-Encoding": "gzip"}))
    items = [(GOOD, good.title), (HUGE, huge.title), (INFLATING, f"{NAME}2021年政府信息公开工作年度报告.pdf")]
    site.add(COLUMN, Page(html("政府信息公开年报", "<ul>" + "".join(
        f'<li><a href="{escape(href)}">{escape(title)}</a><span>2024-01-20</span></li>'
        for href, title in items) + "</ul>")))
    return site


def write_registry(path: Path, base_url: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "region_code", "level", "url", "report_column_url"])
        writer.writerow([PORTAL_ID, NAME, "130534", "county", base_url + "/", base_url + COLUMN])
    return path
