"""TRS intensive-platform portals (Fujian's ``fjdzapp``): "动静结合" lists.

The page shell and layout are the TRS family's (`demo.families.trs`). A column page prints
its first ``prepage`` documents as static ``<dl>`` rows; below them sits the avalon
template the platform's list module fills (``ms-repeat="list"``,
``ms-attr-href="el.chnldocurl"``, ``ms-text="el.doctitle"``), and a script starts the
module with ``listModel({quickMode: "动静结合", listArgs: {channelid: SiteInfo.searchId,
classsql: "chnlid=<id>", ...}, pagebar: {prepage: 10, recordCount: '<n>', ...}})``.
``SiteInfo`` is defined inline in the page. The module (``/fjdzapp/js/list2.trsapi.js``,
a small working stand-in for the platform's) draws the pager and, on 下一页, posts
``channelid, sortfield, classsql, classcol, classnum, classsort, cache, page, prepage``
to ``POST /fjdzapp/search``, which answers
``{"pageCount": N, "data": [{"docid", "chnlid", "doctitle", "chnldocurl", "docpuburl",
"docreltime", ...}]}``: the form fields and answer keys the platform uses (as public
crawlers of fujian.gov.cn department sites and pingtan.gov.cn send and read them).
"""

from __future__ import annotations

import json
import math
from html import escape

from demo.content import Column, PortalContent, ReportDoc
from demo.families.render import article_id, int_param, live_page, newest_first
from demo.families.trs import SECTION, SECTION_CRUMBS, TrsRenderer, unit_home
from demo.site import Page, Site, SiteRequest

SEARCH_PATH = "/fjdzapp/search"
MODULE_PATH = "/fjdzapp/js/list2.trsapi.js"
SEARCH_ID = "229105"  # the platform's search index (SiteInfo.searchId)
PREPAGE = 10
FIRST_CHANNEL = 1813

# A working stand-in for the platform's list module: pager, POST, avalon-like template fill.
MODULE_JS = """
window.listModel = function (opts) {
  var args = opts.listArgs, bar = opts.pagebar, page = 1;
  var pages = Math.ceil(parseInt(bar.recordCount, 10) / bar.prepage);
  var box = document.querySelector('[ms-controller]');
  var tpl = box.querySelector('[ms-repeat]');
  function draw() {
    var el = document.getElementById(bar.id || 'pagebar');
    el.innerHTML = '';
    if (page < pages) {
      var next = document.createElement('a');
      next.href = 'javascript:;';
      next.textContent = '下一页';
      next.onclick = function () { load(page + 1); };
      el.appendChild(next);
    }
    var info = document.createElement('span');
    info.textContent = page + '/' + pages;
    el.appendChild(info);
  }
  function fill(rows) {
    Array.prototype.slice.call(box.querySelectorAll('dl.static, dl.filled')).forEach(function (n) { n.remove(); });
    rows.forEach(function (el) {
      var row = tpl.cloneNode(true);
      row.removeAttribute('ms-repeat');
      row.className = 'filled';
      row.style.display = '';
      var a = row.querySelector('a');
      a.setAttribute('href', el.chnldocurl);
      a.setAttribute('title', el.doctitle);
      a.textContent = el.doctitle;
      row.querySelector('dd').textContent = el.docreltime.slice(0, 10);
      box.insertBefore(row, tpl);
    });
  }
  function load(n) {
    var form = [];
    for (var k in args) form.push(k + '=' + encodeURIComponent(args[k]));
    form.push('page=' + n, 'prepage=' + bar.prepage);
    var x = new XMLHttpRequest();
    x.open('POST', opts.url || '/fjdzapp/search');
    x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8');
    x.onload = function () {
      if (x.status !== 200) return;
      fill(JSON.parse(x.responseText).data);
      page = n;
      draw();
    };
    x.send(form.join('&'));
  }
  draw();
};
"""


class TrsListRenderer(TrsRenderer):
    def build(self) -> Site:
        self.columns: dict[str, tuple[str, list[ReportDoc]]] = {}  # classsql -> (base, docs)
        self.site.add(MODULE_PATH, Page(MODULE_JS.encode(), content_type="application/javascript"))
        self.site.add_handler(SEARCH_PATH, self.search)
        return super().build()

    def add_column(self, index: int, column: Column) -> str:
        if index == 0:
            base, crumbs = f"{SECTION}ndbg/", SECTION_CRUMBS
        else:
            base = f"{unit_home(index, column)}ndbg/"
            crumbs = [*SECTION_CRUMBS, (column.name, unit_home(index, column))]
        docs = newest_first(column)
        classsql = f"chnlid={FIRST_CHANNEL + index}"
        self.columns[classsql] = (base, docs)
        rows = "".join(
            f'<dl class="static"><dt><a href="{self.list_href(base, d)}" target="_blank" '
            f'title="{escape(d.title)}">{escape(d.title)}</a></dt><dd>{d.date}</dd></dl>'
            for d in docs[:PREPAGE]
        )
        template = (
            '<dl ms-repeat="list" style="display:none"><dt><a ms-attr-href="el.chnldocurl" '
            'ms-attr-title="el.doctitle" ms-text="el.doctitle" target="_blank"></a></dt>'
            '<dd ms-text="el.docreltime"></dd></dl>'
        )
        call = (
            "listModel({quickMode: \"动静结合\", listArgs: {channelid: SiteInfo.searchId, "
            f"sortfield: \"-docorderpri,-docreltime\", classsql: \"{classsql}\", classcol: \"publishyear\", "
            "classnum: \"100\", classsort: \"0\", cache: \"true\"}, "
            f"pagebar: {{id: \"pagebar\", prepage: {PREPAGE}, recordCount: '{len(docs)}', groupSize: 5}}}});"
        )
        page = self.page(column.name, (
            f"<script type=\"text/javascript\">var SiteInfo = {{siteId: '{self.content.region_code}', "
            f"searchId: '{SEARCH_ID}', siteName: '{escape(self.content.name)}'}};</script>"
            f'<div class="listTitle">{escape(column.name)}</div>'
            f'<div class="list" ms-controller="list">{rows}{template}</div>'
            '<div class="pagebar" id="pagebar"></div>'
            f'<script type="text/javascript" src="{MODULE_PATH}"></script>'
            f'<script type="text/javascript">{call}</script>'
        ), crumbs=[*crumbs, ("政府信息公开年报", base)])
        self.site.add(base, page)
        self.site.add(base + "index.htm", page)
        self.add_details(base, column)
        return "./ndbg/"

    def search(self, request: SiteRequest) -> Page:
        """POST /fjdzapp/search: one page of a column, as the platform answers it."""
        base, docs = self.columns.get(request.form.get("classsql", ""), ("", []))
        if request.method != "POST" or request.form.get("channelid") != SEARCH_ID:
            docs = []
        prepage = max(1, int_param(request.form, "prepage", PREPAGE))
        page = max(1, int_param(request.form, "page", 1))
        chunk = docs[(page - 1) * prepage : page * prepage]
        answer = {
            "pageCount": math.ceil(len(docs) / prepage),
            "data": [self.record(base, doc) for doc in chunk],
        }
        return live_page(json.dumps(answer, ensure_ascii=False).encode(), "application/json;charset=UTF-8")

    def record(self, base: str, doc: ReportDoc) -> dict[str, str | int]:
        return {
            "docid": article_id(doc),
            "doctitle": doc.title,
            "chnldocurl": self.list_href(base, doc),
            "docpuburl": self.base_url + self.detail_path(base, doc),
            "docreltime": f"{doc.date} 09:00:00",
            "docorderpri": 0,
        }


def build_site(content: PortalContent, base_url: str) -> Site:
    return TrsListRenderer(content, base_url).build()
