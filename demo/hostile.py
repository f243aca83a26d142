"""A portal whose 年报 column links everywhere it must not: the scope gate's fixture.

One county (``www.hostile.gov.cn``) lists a real report beside report-titled links to a
local file, a ``data:`` URL, another host's files (plain, with backslashes, over FTP), a
page that redirects (302) or meta-refreshes to another host, and a host of its own domain
that resolves to a denied address. Another county's host (``www.other.gov.cn``) is served
and logs every request, so a test can show it was never asked for anything. Host names
resolve through `demo.realworld.FixtureResolver`; ``evil.hostile.gov.cn`` resolves into
``127.0.9.0/24``, which the crawl under test denies as "private" (nothing listens there).
"""

from __future__ import annotations

import base64
import csv
from html import escape
from pathlib import Path

from demo.realworld import RealWorld, links

PORTAL_ID, HOME, OTHER, EVIL = "hostile", "www.hostile.gov.cn", "www.other.gov.cn", "evil.hostile.gov.cn"
HOSTS = [HOME, OTHER]  # served; EVIL only resolves
EVIL_ADDRESS = "127.0.9.1"
DENIED_AS_PRIVATE = "127.0.9.0/24"
COLUMN = "/ndbg/index.html"


def title(year: int) -> str:
    return f"清河县{year}年政府信息公开工作年度报告"


def build(port: int, secret: Path) -> RealWorld:
    """The sites; `secret` is a local file the crawl must never read."""
    world = RealWorld(port)
    world.page(HOME, "/", "清河县人民政府", links([(COLUMN, "政府信息公开年报")]))
    world.report(PORTAL_ID, HOME, "/ndbg/2023.html", "清河县", 2023)
    data_url = "data:text/html;base64," + base64.b64encode(title(2022).encode()).decode()
    other = world.url(OTHER)
    hostile = [
        ("/ndbg/2023.html", title(2023)),
        (secret.as_uri(), title(2022)),
        (secret.with_suffix(".pdf").as_uri(), title(2021) + ".pdf"),
        (data_url, title(2020) + ".pdf"),
        (f"{other}ndbg/2019.pdf", title(2019)),
        (f"ftp://{OTHER}:{port}/ndbg/2017.pdf", title(2017)),
        ("/ndbg/2016.html", title(2016)),  # 302 to the other host
        ("/ndbg/2015.html", title(2015)),  # meta refresh to the other host
        (world.url(EVIL, "/ndbg/2014.html"), title(2014)),  # in scope by name, denied by address
    ]
    world.page(HOME, COLUMN, "政府信息公开年报", links(hostile))
    world.site(HOME).redirect("/ndbg/2016.html", f"{other}ndbg/2016.html", status=302)
    world.page(HOME, "/ndbg/2015.html", title(2015),
               f'<meta http-equiv="refresh" content="0; url={escape(other)}ndbg/2015.html">')
    # The report page embeds and links the other host's files too, once with backslashes.
    report = world.sites[HOME].pages["/ndbg/2023.html"]
    report.body = report.body.replace(b"</body>", (
        f'<a href="{other}files/2023.pdf">附件：2023年报.pdf</a>'
        f'<a href="http:\\\\{OTHER}:{port}\\ndbg\\2018.pdf">附件：2018年报.pdf</a>'
        f'<iframe src="{other}files/2023-view.pdf"></iframe></body>').encode())
    for path in ("/ndbg/2019.pdf", "/ndbg/2018.pdf", "/ndbg/2017.pdf", "/ndbg/2016.html",
                 "/ndbg/2015.html", "/files/2023.pdf", "/files/2023-view.pdf"):
        world.page(OTHER, path, "别的网站", "<p>不该被抓取</p>")
    world.site(OTHER)
    return world


def write_registry(path: Path, world: RealWorld) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "region_code", "level", "url", "report_column_url"])
        writer.writerow([PORTAL_ID, "清河县人民政府", "130534", "county", world.url(HOME),
                         world.url(HOME, COLUMN)])
    return path
