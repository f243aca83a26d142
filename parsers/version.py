"""The parser's output version, bumped by hand.

The archive stores every parse with the version that made it (`reports.parser_version`)
and `zfxxgk reparse` re-reads only the stored versions no parse of this version covers;
the "same content" test compares text fingerprints only between parses of one version.
So the number must change exactly when a document would come out differently, and only
then: a refactor, a comment or a faster code path leaves it alone (deriving it from the
source would re-parse a whole archive and re-read every page's fingerprint after each
edit), while any change to `Report.to_json()`, `Report.text`, the canonical figures,
checks, sections or metadata of some document bumps it, in the same commit.

History:
1 — the first numbered parser (HTML, text and attachment readers, OCR suspects,
    legacy statistics tables, "(一)"/"第一部分" section headings).
2 — section headings marked up as <h1>-<h6> are kept (trafilatura dropped them, so such
    pages had no sections and lost their heading lines from `Report.text`).
3 — grid slots keep their source cell (equal neighbouring figures are no longer
    collapsed); titles never from list bullets, breadcrumbs, column names or metadata
    header blocks; list pages and letters are not reports; publication dates only from
    meta tags and date lines; tables flattened onto one line cut back into rows, glued
    digit runs split when the row totals (or, together, the column totals) force it;
    `narrative` checks; a report named in its opening sentence, 由…编制 agencies.
"""

PARSER_VERSION = "3"
