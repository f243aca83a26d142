"""The versioned archive: every fetch, version and parse of the reports, in one SQLite file."""

from archive.migrations import ArchiveError
from archive.records import FetchRecord, RecordOutcome
from archive.store import Archive

__all__ = ["Archive", "ArchiveError", "FetchRecord", "RecordOutcome"]
