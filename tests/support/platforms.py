"""Fixture portals of the provincial-platform and script-paged families: 20 documents in
the government's column (the size of the real column these families reproduce), 2 in a
department's."""

from __future__ import annotations

from demo.content import Column, PortalContent
from demo.scenarios import ScenarioPortal, report

COLUMN_SIZE = 20


def platform_portal(portal_id: str, family: str, name: str, code: str = "350128") -> ScenarioPortal:
    """The county's own reports 2010-2024 and its office's 2020-2024 in one column (20, all
    reports, as on the real column), plus a department's column of 2."""
    office = name.removesuffix("人民政府") + "人民政府办公室"
    dept = name.removesuffix("人民政府") + "教育局"
    own = [report(name, year) for year in range(2010, 2025)]
    own += [report(office, year, slug=f"bgs{year}") for year in range(2020, 2025)]
    assert len(own) == COLUMN_SIZE
    columns = [
        Column("政府信息公开年报", own),
        Column(dept, [report(dept, year) for year in (2023, 2024)], slug="jyj"),
    ]
    return ScenarioPortal(family, PortalContent(portal_id, name, code, "utf-8", columns))
