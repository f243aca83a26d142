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
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.parse_stage import Parsed

TEXT = "text"
RAW = "raw"


@dataclass(frozen=True)
class Fingerprint:
    kind: str  # "text" or "raw"
    value: str


def fingerprint(parsed: Parsed, raw_sha256: str) -> Fingerprint:
    report = parsed.report
    if report is not None and report.source_format == "html" and report.text.strip():
        return Fingerprint(TEXT, parsed.text_sha256 or "")
    return Fingerprint(RAW, raw_sha256)
