"""Attachment links and the filenames servers give them (RFC 5987, raw GBK, query names)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from scrapy.http import HtmlResponse

from crawler.attachments import attachment_filename, attachment_links, filename_from_disposition

pytestmark = pytest.mark.e2e

PAGE = """<html><head><meta charset="gbk"></head><body><div class="content">
<p>附件：<a href="P020240120123.pdf">附件1.pdf</a></p>
<p><a href="./%E6%8A%A5%E5%91%8A.docx">报告.docx</a></p>
<p><a href="城关镇年报.wps">城关镇年报.wps</a></p>
<p><a href="/module/download/downfile.jsp?classid=0&filename=1f2e3d.ofd">下载</a></p>
<p><a href="/attach/get?id=7">统计表.xlsx</a></p>
<p><a href="/zfxxgk/ndbg/index.html">返回列表</a> <a href="javascript:print()">打印.pdf</a></p>
<iframe src="/viewer/report.pdf"></iframe>
</div></body></html>"""


def test_attachment_links_in_every_href_style() -> None:
    response = HtmlResponse("http://127.0.0.11/zfxxgk/ndbg/202401/t1.html",
                            body=PAGE.encode("gbk"), encoding="gbk")
    urls = [link.url for link in attachment_links(response)]
    assert urls == [
        "http://127.0.0.11/zfxxgk/ndbg/202401/P020240120123.pdf",
        "http://127.0.0.11/zfxxgk/ndbg/202401/%E6%8A%A5%E5%91%8A.docx",
        "http://127.0.0.11/zfxxgk/ndbg/202401/城关镇年报.wps",
        "http://127.0.0.11/module/download/downfile.jsp?classid=0&filename=1f2e3d.ofd",
        "http://127.0.0.11/attach/get?id=7",
        "http://127.0.0.11/viewer/report.pdf",
    ]


def test_rfc5987_filename_wins() -> None:
    header = f"attachment; filename=\"report.pdf\"; filename*=UTF-8''{quote('清河县2023年报告.pdf')}"
    assert filename_from_disposition(header.encode("latin-1")) == "清河县2023年报告.pdf"


def test_raw_gbk_filename() -> None:
    header = b'attachment; filename="' + "喆城区2021年度报告.pdf".encode("gbk") + b'"'
    assert filename_from_disposition(header) == "喆城区2021年度报告.pdf"


def test_raw_utf8_and_percent_encoded_filenames() -> None:
    assert filename_from_disposition('attachment; filename="年报.docx"'.encode()) == "年报.docx"
    assert filename_from_disposition(b"attachment;filename=%E5%B9%B4%E6%8A%A5.pdf") == "年报.pdf"


def test_filename_falls_back_to_query_then_path() -> None:
    assert attachment_filename("http://h/downfile.jsp?filename=abc.pdf", None) == "abc.pdf"
    assert attachment_filename("http://h/a/%E5%B9%B4%E6%8A%A5.pdf", None) == "年报.pdf"
    assert attachment_filename("http://h/a/x.pdf", b'attachment; filename="C:\\tmp\\y.pdf"') == "y.pdf"
