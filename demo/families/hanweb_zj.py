"""Hanweb JCMS as Zhejiang's intensive platform runs it: the same ``<datastore>`` columns,
but jpage posts to ``/module/jpage/dataproxy.jsp`` (no ``/web/``), as public crawlers of
zj.gov.cn and of Zhejiang county sites (qdh.gov.cn) send it; Jiangsu's and Shandong's
Hanweb sites keep ``/module/web/jpage/``."""

from __future__ import annotations

from demo.content import PortalContent
from demo.families.hanweb import HanwebRenderer
from demo.site import Site


class ZhejiangHanwebRenderer(HanwebRenderer):
    proxy_path = "/module/jpage/dataproxy.jsp"


def build_site(content: PortalContent, base_url: str) -> Site:
    return ZhejiangHanwebRenderer(content, base_url).build()
