"""What "the same content" means, which decides when a fetch makes a new version.

Rules (also in README.md, "Versioning: what the same content means"):

* Every raw body is kept (content-addressed in `blobs`) and every fetch records the
  sha256 of what it got, whether or not it makes a version.
* A version is made only when the content fingerprint differs from the document's
  current version. The fingerprint of an HTML page that the parser could read is the
  sha256 of its extracted body text (`Report.text`, whitespace runs collapsed): portal
  pages carry visit counters, clocks and rotating sidebars around the report, and those
  must not turn one report into hundreds of versions. Anything else (attachments,
  local files in binary formats, pages the parser could not read) is fingerprinted by
  its raw sha256, because for those there is no trustworthy "body" to compare.
* Identical raw bytes are always the same content, whatever the parser says.
* Text fingerprints are only compared when computed by the same parser version (a
  better extractor may change the text of an unchanged page); the store re-reads the
  current version with the running parser when needed.
* Content that returns to an earlier state (A, B, A) is a new version 3 whose blob is
  shared with version 1: versions are the document's timeline, not a set.
* 304 moves last_seen; 404, 410 or a soft 404 on a known document marks it gone (the
  first time; repeats are still_gone); anything else is an error that changes nothing.

The decision is `decide()`, a pure function of what the archive knows and what the fetch
brought: the store gathers the facts, asks, then writes (`archive.documents`,
`archive.reports`), as a migration tool separates the pending steps from applying them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from archive.parse_stage import Parsed

TEXT = "text"
RAW = "raw"
GONE_STATUSES = frozenset({404, 410})


@dataclass(frozen=True)
class Fingerprint:
    kind: str  # "text" or "raw"
    value: str


class Decision(StrEnum):
    """What a fetch means for its document; the value is `fetches.outcome`."""

    NEW_DOCUMENT = "new_document"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    NOT_MODIFIED = "not_modified"
    GONE = "gone"
    STILL_GONE = "still_gone"
    NOT_FOUND = "not_found"
    ERROR = "error"


@dataclass(frozen=True)
class Known:
    """What the archive holds for the fetched URL, as far as the decision needs it."""

    gone: bool
    has_version: bool
    raw_seen: bool = False  # the fetched bytes were already fetched as the current version
    current_text: str | None = None  # current version's text fingerprint by the running parser


def fingerprint(parsed: Parsed, raw_sha256: str) -> Fingerprint:
    report = parsed.report
    if report is not None and report.source_format == "html" and report.text.strip():
        return Fingerprint(TEXT, parsed.text_sha256 or "")
    return Fingerprint(RAW, raw_sha256)


def is_content(status: int | None, soft_404: bool) -> bool:
    """A response whose body is the document (a 200 that is not an error page)."""
    return status == 200 and not soft_404


def needs_fingerprint(known: Known | None) -> bool:
    """Whether content must be parsed to decide: not when these exact bytes are known."""
    return known is None or not known.raw_seen


def needs_current_text(known: Known | None, new: Fingerprint) -> bool:
    """Whether the current version's text fingerprint (under this parser) is needed."""
    return known is not None and known.has_version and not known.raw_seen and new.kind == TEXT


def decide(
    known: Known | None, status: int | None, soft_404: bool, new: Fingerprint | None = None
) -> Decision:
    """The outcome of one fetch. `new` is the content's fingerprint, needed for content
    unless `needs_fingerprint(known)` says the bytes alone decide."""
    if is_content(status, soft_404):
        if known is None:
            return Decision.NEW_DOCUMENT
        if known.raw_seen:
            return Decision.UNCHANGED
        if new is None:
            raise ValueError("content with unseen bytes needs its fingerprint to be decided")
        if known.has_version and new.kind == TEXT and known.current_text == new.value:
            return Decision.UNCHANGED
        return Decision.NEW_VERSION
    if status == 304 and known is not None:
        return Decision.NOT_MODIFIED
    if status in GONE_STATUSES or soft_404:
        if known is None:
            return Decision.NOT_FOUND
        return Decision.STILL_GONE if known.gone else Decision.GONE
    return Decision.ERROR
