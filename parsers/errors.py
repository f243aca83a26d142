"""Errors a format reader raises for a file it cannot read at all.

The archive catches `UnreadableDocument` to keep the raw bytes flagged with `reason`;
`zfxxgk parse` prints it as its one-line error. Anything that merely parses badly is
not an error: it becomes a `Report` with warnings or `is_report=False`.
"""


class UnreadableDocument(Exception):
    """The bytes cannot be read as the format they claim (truncated, encrypted, a bomb...)."""

    def __init__(self, reason: str) -> None:
        reason = " ".join(reason.split())  # one line: it is printed and stored as one
        super().__init__(reason)
        self.reason = reason
