"""Datasette pages that cost one page of rows, whatever the archive's size.

Datasette counts every row of a table or view to show its first page, and suggests
facets by counting distinct values of each column. On the archive's large derived views
(every figure of every parse, every application-table row, every version) a count
means reading millions of rows per page load: these pages failed with "SQL Interrupted"
on an archive of ten thousand reports. This plugin (Datasette's `asgi_wrapper` hook,
entry point `zfxxgk_paging`) rewrites requests for pages of an archive:

* `_nosuggest=1` on every table and view page (suggested facets scan every column);
* `_nocount=1` on every table and view but the small ones in `COUNTED` (Datasette then
  shows "next page" links without a total): a count reads every row, even through an
  index, and at national scale that is most of a page's time;
* `_stream=on` on CSV downloads, so the CSV link exports every row instead of the
  first 1,000 (Datasette's streaming CSV, up to its `max_csv_mb` setting).

A reader's own `_nocount=0` or `_stream=` is left as given.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlencode

from datasette import hookimpl

from archive.datasette_plugin import _archive_databases

# Tables whose size does not grow with the archive's reports (the registry, the crawl
# runs, the key labels, the years): a count of them is cheap and tells the reader how many.
COUNTED = frozenset(
    {
        "portals",
        "crawl_runs",
        "run_portals",
        "key_labels",
        "report_years",
        "blob_dictionaries",
        "archive_meta",
    }
)


def rewrite_query(path: str, query: str, archives: list[str]) -> str:
    """The query string to serve `path` with (unchanged outside archive table pages)."""
    parts = unquote(path).strip("/").split("/")
    if len(parts) != 2 or parts[0] not in archives or parts[1].startswith("-"):
        return query
    table, _, extension = parts[1].partition(".")
    params = parse_qsl(query, keep_blank_values=True)
    given = {key for key, _ in params}
    added = {"_nosuggest": "1"}
    if table not in COUNTED:
        added["_nocount"] = "1"
    if extension == "csv":
        added["_stream"] = "on"
    params += [(key, value) for key, value in added.items() if key not in given]
    return urlencode(params)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def paged(scope, receive, send):
            if scope["type"] == "http" and scope.get("method") == "GET":
                archives = _archive_databases(datasette)
                query = scope.get("query_string", b"").decode("latin-1")
                rewritten = rewrite_query(scope["path"], query, archives)
                if rewritten != query:
                    scope = dict(scope, query_string=rewritten.encode("latin-1"))
            await app(scope, receive, send)

        return paged

    return wrap
