"""The versioned archive: every fetch, version and parse of the reports, in one SQLite file.

It owns the database (schema, migrations, views, the Datasette plugin) and calls the
parsers on what it stores. It may import `parsers`; never Scrapy, `crawler`, `cli` or `demo`.

`Archive` (store.py) is the facade; behind it one module per concern: `versioning` decides
what a fetch means (a pure function), `fetch_log`, `documents` (documents and versions) and
`reports` (parses and their rows) write it, `blobs` keeps raw bodies, `runs` crawl runs and
the registry, `schema`/`migrations` the tables, `views` the SQL views.
"""

from archive.migrations import ArchiveError
from archive.records import FetchRecord, RecordOutcome
from archive.store import Archive

__all__ = ["Archive", "ArchiveError", "FetchRecord", "RecordOutcome"]
