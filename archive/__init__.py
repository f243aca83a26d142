"""The versioned archive: every fetch, version and parse of the reports, in one SQLite file.

It owns the database (schema, migrations, views, the Datasette plugin) and calls the
parsers on what it stores. It may import `parsers`; never Scrapy, `crawler`, `cli` or `demo`.
"""

from archive.migrations import ArchiveError
from archive.records import FetchRecord, RecordOutcome
from archive.store import Archive

__all__ = ["Archive", "ArchiveError", "FetchRecord", "RecordOutcome"]
