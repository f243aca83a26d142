"""Per-portal crawl summaries: what a run found, changed and failed on, portal by portal.

The summary is what an operator reads after a monthly run (logged at close) and what the
archive stores with the crawl run, so a portal that silently stopped publishing or started
failing shows up without digging through logs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from archive.records import FetchRecord, RecordOutcome
from crawler.items import CrawlEvent

MAX_KEPT_MESSAGES = 20  # per portal: enough to diagnose, small enough to store per run
UNKNOWN_PORTAL = "?"  # what a fetch no portal claimed is counted under


@dataclass
class PortalSummary:
    portal_id: str
    reports_listed: int = 0  # report links found on list pages (after the year filter)
    pages_fetched: int = 0  # report pages answered with content (200)
    attachments_fetched: int = 0
    not_modified: int = 0  # 304 answers to conditional requests
    new_documents: int = 0
    new_versions: int = 0  # includes the first version of new documents
    gone: int = 0  # documents marked gone by a 404/410/soft 404
    soft_404: int = 0
    rejected: int = 0  # look-alike titles not taken for reports
    robots_blocked: int = 0  # links robots.txt forbids us to follow
    errors: int = 0
    dropped: dict[str, int] = field(default_factory=dict)  # scope gate refusals by reason
    budget_hit: str | None = None  # the per-portal budget that stopped the crawl there
    dead_reason: str | None = None  # why the portal's host was given up on
    finished: bool = False  # the run went through all of the portal (rechecks included)
    error_messages: list[str] = field(default_factory=list)
    rejected_links: list[dict[str, str]] = field(default_factory=list)
    # column (first list page) -> [largest declared total, listed document URLs, rendered]
    column_counts: dict[str, list] = field(default_factory=dict)

    def add_fetch(self, fetch: FetchRecord, outcome: RecordOutcome | None) -> None:
        if fetch.status == 304:
            self.not_modified += 1
        elif fetch.status == 200 and not fetch.soft_404:
            if fetch.kind == "attachment":
                self.attachments_fetched += 1
            else:
                self.pages_fetched += 1
        if fetch.soft_404:
            self.soft_404 += 1
        if fetch.error and not fetch.soft_404:
            self.note_error(f"{fetch.url}: {fetch.error}")
        if outcome is not None:
            self.new_documents += outcome.new_document
            self.new_versions += outcome.new_version
            self.gone += outcome.gone

    def add_event(self, event: CrawlEvent) -> None:
        if event.kind == "listed":
            self.reports_listed += 1
        elif event.kind == "rejected":
            self.rejected += 1
            if len(self.rejected_links) < MAX_KEPT_MESSAGES:
                self.rejected_links.append(
                    {"url": event.url, "title": event.title, "reason": event.detail}
                )
        elif event.kind == "robots":
            self.robots_blocked += 1
        elif event.kind == "dead":
            if self.dead_reason is None:
                self.dead_reason = event.detail
                self.note_error(f"{event.url}: host unreachable: {event.detail}")
        elif event.kind == "budget":
            self.budget_hit = self.budget_hit or event.detail
        elif event.kind == "dropped":
            self.dropped[event.detail] = self.dropped.get(event.detail, 0) + 1
        elif event.kind == "error":
            self.note_error(f"{event.url}: {event.detail}")
        elif event.kind == "column":
            declared, listed, rendered = self.column_counts.setdefault(event.url, [None, set(), False])
            if event.declared is not None:
                declared = max(event.declared, declared or 0)
            self.column_counts[event.url] = [declared, listed | set(event.listed), rendered or event.rendered]

    def note_error(self, message: str) -> None:
        self.errors += 1
        if len(self.error_messages) < MAX_KEPT_MESSAGES:
            self.error_messages.append(message)

    def columns(self) -> list[dict]:
        """Each column's declared total (None: unstated) and how many documents it listed,
        ordered by URL: the order columns are first reached in depends on which answer
        comes back first, and the summary must read the same on every run and machine."""
        return [
            {"url": url, "declared": declared, "listed": len(listed), "rendered": rendered}
            for url, (declared, listed, rendered) in sorted(self.column_counts.items())
        ]

    def short_columns(self) -> list[dict]:
        """Columns that listed fewer documents than they declared."""
        return [c for c in self.columns() if c["declared"] is not None and c["listed"] < c["declared"]]

    def state(self) -> dict:
        """Everything this summary counted, JSON-safe: the distributed writer keeps it in
        Redis so a restarted writer counts on where the last one stopped."""
        state = asdict(self)
        state["column_counts"] = {url: [declared, sorted(listed), rendered]
                                  for url, (declared, listed, rendered) in self.column_counts.items()}
        return state

    @classmethod
    def from_state(cls, state: dict) -> PortalSummary:
        counts = {url: [declared, set(listed), rendered]
                  for url, (declared, listed, rendered) in state.pop("column_counts", {}).items()}
        return cls(**state, column_counts=counts)

    def reason(self) -> str:
        """Why the portal's crawl was cut short this run, if it was."""
        if self.dead_reason:
            return f"host unreachable: {self.dead_reason}"
        return f"{self.budget_hit} budget spent" if self.budget_hit else ""

    def as_dict(self) -> dict:
        summary = asdict(self)
        del summary["column_counts"]
        summary["rejected_links"] = sorted(self.rejected_links, key=lambda link: link["url"])
        return {**summary, "columns": self.columns(), "short_columns": len(self.short_columns())}


class RunSummary:
    """The summaries of one run, keyed by portal id, in first-seen order."""

    def __init__(self) -> None:
        self.portals: dict[str, PortalSummary] = {}

    def portal(self, portal_id: str | None) -> PortalSummary:
        key = portal_id or UNKNOWN_PORTAL
        if key not in self.portals:
            self.portals[key] = PortalSummary(key)
        return self.portals[key]

    def as_rows(self) -> list[dict]:
        return [summary.as_dict() for summary in self.portals.values()]

    def table(self) -> str:
        """A fixed-width table for the crawl log."""
        head = f"{'portal':<24}{'listed':>7}{'pages':>7}{'files':>7}{'304':>6}{'new doc':>8}{'new ver':>8}{'gone':>6}{'rejected':>9}{'errors':>7}  reason"
        lines = [head]
        for s in self.portals.values():
            lines.append(
                f"{s.portal_id:<24}{s.reports_listed:>7}{s.pages_fetched:>7}"
                f"{s.attachments_fetched:>7}{s.not_modified:>6}{s.new_documents:>8}"
                f"{s.new_versions:>8}{s.gone:>6}{s.rejected:>9}{s.errors:>7}"
                f"  {s.reason()}"
            )
        for s in self.portals.values():
            for column in s.short_columns():
                lines.append(f"SHORT {s.portal_id} {column['url']}: "
                             f"declared {column['declared']}, listed {column['listed']}")
        return "\n".join(lines)
