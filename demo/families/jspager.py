"""Portals whose list pager exists only once the page's script has run.

The page shell is the classic family's (its header links 首页). A column page prints its
first ten documents as static rows and 共N条 beside an empty pager element; an inline script
draws 下一页 and, on a click, loads the next rows from a file whose name it builds at run
time (``'list' + '_' + n + '.htm'``, beside the column page), so no URL of a further page
appears anywhere in the HTML: only a browser reaches them. On the last page 下一页 stays,
greyed out, as pagers commonly leave it.
"""

from __future__ import annotations

import math
from html import escape

from demo.content import Column, PortalContent, ReportDoc
from demo.families.classic import ClassicRenderer
from demo.families.render import newest_first, unit_slug
from demo.site import Page, Site

PAGE_SIZE = 10

PAGER_JS = """
(function () {
  var page = 1, pages = %(pages)d;
  var bar = document.getElementById('pageBar'), list = document.getElementById('docList');
  function draw() {
    bar.innerHTML = '';
    var info = document.createElement('span');
    info.textContent = '第' + page + '/' + pages + '页';
    bar.appendChild(info);
    var next = document.createElement(page < pages ? 'a' : 'span');
    next.textContent = '下一页';
    if (page < pages) {
      next.href = 'javascript:void(0)';
      next.onclick = function () { go(page + 1); };
    } else {
      next.className = 'disabled';  // greyed out on the last page, still shown
    }
    bar.appendChild(next);
  }
  function go(n) {
    var x = new XMLHttpRequest();
    x.open('GET', ['list', n].join('_') + '.htm');
    x.onload = function () {
      if (x.status !== 200) return;
      list.innerHTML = x.responseText;
      page = n;
      draw();
    };
    x.send();
  }
  draw();
})();
"""


class JsPagerRenderer(ClassicRenderer):
    def add_column(self, index: int, column: Column) -> str:
        base = "/zfxxgk/ndbg/" if index == 0 else f"/zfxxgk/{unit_slug(index, column)}/ndbg/"
        docs = newest_first(column)
        pages = [docs[i : i + PAGE_SIZE] for i in range(0, len(docs), PAGE_SIZE)] or [[]]
        for number, chunk in enumerate(pages[1:], start=2):
            self.site.add(f"{base}list_{number}.htm", Page(self.rows(base, chunk).encode(self.content.encoding),
                                                           content_type="text/html"))
        script = PAGER_JS % {"pages": math.ceil(len(docs) / PAGE_SIZE)}
        self.site.add(base + "index.html", self.page(column.name, (
            f"<h2>{escape(column.name)}</h2><ul class=\"list\" id=\"docList\">{self.rows(base, pages[0])}</ul>"
            f"<div class=\"count\">共{len(docs)}条</div><div class=\"fy\" id=\"pageBar\"></div>"
            f"<script type=\"text/javascript\">{script}</script>"
        )))
        self.add_details(base, column)
        return f"{base}index.html"

    def rows(self, base: str, docs: list[ReportDoc]) -> str:
        return "".join(
            f'<li><a href="{self.detail_path(base, d)}" title="{escape(d.title)}">'
            f"{escape(d.title)}</a><span>{d.date}</span></li>"
            for d in docs
        )


def build_site(content: PortalContent, base_url: str) -> Site:
    return JsPagerRenderer(content, base_url).build()
