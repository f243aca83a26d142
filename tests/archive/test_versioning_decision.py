"""The versioning decision on its own: facts in, outcome out, no database."""

from __future__ import annotations

import pytest

from archive.versioning import (
    RAW,
    TEXT,
    Decision,
    Fingerprint,
    Known,
    decide,
    needs_current_text,
    needs_fingerprint,
)

PAGE_TEXT = Fingerprint(TEXT, "t1")
KNOWN = Known(gone=False, has_version=True)


def test_unknown_url_with_content_is_a_new_document():
    assert decide(None, 200, False, PAGE_TEXT) is Decision.NEW_DOCUMENT
    assert needs_fingerprint(None)


def test_bytes_already_seen_decide_alone():
    seen = Known(gone=False, has_version=True, raw_seen=True)
    assert not needs_fingerprint(seen)
    assert decide(seen, 200, False) is Decision.UNCHANGED


def test_same_text_under_this_parser_is_unchanged_other_text_a_new_version():
    assert needs_current_text(KNOWN, PAGE_TEXT)
    same = Known(gone=False, has_version=True, current_text="t1")
    assert decide(same, 200, False, PAGE_TEXT) is Decision.UNCHANGED
    other = Known(gone=False, has_version=True, current_text="t0")
    assert decide(other, 200, False, PAGE_TEXT) is Decision.NEW_VERSION


def test_raw_fingerprints_with_new_bytes_are_always_a_new_version():
    raw = Fingerprint(RAW, "r2")
    assert not needs_current_text(KNOWN, raw)
    assert decide(Known(gone=False, has_version=True, current_text="r2"), 200, False, raw) is (
        Decision.NEW_VERSION
    )


def test_unseen_content_without_a_fingerprint_is_refused():
    with pytest.raises(ValueError):
        decide(KNOWN, 200, False)


@pytest.mark.parametrize(
    ("known", "status", "soft_404", "expected"),
    [
        (KNOWN, 304, False, Decision.NOT_MODIFIED),
        (None, 304, False, Decision.ERROR),
        (KNOWN, 404, False, Decision.GONE),
        (KNOWN, 410, False, Decision.GONE),
        (KNOWN, 200, True, Decision.GONE),
        (Known(gone=True, has_version=True), 404, False, Decision.STILL_GONE),
        (None, 404, False, Decision.NOT_FOUND),
        (None, 200, True, Decision.NOT_FOUND),
        (KNOWN, 500, False, Decision.ERROR),
        (KNOWN, None, False, Decision.ERROR),
    ],
)
def test_responses_without_content(known, status, soft_404, expected):
    assert decide(known, status, soft_404) is expected
