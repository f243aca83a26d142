"""zfxxgk ingest / reparse / export, run through the real command line."""

from __future__ import annotations

import argparse
import csv
import io
import json

import pytest

from archive import Archive
from cli.commands import export, ingest, reparse, serve
from parsers import PARSER_VERSION
from tests.support.archive import KAIYUAN, SHENZHOU, shenzhou_without_tables


def main(argv: list[str]) -> int:
    """cli.main's dispatch, limited to the archive's commands (independent of the rest)."""
    parser = argparse.ArgumentParser(prog="zfxxgk")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in (ingest, reparse, export, serve):
        module.register(subparsers)
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "archive.db"


def test_ingest_local_files(db_path, tmp_path, capsys):
    assert main(["ingest", str(db_path), str(SHENZHOU), str(KAIYUAN)]) == 0
    printed = capsys.readouterr().out
    assert "version" in printed and "深州" in printed
    with Archive.open(db_path) as archive:
        docs = list(archive.db.query("SELECT url, kind, filename FROM documents ORDER BY id"))
        assert docs == [
            {"url": SHENZHOU.resolve().as_uri(), "kind": "local_file", "filename": SHENZHOU.name},
            {"url": KAIYUAN.resolve().as_uri(), "kind": "local_file", "filename": KAIYUAN.name},
        ]
        run = archive.db["crawl_runs"].get(1)
        assert run["spider"] == "ingest" and run["finished_at"]
    # the same files again: nothing new
    assert main(["ingest", str(db_path), str(SHENZHOU), str(KAIYUAN)]) == 0
    assert capsys.readouterr().out.count("unchanged") == 2
    with Archive.open(db_path) as archive:
        assert archive.db["versions"].count == 2 and archive.db["fetches"].count == 4


def test_ingest_names_failing_checks_and_warnings_in_chinese(db_path, tmp_path, capsys):
    from tests.support.archive import shenzhou_text

    wrong = tmp_path / "wrong_total.txt"
    wrong.write_bytes(shenzhou_text(year=2022, received_total=16))
    old = tmp_path / "old_2018.txt"
    old.write_bytes(shenzhou_text(year=2018))
    assert main(["ingest", str(db_path), str(SHENZHOU), str(wrong), str(old)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "全部通过" in lines[0] and "未通过" not in lines[0]
    assert lines[1].startswith(f"{wrong}: ") and "2 项核对未通过 · 2 checks fail" in lines[1]
    assert lines[2:4] == [
        "  ! 一、本年新收政府信息公开申请数量：自然人 + 法人或其他组织各列 = 14 ≠ 16 = 总计",
        "  ! 总计列：本年新收 + 上年结转 = 16 ≠ 14 = 办理结果总计 + 结转下年度",
    ]
    assert lines[4].startswith(f"{old}: ") and "2018" in lines[4]
    assert lines[5].startswith("  提示 · warning: tables: a 2021-template table in a 2018 report")


def test_ingest_with_url_and_a_missing_file(db_path, tmp_path, capsys):
    url = "http://www.example.gov.cn/xxgk/2021/nb.txt"
    assert main(["ingest", str(db_path), str(SHENZHOU), "--url", url]) == 0
    assert main(["ingest", str(db_path), str(KAIYUAN), str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt: cannot read" in capsys.readouterr().err
    with Archive.open(db_path) as archive:
        urls = {row[0] for row in archive.db.execute("SELECT url FROM documents")}
    assert urls == {url, KAIYUAN.resolve().as_uri()}  # the good file was archived anyway


def test_ingest_refuses_a_foreign_database(tmp_path, capsys):
    import sqlite3

    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    assert main(["ingest", str(foreign), str(SHENZHOU)]) == 1
    assert "not a zfxxgk archive" in capsys.readouterr().err


def test_reparse_adds_parses_and_keeps_the_old_ones(db_path, capsys):
    main(["ingest", str(db_path), str(SHENZHOU), str(KAIYUAN)])
    assert main(["reparse", str(db_path)]) == 0
    assert "reparsed 0 versions" in capsys.readouterr().out  # nothing new for this parser
    with Archive.open(db_path) as archive:
        # as if an older parser had written these rows, with a wrong figure
        archive.db.execute("UPDATE reports SET parser_version = '0.0.1+old'")
        archive.db.execute(
            "UPDATE report_values SET value = 99, value_exact = '99' "
            "WHERE table_name = 'requests' AND row_key = 'received' AND col_key = 'total'"
        )
        archive.db.conn.commit()
    assert main(["reparse", str(db_path)]) == 0
    assert "reparsed 2 versions (ok 2" in capsys.readouterr().out
    with Archive.open(db_path) as archive:
        rows = list(archive.db.query("SELECT parser_version FROM reports ORDER BY id"))
        assert [row["parser_version"] for row in rows] == ["0.0.1+old"] * 2 + [PARSER_VERSION] * 2
        latest = {row["agency"]: row for row in archive.latest_reports()}
        shenzhou = next(row for agency, row in latest.items() if "深州" in agency)
        assert shenzhou["report_id"] in (3, 4)  # the new parse, not the old one
        received = archive.db.execute(
            "SELECT value FROM report_values WHERE report_id = ? AND table_name = 'requests' "
            "AND row_key = 'received' AND col_key = 'total'",
            [shenzhou["report_id"]],
        ).fetchone()
        assert received == (14,)


def test_reparse_all_rereads_versions_this_parser_version_already_parsed(db_path, capsys):
    main(["ingest", str(db_path), str(SHENZHOU), str(KAIYUAN)])
    with Archive.open(db_path) as archive:
        # a parser edited without a version bump: its stored figure is stale
        archive.db.execute("UPDATE report_values SET value = 99 WHERE row_key = 'received'")
        archive.db.conn.commit()
    capsys.readouterr()
    assert main(["reparse", str(db_path)]) == 0
    assert f"parser {PARSER_VERSION}: reparsed 0 versions" in capsys.readouterr().out
    assert main(["reparse", str(db_path), "--all"]) == 0
    assert "reparsed 2 versions (ok 2" in capsys.readouterr().out
    with Archive.open(db_path) as archive:
        versions = [row[0] for row in archive.db.execute("SELECT parser_version FROM reports")]
        assert versions == [PARSER_VERSION] * 4
        received = archive.db.execute(
            "SELECT v.value FROM latest_reports l JOIN report_values v ON v.report_id = "
            "l.report_id WHERE l.agency LIKE '%深州%' AND v.table_name = 'requests' "
            "AND v.row_key = 'received' AND v.col_key = 'total'"
        ).fetchone()
        assert received == (14,)


def test_export_csv_and_jsonl_one_row_per_agency_and_year(db_path, tmp_path, capsys):
    partial = tmp_path / "shenzhou_partial.txt"
    partial.write_bytes(shenzhou_without_tables())
    main(["ingest", str(db_path), str(SHENZHOU), str(KAIYUAN), str(partial)])
    capsys.readouterr()
    out = tmp_path / "reports.csv"
    assert main(["export", str(db_path), "--format", "csv", "--keys-only", "-o", str(out)]) == 0
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")  # for scripts: no byte-order mark
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert len(rows) == 2  # 深州 has two sources but one row
    shenzhou = next(row for row in rows if "深州" in row["agency"])
    assert shenzhou["year"] == "2021" and shenzhou["sources"] == "2"
    assert shenzhou["url"] == SHENZHOU.resolve().as_uri()  # the full text, not the partial one
    assert shenzhou["requests.received.natural_person"] == "14"
    assert shenzhou["requests.received.total"] == "14"
    assert shenzhou["active.fees.amount_10k_yuan"] == "180.338174"
    assert shenzhou["appeals.review.upheld"] == "2"
    assert "requests.carried_forward.total" in rows[0]
    assert "active.licensing.decisions" in rows[0]
    assert "active.licensing.issued" not in rows[0]  # only cells the template has

    assert main(["export", str(db_path), "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 2
    shenzhou = next(r for r in records if "深州" in r["agency"])
    assert shenzhou["active.fees.amount_10k_yuan"] == 180.338174
    assert shenzhou["requests.received.total"] == 14


def test_serve_refuses_a_foreign_database(tmp_path, capsys):
    import sqlite3

    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    assert main(["serve", str(foreign)]) == 1
    assert "not a zfxxgk archive" in capsys.readouterr().err


def test_serve_runs_datasette_with_the_project_metadata(db_path, tmp_path):
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    from tests.support.archive import free_port

    main(["ingest", str(db_path), str(SHENZHOU)])
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from tests.cli.test_archive_commands import main; sys.exit(main(sys.argv[1:]))",
            "serve",
            str(db_path),
            "--port",
            str(port),
        ],
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/metadata.json") as response:
                    metadata = json.loads(response.read())
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert "zfxxgk" in metadata["title"]
        assert "latest_reports" in metadata["databases"]["archive"]["tables"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_export_csv_opens_in_excel_with_chinese_headers(db_path, tmp_path, capsys):
    main(["ingest", str(db_path), str(SHENZHOU)])
    out = tmp_path / "reports.csv"
    assert main(["export", str(db_path), "-o", str(out)]) == 0
    body = out.read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    header, first = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[:2]
    row = dict(zip(header, first, strict=True))
    assert header[:2] == ["报告编号", "门户编号"] and "机关" in header and "年度" in header
    assert row["三、依申请·一、本年新收政府信息公开申请数量·自然人"] == "14"
    assert row["二、主动公开·行政事业性收费·本年收费金额（单位：万元）（2021年模板）"] == "180.338174"
    assert row["四、复议诉讼·行政复议·结果维持"] == "2"
    # the active table's cells that only one template has say which
    assert "二、主动公开·规章·本年制发件数（2021年模板）" in header
    assert "二、主动公开·规章·本年新制作数量（2019年模板）" in header
    assert "二、主动公开·政府集中采购·采购总金额（2019年模板）" in header
    assert "二、主动公开·行政许可·本年处理决定数量" in header  # both templates have it


def test_export_xlsx_has_the_tables_in_printed_layout(db_path, tmp_path, capsys):
    from openpyxl import load_workbook

    main(["ingest", str(db_path), str(SHENZHOU)])
    out = tmp_path / "reports.xlsx"
    assert main(["export", str(db_path), "--format", "xlsx", "-o", str(out)]) == 0
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["数据", "二、主动公开", "三、依申请", "四、复议诉讼"]
    data = workbook["数据"]
    header = [c.value for c in data[1]]
    keys = [c.value for c in data[2]]
    assert header[keys.index("requests.received.total")] == "三、依申请·一、本年新收政府信息公开申请数量·总计"
    assert data.cell(3, keys.index("requests.received.total") + 1).value == 14
    requests = workbook["三、依申请"]
    assert requests["A1"].value.startswith("深州市人民政府办公室 2021年 · 三、收到和处理政府信息公开申请情况")
    labels = [requests.cell(r, 1).value for r in range(2, 30)]
    assert [label for label in labels if label][:3] == [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果",
    ]
    assert requests.cell(2, 4).value == "申请人情况" and requests.cell(3, 5).value == "法人或其他组织"
    assert "D2:J2" in {str(r) for r in requests.merged_cells.ranges}  # 申请人情况 over 7 columns
    received = labels.index("一、本年新收政府信息公开申请数量") + 2
    assert [requests.cell(received, c).value for c in range(4, 11)] == [14, 0, 0, 0, 0, 0, 14]
    active = workbook["二、主动公开"]
    items = [active.cell(r, 1).value for r in range(1, active.max_row + 1)]
    assert [i for i in items if i and i.startswith("第二十条")] == [
        "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert main(["export", str(db_path), "--format", "xlsx"]) == 2  # needs a file
    assert "needs -o FILE" in capsys.readouterr().err
