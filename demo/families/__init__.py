"""CMS families that render demo/fixture portals, by name.

Each module subclasses `demo.families.render.Renderer`, which renders what every
family shares (encoding, report pages, attachments), and exposes
``build_site(content: PortalContent, base_url: str) -> Site``. Adding a family means adding
its module and one line here.
"""

from __future__ import annotations

import importlib

from demo.content import PortalContent
from demo.site import Site

FAMILIES: dict[str, str] = {
    "classic": "demo.families.classic",  # numbered list pages (下一页, 1 2 3)
    "querypage": "demo.families.querypage",  # ?page=N
    "trs": "demo.families.trs",  # createPageHTML(total, current, "index", "html")
    "hanweb": "demo.families.hanweb",  # datastore + dataproxy.jsp
    "jsonapi": "demo.families.jsonapi",  # JSON list API
}
# Families of provincial platforms and of pages only a browser pages through: served by
# the tests of their adapters and of the rendering fallback, outside the demo set.
PLATFORM_FAMILIES: dict[str, str] = {
    "trslist": "demo.families.trslist",  # TRS platform: static first page + POST /fjdzapp/search
    "hanweb_zj": "demo.families.hanweb_zj",  # Zhejiang's Hanweb: /module/jpage/dataproxy.jsp
    "gkmlpt": "demo.families.gkmlpt",  # Guangdong's /gkmlpt/ catalogue and its list API
    "jspager": "demo.families.jspager",  # pager drawn by a script, further rows loaded by it
}


def build_site(family: str, content: PortalContent, base_url: str) -> Site:
    """Render a portal's content the way the named CMS family would."""
    module = importlib.import_module({**FAMILIES, **PLATFORM_FAMILIES}[family])
    return module.build_site(content, base_url)
