"""Smoke test of the LibreOffice route, run by hand: ``python -m tests.render.lo_smoke OUT_DIR``.

Builds a hand-made two-page ``PagedDocument`` resembling the first two pages of RTM1324-002v4
(title, version table, profile table with merges, the main table with the T1.1 row split across
the page break), renders it to ``OUT_DIR/smoke.pdf`` and prints what pdfplumber reads back: every
page's ``extract_tables()``, the footer, characters no table picked up, and suspicious code points.

It also renders ``OUT_DIR/smoke_open.pdf``, the same document with the page-1 part of the split row
left open (``closed=False``), and reads it both with default settings and with
``explicit_horizontal_lines`` at the bottom of the vertical rules.
"""

from __future__ import annotations

import argparse
import pprint
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pdfplumber

from tests.render.docx_route import FONT, render_pdf
from tests.render.model import (
    MARGIN,
    PagedDocument,
    PageLayout,
    TableBlock,
    TableRow,
    TextBlock,
)

VERSION_WIDTHS = (40.0, 90.0, 100.0, 60.0, 145.0, 76.28)
PROFILE_WIDTHS = (100.0, 60.0, 171.28, 80.0, 100.0)
MAIN_WIDTHS = (62.0, 70.0, 50.0, 130.0, 30.0, 93.0, 76.28)

MAIN_HEADER = TableRow(
    (
        "主要職責",
        "工作任務",
        "工作產出",
        "行為指標",
        "職能級別",
        "職能內涵\n(K=knowledge 知識)",
        "職能內涵\n(S=skills 技能)",
    )
)

K_ALL = (
    "K01國際運送承攬與運送業之標準作業程序與行業規範",
    "K02國際貿易與商業程序與規範",
    "K03國際運送承攬業管理程序與規範",
    "K04國際運送承攬業相關資訊系統和文件",
    "K05風險評估和管理原則",
    "K06國際運送承攬業人力資源管理",
    "K07專案管理原則",
    "K08作業程序管理原則",
    "K09企業永續相關知識",
)
S_ALL = (
    "S01領導能力",
    "S02溝通協調能力",
    "S03規劃與組織能力",
    "S04問題解決能力",
    "S05緊急應變能力",
    "S06談判與協商能力",
    "S07資訊科技應用能力",
    "S08英文聽說讀寫能力",
    "S09文書處理能力",
    "S10專案管理能力",
    "S11風險管理能力",
)


def _lines(*items: str) -> str:
    return "\n".join(items)


def smoke_document(*, split_closed: bool = True) -> PagedDocument:
    versions = TableBlock(
        kind="versions",
        header=(
            TableRow(("版本", "職能基準代碼", "職能基準名稱", "狀態", "更新說明", "發展更新日期")),
        ),
        rows=(
            TableRow(("V4", "RTM1324-002v4", "國際運送承攬主管", "最新版本", "略", "2025/12/15")),
            TableRow(
                (
                    "V3",
                    "RTM1324-002v3",
                    "國際運送承攬經理",
                    "歷史版本",
                    "已被《RTM1324-002v4》取代",
                    "2021/12/31",
                )
            ),
            TableRow(
                (
                    "V2",
                    "RTM1324-002v2",
                    "國際運送承攬經理",
                    "歷史版本",
                    "已被《RTM1324-002v3》取代",
                    "2019/12/31",
                )
            ),
            TableRow(
                (
                    "V1",
                    "RTM1324-002v1",
                    "國際運送承攬經理",
                    "歷史版本",
                    "已被《RTM1324-002v2》取代",
                    "2016/12/31",
                )
            ),
        ),
        widths=VERSION_WIDTHS,
    )
    m0 = (True, False, False, False, False)
    profile = TableBlock(
        kind="profile",
        header=(),
        rows=(
            TableRow(("職能基準代碼", "RTM1324-002v4", None, None, None)),
            TableRow(("職能基準名稱\n(擇一填寫)", "職類", "", None, None)),
            TableRow(("", "職業", "國際運送承攬主管", None, None), m0),
            TableRow(("所屬類別", "職類別", "物流運輸 / 運輸規劃及管理", "職類別代碼", "RTM")),
            TableRow(("", "職業別", "供給、配送及倉儲經理人員", "職業別代碼", "1324"), m0),
            TableRow(("", "行業別", "運輸及倉儲業 / 運輸輔助業", "行業別代碼", "H52"), m0),
            TableRow(
                (
                    "工作描述",
                    "督導及管理國際貨運部門人員進行國際貨運運輸業務開發、服務及管理規劃之相關作業。",
                    None,
                    None,
                    None,
                )
            ),
            TableRow(("基準級別", "5", None, None, None)),
        ),
        widths=PROFILE_WIDTHS,
    )
    t11_part1 = TableRow(
        (
            "T1管理國際貨運運輸承攬服務",
            "T1.1管理與督導國際貨運運輸處理作業",
            "",
            _lines(
                "P1.1.1領導業務團隊依據國際貨運運輸、法規及工作政策相關規範進行客戶開發。",
                "P1.1.2督導團隊依客戶需求進行規劃。",
                "P1.1.3依團隊或客戶需求，解釋工作內含及任務陳述，以定義國際貨運運輸的處理需求。",
                "P1.1.4評估、修正與協調適當的工作程序系統，",
            ),
            "5",
            _lines(*K_ALL[:3], "K04國際運送承攬業相關資訊系"),
            _lines(*S_ALL[:6]),
        )
    )
    main_p1 = TableBlock(
        kind="main",
        header=(MAIN_HEADER,),
        rows=(t11_part1,),
        widths=MAIN_WIDTHS,
        closed=split_closed,
    )
    t11_part2 = TableRow(
        (
            "",
            "",
            "",
            _lines(
                "以利團隊進行國際貨運運輸安排，包括合適的風險分析。",
                "P1.1.5督導國際貨運運輸所需的人力資源最適安排，以進行人員的指派、雇用及或訓練。",
                "P1.1.6管理並達成所提案的國際貨運運輸流程的品質標準及程序。",
            ),
            "",
            _lines("統和文件", *K_ALL[4:]),
            _lines(*S_ALL[6:]),
        )
    )
    duty_merged = (True, False, False, False, False, False, False)
    t12 = TableRow(
        (
            "",
            "T1.2掌握並協調國際貨運運輸的系統及流程",
            "",
            _lines(
                "P1.2.1依確認客戶的需求及符合我國及國際法規要求的條件下，掌握國際貨運承攬業務。",
                "P1.2.2確認客戶的需求對無法執行的項目，回報或實施替代措施。",
                "P1.2.3運用適當方法了解客戶對國際貨運運輸的滿意度，並回應客戶服務改善建議。",
                "P1.2.4依工作程序完成國際貨運運輸相關的報告及要求的文件，並交辦給適當人員。",
                "P1.2.5掌握並確認與國際貨運運輸相關法規及作業規範變更，並實施適當措施以確保"
                "工作場域流程及系統持續符合規範。",
            ),
            "5",
            _lines(*K_ALL),
            _lines(*S_ALL),
        ),
        duty_merged,
    )
    t13 = TableRow(
        (
            "",
            "T1.3制訂應變管理策略",
            "",
            _lines(
                "P1.3.1依工作程序，確認及更新進出口物流流程的作業標準。",
                "P1.3.2評估進出口物流規劃中潛在的風險及影響。",
                "P1.3.3制訂並評估所識別問題的應變管理策略。",
            ),
            "5",
            _lines(*K_ALL[:5], K_ALL[8]),
            _lines(*S_ALL[:9], S_ALL[10]),
        ),
        duty_merged,
    )
    main_p2 = TableBlock(
        kind="main", header=(MAIN_HEADER,), rows=(t11_part2, t12, t13), widths=MAIN_WIDTHS
    )
    return PagedDocument(
        pages=(
            PageLayout(1, (TextBlock("國際運送承攬主管職能基準"), versions, profile, main_p1)),
            PageLayout(2, (main_p2,)),
        )
    )


# ---------------------------------------------------------------- reading back

Tables = list[list[list[list[str | None]]]]  # per page, per table, rows of cells


def _odd_code_points(text: str) -> list[str]:
    """Code points an extractor must not meet in these PDFs."""
    odd = []
    for ch in sorted(set(text)):
        cp = ord(ch)
        if (
            0x2E80 <= cp <= 0x2FDF  # CJK radicals supplement, Kangxi radicals
            or 0xF900 <= cp <= 0xFAFF  # CJK compatibility ideographs
            or 0xE000 <= cp <= 0xF8FF  # private use
            or 0xFB00 <= cp <= 0xFB06  # Latin ligatures
            or cp == 0xFFFD
            or unicodedata.category(ch) in {"Cc", "Co", "Cs"}
        ):
            odd.append(f"U+{cp:04X} {unicodedata.name(ch, '?')}")
    return odd


def _inside(char: dict, bbox: tuple[float, float, float, float]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def report(pdf_path: Path, bottom_of_verticals: bool = False, label: str = "") -> dict:
    """Print what pdfplumber reads from every page; return tables, footers and odd code points.

    With ``bottom_of_verticals``, pass ``explicit_horizontal_lines`` at the lowest end of the
    page's vertical rules (the recovery for a table part without a closing rule).
    """
    print(f"=== {pdf_path.name} {label}".rstrip())
    tables_by_page: Tables = []
    footers: list[str] = []
    odd_all: set[str] = set()
    with pdfplumber.open(pdf_path) as pdf:
        print(f"pages: {len(pdf.pages)}")
        for number, page in enumerate(pdf.pages, 1):
            settings: dict = {}
            if bottom_of_verticals:
                bottoms = [e["bottom"] for e in page.edges if e["orientation"] == "v"]
                settings["explicit_horizontal_lines"] = [round(max(bottoms), 2)]
                print(f"page {number}: table_settings = {settings}")
            tables = page.find_tables(settings)
            print(f"--- page {number}: {len(tables)} tables")
            extracted = []
            for t, table in enumerate(tables):
                print(f"table {t} bbox={tuple(round(v, 1) for v in table.bbox)}")
                rows = table.extract()
                extracted.append(rows)
                pprint.pprint(rows, width=120)
            tables_by_page.append(extracted)
            footer = page.crop((0, page.height - MARGIN, page.width, page.height)).extract_text()
            footers.append(footer)
            print(f"footer: {footer!r}")
            body_chars = [c for c in page.chars if c["top"] < page.height - MARGIN]
            loose = "".join(
                c["text"] for c in body_chars if not any(_inside(c, t.bbox) for t in tables)
            )
            print(f"body characters outside every table: {loose!r}")
            odd = _odd_code_points("".join(c["text"] for c in page.chars))
            odd_all.update(odd)
            print(f"odd code points: {odd or 'none'}")
            print(f"fonts: {sorted({c['fontname'] for c in page.chars})}")
            page.close()
    return {"tables": tables_by_page, "footers": footers, "odd": sorted(odd_all)}


def check(name: str, test: Callable[[], bool]) -> bool:
    try:
        ok = bool(test())
    except (IndexError, TypeError, AttributeError):  # a table or row that is not there
        ok = False
    print(f"CHECK {'ok  ' if ok else 'FAIL'} {name}")
    return ok


def _flat(cell: str | None) -> str:
    return (cell or "").replace("\n", "")


def checks(closed: dict, opened: dict, recovered: dict) -> bool:
    p1, p2 = (closed["tables"] + [[], []])[:2]
    header = [_flat(c) for c in MAIN_HEADER.cells]
    results = [
        check("page 1 has 3 tables, page 2 has 1", lambda: [len(p1), len(p2)] == [3, 1]),
        check(
            "main table header is row 0 on both pages",
            lambda: all([_flat(c) for c in t[0]] == header for t in (p1[2], p2[0])),
        ),
        check(
            "version table: header row 0, 4 rows", lambda: p1[0][0][0] == "版本" and len(p1[0]) == 5
        ),
        check(
            "profile merges: 職能基準名稱 over 2 rows, 所屬類別 over 3 rows, text on top",
            lambda: (
                [r[0] for r in p1[1][1:6]]
                == ["職能基準名稱\n(擇一填寫)", None, "所屬類別", None, None]
            ),
        ),
        check("profile spans: 工作描述 spans columns 2-5", lambda: p1[1][6][2:] == [None] * 3),
        check(
            "split row: page 1 K cell ends with the fragment",
            lambda: _flat(p1[2][-1][5]).endswith("K04國際運送承攬業相關資訊系"),
        ),
        check(
            "split row: page 2 continuation starts 統和文件, duty '' then None below",
            lambda: (
                _flat(p2[0][1][5]).startswith("統和文件K05")
                and [r[0] for r in p2[0][1:]] == ["", None, None]
            ),
        ),
        check("multi-paragraph cells keep \\n", lambda: "\n" in (p2[0][2][3] or "")),
        check(
            "footers read 第 N 頁，總共 2 頁",
            lambda: closed["footers"] == ["第 1 頁，總共 2 頁", "第 2 頁，總共 2 頁"],
        ),
        check("no Kangxi/compatibility/private-use code points", lambda: not closed["odd"]),
        check(
            "closed=False: default extraction drops the page-1 fragment",
            lambda: len(opened["tables"][0][2]) == 1,
        ),
        check(
            "closed=False: explicit_horizontal_lines recovers it",
            lambda: recovered["tables"][0][2] == p1[2] and recovered["tables"][1] == p2,
        ),
    ]
    return all(results)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.render.lo_smoke", description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--font", default=FONT, help=f"document font (default {FONT!r})")
    args = parser.parse_args(argv)
    out: Path = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    closed = smoke_document()
    render_pdf(closed, out / "smoke.pdf", keep_docx=out / "smoke.docx", font=args.font)
    closed_read = report(out / "smoke.pdf")
    opened = smoke_document(split_closed=False)
    render_pdf(opened, out / "smoke_open.pdf", keep_docx=out / "smoke_open.docx", font=args.font)
    opened_read = report(out / "smoke_open.pdf", label="(page-1 part of the split row left open)")
    recovered_read = report(
        out / "smoke_open.pdf",
        bottom_of_verticals=True,
        label="(open; explicit_horizontal_lines at the bottom of the vertical rules)",
    )
    return 0 if checks(closed_read, opened_read, recovered_read) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
