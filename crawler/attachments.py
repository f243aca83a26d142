"""Attachment links on report pages, and the real filenames servers give them.

Many reports live only in an attached PDF/DOC/WPS/OFD file, linked as a relative path, a
percent-encoded or raw Chinese name, or an opaque ``downfile.jsp?filename=`` whose real
name comes only in Content-Disposition (RFC 5987 ``filename*=`` or raw GBK bytes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import collapse_rfc2231_value, decode_rfc2231
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, unquote, unquote_to_bytes, urlsplit

from scrapy.http import TextResponse

from crawler.links import page_links

ATTACHMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "wps", "ofd", "xls", "xlsx", "et", "zip", "rar", "7z"})
DOWNLOAD_SCRIPT = re.compile(r"(?:down(?:load)?(?:file)?|attach(?:ment)?|getfile|file)\w*\.(?:jsp|do|aspx?|php)$", re.I)
EXTENSION = re.compile(r"\.([A-Za-z0-9]{2,4})$")
# Query parameters download scripts name the file in (downfile.jsp?filename=...).
FILENAME_PARAMS = frozenset({"filename", "file", "name", "fn"})


@dataclass(frozen=True)
class AttachmentLink:
    """A file the page links or embeds, with the link's text (often the real filename)."""

    url: str
    text: str


def extension_of(name: str) -> str | None:
    """The attachment extension a name ends with (lower case), None for any other name."""
    match = EXTENSION.search(name.strip())
    ext = match.group(1).lower() if match else None
    return ext if ext in ATTACHMENT_EXTENSIONS else None


def is_attachment_url(url: str, text: str = "") -> bool:
    """A link to a file: by path extension, a ``filename=`` query value, a download script,
    or anchor text that is itself a file name."""
    parts = urlsplit(url)
    if extension_of(unquote(parts.path)):
        return True
    if any(extension_of(v) for _, v in parse_qsl(parts.query)):
        return True
    if DOWNLOAD_SCRIPT.search(parts.path):
        return True
    return extension_of(text) is not None


def attachment_links(response: TextResponse) -> list[AttachmentLink]:
    """Every file linked or embedded by the page, absolute URLs, first occurrence kept."""
    found: dict[str, AttachmentLink] = {}
    for link in page_links(response):
        if is_attachment_url(link.url, link.text) and link.url not in found:
            found[link.url] = AttachmentLink(link.url, link.text)
    for css, attribute in (("iframe[src], embed[src]", "src"), ("object[data]", "data")):
        for link in page_links(response, css, attribute):
            if extension_of(unquote(urlsplit(link.url).path)) and link.url not in found:
                found[link.url] = AttachmentLink(link.url, "")
    return list(found.values())


def decode_header_name(raw: bytes) -> str:
    """A raw (non-RFC 5987) filename: UTF-8 if it is, else GB18030 (a superset of GBK)."""
    raw = unquote_to_bytes(raw) if b"%" in raw else raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def filename_from_disposition(value: bytes) -> str | None:
    """The filename of a Content-Disposition header; ``filename*=`` wins over ``filename=``."""
    params = {}
    for part in re.split(rb";\s*", value.strip()):
        key, sep, val = part.partition(b"=")
        if sep:
            params[key.strip().lower()] = val.strip().strip(b'"')
    if b"filename*" in params:
        text = params[b"filename*"].decode("latin-1")
        decoded = decode_rfc2231(text)
        if decoded[0] is not None or decoded[1] is not None:
            charset = (decoded[0] or "utf-8").lower()
            return unquote(decoded[2], encoding=charset, errors="replace")
        return collapse_rfc2231_value(text)
    if b"filename" in params:
        return decode_header_name(params[b"filename"]) or None
    return None


def attachment_filename(url: str, content_disposition: bytes | None) -> str | None:
    """What to call a downloaded file: the server's name, else the ``filename=`` query
    value, else the last path segment (percent-decoded)."""
    if content_disposition:
        name = filename_from_disposition(content_disposition)
        if name:
            return PurePosixPath(name.replace("\\", "/")).name
    parts = urlsplit(url)
    for key, value in parse_qsl(parts.query):
        if key.lower() in FILENAME_PARAMS and value:
            return PurePosixPath(value).name
    name = PurePosixPath(unquote(parts.path)).name
    return name or None
