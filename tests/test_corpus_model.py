"""Every corpus standard rebuilt by ``tests.render.corpus`` is well formed; repairs on real cases.

The corpus is copied into the repository (``tests/corpus/icap-content``, or ``$ICAP_CORPUS``);
without it these tests are skipped.
"""

from __future__ import annotations

import importlib
import itertools
import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from tests.render import corpus
from tests.render.corpus import (
    CORPUS_DIR,
    ITEM_TOKEN,
    STANDARD_CODE,
    build_standard,
    corpus_files,
    is_renderable,
    load_standard,
    qualification_paragraphs,
)
from tests.render.model import Category, Coded, Standard

pytestmark = pytest.mark.skipif(not CORPUS_DIR.is_dir(), reason=f"no corpus at {CORPUS_DIR}")

N_FILES = 782

# Files the corpus cannot make well formed without inventing content: problem kind → why.
# "code": metadata.code is empty (historical craft standards and a few others print none) or is
# not three letters + four digits (FISI223-002v2: tests/layouts prints that form as a content
# variant of other standards); "duties": no task row with a name and indicators (the parser lost
# the indicators, or all rows); "text": 工作描述 is empty (tests/layouts prints a missing
# description as a content variant), or a text keeps a code-like token (see is_renderable).
_NO_CODE = {"code"}  # metadata.code and version are empty
_NO_ROWS = {"duties"}  # no task rows at all
_NO_INDICATORS = {"duties"}  # task rows without any indicator
KNOWN_DEFECTS: dict[str, set[str]] = {
    "《歷史資料》傳統建築修復小木作技術工匠（三級）-職能基準": _NO_CODE,
    "《歷史資料》傳統建築修復小木作技術工匠（四級）-職能基準": _NO_CODE,
    "《歷史資料》傳統漢式建築修復大木作技術工匠（三級）-職能基準": _NO_CODE,
    "《歷史資料》傳統漢式建築修復大木作技術與管理工匠（五級）-職能基準": _NO_CODE,
    "《歷史資料》傳統灰作匠師-職能基準": {"code", "duties"},  # no code, no task rows at all
    "《歷史資料》壽險業-法務人員-職能基準": _NO_CODE,
    "《歷史資料》專利工程師-職能基準": _NO_INDICATORS,  # sub-tasks T1.1.1 in the name instead
    "《歷史資料》展演設施產業展覽策畫人員-職能基準": _NO_INDICATORS,
    "《歷史資料》感知系統整合應用工程師-職能基準": _NO_INDICATORS,
    "《歷史資料》新進工業設計師-職能基準": _NO_INDICATORS,
    # No indicators, and 工作描述 is empty.
    "《歷史資料》旅遊產品操作(OP)人員-職能基準": {"duties", "text"},
    "《歷史資料》智慧綠建築產業系統整合工程師(1)-職能基準": {"code", "duties"},  # no code, no rows
    "《歷史資料》智慧聯網與工控資安整合應用工程師-職能基準": _NO_INDICATORS,  # 11 rows
    "《歷史資料》會議展覽專業人員-職能基準": {"code", "duties"},  # no code, no indicators
    "《歷史資料》木屬工藝細木作工藝師-職能基準": _NO_CODE,
    "《歷史資料》染織工藝天然染織工藝師-職能基準": _NO_CODE,
    "《歷史資料》植物保護與安全用藥人員-職能基準": _NO_INDICATORS,
    "《歷史資料》環境檢測報告簽署人-職能基準": _NO_ROWS,
    "《歷史資料》環境檢測服務業檢測人員-職能基準": _NO_INDICATORS,
    "《歷史資料》產險業-法務人員-職能基準": _NO_CODE,
    "《歷史資料》職業安全衛生管理員-職能基準": _NO_CODE,
    "《歷史資料》遊戲伺服器端程式設計師-職能基準": {"code", "duties"},  # no code, no indicators
    "半導體產業-製造-品管工程師-職能基準": _NO_ROWS,
    "半導體產業-製造-測試工程師-職能基準": _NO_INDICATORS,
    "半導體產業-製造-製程工程師-職能基準": _NO_ROWS,
    "半導體產業-製造-製程整合工程師-職能基準": _NO_INDICATORS,
    "半導體產業-製造-設備工程師-職能基準": _NO_INDICATORS,
    "半導體產業IC佈局工程師-職能基準": _NO_INDICATORS,
    "半導體產業數位IC設計工程師-職能基準": _NO_INDICATORS,
    "半導體產業軟體設計工程師-職能基準": _NO_INDICATORS,
    "半導體產業韌體設計工程師-職能基準": _NO_INDICATORS,  # its 2 task rows have no indicators
    "壽險業-資訊安全人員-職能基準": _NO_CODE,
    "壽險業產品設計人員（金融科技）-職能基準": {"code"},  # FISI223-002v2
    "客戶服務部門主管-職能基準": _NO_INDICATORS,
    "工具機軟體人機介面工程師-職能基準": _NO_INDICATORS,
    "工會理事長-職能基準": _NO_INDICATORS,
    "產險業-資訊安全人員-職能基準": {"code", "text"},  # no code, 工作描述 empty
    "產險業產品設計人員（金融科技）-職能基準": {"code"},  # FISI223-001v2
    "行動裝置程式設計師-職能基準": _NO_INDICATORS,
    "裝修木工助理-職能基準": {"text"},  # job_description is empty
    "設計產業工業設計師-職能基準": _NO_INDICATORS,  # tasks merged into one name, no indicators
    "農村綠照員-職能基準": {"text"},  # job_description is empty
    "農藥代噴技術人員-職能基準": _NO_INDICATORS,
    "運動賽會經理人-職能基準": {"code", "text"},  # no code, 工作描述 empty
    # K05 `ANSI/ESD S20.20靜電防護標準…`: a wrap before S20 would print a new skill item.
    "醫療器材產業品質保證工程師-職能基準": {"text"},
}

DATE = re.compile(r"[0-9]{4}/[0-9]{2}/[0-9]{2}")
PAGE_WORD = re.compile(r"第\s*[0-9０-９]+\s*頁")
FORBIDDEN = re.compile("[\ue000-\uf8ff\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
BULLETS = "-•・●▪■◆⚫․"


def _path(stem: str) -> Path:
    return CORPUS_DIR / f"{stem}.json"


def _load(stem: str) -> Standard:
    return load_standard(_path(stem))


def _texts(std: Standard) -> list[tuple[str, str]]:
    """(where, text) for every free text of the standard (codes, levels and dates excluded)."""
    out = [("name", std.name), ("description", std.description)]
    out += [(f"qualification {i}", q) for i, q in enumerate(std.qualifications, 1)]
    out += [(f"supplementary {i}", q) for i, q in enumerate(std.supplementary, 1)]
    out += [(f"category {c.kind}", c.name) for c in std.categories]
    for v in std.versions:
        out += [(f"version {v.label}", v.name), (f"version {v.label}", v.status),
                (f"version {v.label}", v.note)]
    for duty in std.duties:
        out.append((duty.code, duty.name))
        for task in duty.tasks:
            out.append((task.code, task.name))
            items = (*task.outputs, *task.indicators, *task.knowledge, *task.skills)
            out += [(f"{task.code} {item.code}", item.text) for item in items]
    for a in std.attitudes:
        out += [(a.code, a.name), (a.code, a.description)]
    return out


def _contiguous(codes: list[str], prefix: str, width: int = 0) -> bool:
    return codes == [f"{prefix}{n:0{width}d}" for n in range(1, len(codes) + 1)]


def problems(std: Standard) -> list[str]:
    """Everything that keeps ``std`` from being a well-formed standard, as "kind: detail"."""
    out: list[str] = []
    if not STANDARD_CODE.fullmatch(std.code):
        out.append(f"code: {std.code!r} is not like RTM1324-002v4")
    else:
        out += _version_problems(std)
    if std.name_kind != "職業":
        out.append(f"profile: name_kind {std.name_kind!r}")
    if std.level is not None and not 1 <= std.level <= 7:
        out.append(f"profile: level {std.level}")
    for c in std.categories:
        if c.kind not in ("job_category", "occupation", "industry") or not c.name or not c.code:
            out.append(f"categories: {c!r}")
        if c.code != c.code.strip():
            out.append(f"categories: code {c.code!r} has outer spaces")
    out += _main_table_problems(std)
    if not _contiguous([a.code for a in std.attitudes], "A", 2):
        out.append(f"attitudes: {[a.code for a in std.attitudes]}")
    for a in std.attitudes:
        if "：" in a.name or a.name[:1] in BULLETS:
            out.append(f"attitudes: {a.code} name {a.name!r} would not read back")
    for q in std.qualifications:
        if q[:1] in BULLETS:
            out.append(f"text: qualification starts with a bullet: {q!r}")
    for where, text in _texts(std):
        if not text:
            out.append(f"text: {where} is empty")
        elif text != text.strip() or re.search(r"\s\s|[\t\n\r]", text):
            out.append(f"text: {where} has untrimmed or uncollapsed white space: {text!r}")
        if PAGE_WORD.search(text):
            out.append(f"text: {where} has a page footer: {text!r}")
        if FORBIDDEN.search(text):
            out.append(f"text: {where} has private-use or unmapped ideographs: {text!r}")
        if ITEM_TOKEN.search(text):
            out.append(f"text: {where} has a code-like token: {text!r}")
    return out


def _version_problems(std: Standard) -> list[str]:
    out = []
    rows = std.versions
    if not rows or rows[0].code != std.code:
        return [f"versions: the first row is not the document's own code {std.code}"]
    version = int(std.code.rsplit("v", 1)[1])
    if [v.label for v in rows] != [f"V{n}" for n in range(version, 0, -1)]:
        out.append(f"versions: labels {[v.label for v in rows]} for {std.code}")
    listed = {v.code for v in rows}
    for v in rows:
        if not STANDARD_CODE.fullmatch(v.code) or v.label != f"V{v.code.rsplit('v', 1)[1]}":
            out.append(f"versions: {v.label} lists {v.code}")
        if v.name != std.name:
            out.append(f"versions: {v.label} name {v.name!r}")
        if v.date and not DATE.fullmatch(v.date):
            out.append(f"versions: {v.label} date {v.date!r}")
    if rows[0].note != "略":
        out.append(f"versions: own row note {rows[0].note!r}")
    for newer, older in itertools.pairwise(rows):
        match = re.fullmatch(r"已被《(.+)》取代", older.note)
        if not match or match.group(1) not in listed or match.group(1) != newer.code:
            out.append(f"versions: {older.label} note {older.note!r}")
        if older.status != "歷史版本":
            out.append(f"versions: {older.label} status {older.status!r}")
        if newer.date and not older.date < newer.date:
            out.append(f"versions: {older.label} dated {older.date} after {newer.date}")
    return out


def _main_table_problems(std: Standard) -> list[str]:
    out = []
    if not std.duties:
        out.append("duties: the main table is empty")
    if not _contiguous([d.code for d in std.duties], "T"):
        out.append(f"duties: {[d.code for d in std.duties]}")
    names: dict[str, set[str]] = defaultdict(set)
    for i, duty in enumerate(std.duties, 1):
        if not duty.tasks:
            out.append(f"duties: T{i} has no task")
        if not _contiguous([t.code for t in duty.tasks], f"T{i}."):
            out.append(f"tasks: {[t.code for t in duty.tasks]} under T{i}")
        for j, task in enumerate(duty.tasks, 1):
            if task.level not in tuple("1234567"):
                out.append(f"tasks: {task.code} level {task.level!r}")
            if not task.indicators or not _contiguous(
                [p.code for p in task.indicators], f"P{i}.{j}."
            ):
                out.append(f"indicators: {[p.code for p in task.indicators]} of {task.code}")
            if not _contiguous([o.code for o in task.outputs], f"O{i}.{j}."):
                out.append(f"outputs: {[o.code for o in task.outputs]} of {task.code}")
            for letter, items in (("K", task.knowledge), ("S", task.skills)):
                codes = [c.code for c in items]
                if codes != sorted(set(codes)):
                    out.append(f"citations: {task.code} cites {codes}")
                for item in items:
                    names[item.code].add(item.text)
                    if not re.fullmatch(f"{letter}[0-9]{{2}}", item.code):
                        out.append(f"citations: {task.code} cites {item.code} as {letter}")
    for code, texts in names.items():
        if len(texts) != 1:
            out.append(f"citations: {code} printed as {sorted(texts)}")
    for letter in "KS":
        codes = sorted(c for c in names if c.startswith(letter))
        if not _contiguous(codes, letter, 2):
            out.append(f"citations: {letter} items {codes} are not numbered from 01")
    return out


# ---------------------------------------------------------------- every file


def test_corpus_has_every_file_sorted() -> None:
    files = corpus_files()
    assert len(files) == N_FILES
    assert [p.name for p in files] == sorted(p.name for p in files)
    assert {p.stem for p in files} >= set(KNOWN_DEFECTS)


@pytest.mark.parametrize("path", corpus_files() if CORPUS_DIR.is_dir() else [],
                         ids=lambda p: p.stem)
def test_standard_is_well_formed(path: Path) -> None:
    std = load_standard(path)
    found = problems(std)
    expected = KNOWN_DEFECTS.get(path.stem, set())
    assert {p.split(":", 1)[0] for p in found} == expected, "\n".join(found)
    assert is_renderable(std) == (not expected)


def test_all_standards_pairs_stems_and_standards() -> None:
    pairs = corpus.all_standards()
    assert [stem for stem, _ in pairs] == [p.stem for p in corpus_files()]
    assert sum(std.is_historical for _, std in pairs) == 35
    assert all(std.is_historical == stem.startswith("《歷史資料》") for stem, std in pairs)


def test_building_is_deterministic() -> None:
    path = _path("CNC車床技術助理-職能基準")
    assert load_standard(path) == load_standard(path)


def test_corpus_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("ICAP_CORPUS", str(tmp_path))
    try:
        assert importlib.reload(corpus).CORPUS_DIR == tmp_path
        assert corpus.corpus_files() == []
    finally:
        monkeypatch.delenv("ICAP_CORPUS")
        importlib.reload(corpus)
    assert corpus.CORPUS_DIR.parts[-3:] == ("tests", "corpus", "icap-content")


# ---------------------------------------------------------------- repair rules on real cases


def test_run_together_codes_split_with_their_names() -> None:
    # 保健食品研發工程師: 'HBRNFPMPD' and '12237919' name three 職類別 and two 職業別.
    std = _load("保健食品研發工程師-職能基準")
    assert [c for c in std.categories if c.kind != "industry"] == [
        Category("job_category", "醫療保健／生技研發", "HBR"),
        Category("job_category", "天然資源、食品與農業／食品生產與加工", "NFP"),
        Category("job_category", "製造／製程研發", "MPD"),
        Category("occupation", "研究發展經理人員", "1223"),
        Category("occupation", "其他食品製造及有關工作人員", "7919"),
    ]
    # 智慧聯網…: five occupations; 開發人員及分析師 stays one name.
    std = _load("《歷史資料》智慧聯網與工控資安整合應用工程師-職能基準")
    assert [(c.name, c.code) for c in std.categories if c.kind == "occupation"] == [
        ("機械工程師", "2144"), ("電子工程師", "2152"), ("資料庫及網路專業人員", "2520"),
        ("其他軟體、應用程式開發人員及分析師", "2519"), ("電腦網路及系統技術員", "3513"),
    ]


def test_separated_codes_split_on_the_same_separator() -> None:
    # 森林療癒人員: '3422／5113' splits on ／, not on the 、 inside the first name; its empty
    # 職類別 is dropped.
    std = _load("森林療癒人員-職能基準")
    assert std.categories == (
        Category("occupation", "運動、健身及休閒娛樂指導員", "3422"),
        Category("occupation", "嚮導人員", "5113"),
    )
    std = _load("3D列印積層製造工程師-職能基準")
    assert [(c.name, c.code) for c in std.categories if c.kind == "occupation"] == [
        ("其他工程專業人員", "C2149"), ("機械工程師", "C2144"),
    ]


def test_ambiguous_categories_stay_one() -> None:
    # LED照明工程師: one industry name, two codes.
    std = _load("LED照明工程師-職能基準")
    assert [c for c in std.categories if c.kind == "industry"] == [
        Category("industry", "製造業/電力設備及配備製造業", "C2841、C2842"),
    ]
    # 新藥開發人員: a name cut by a line break is rejoined; six codes for two entries stay joined.
    std = _load("《歷史資料》新藥開發人員-職能基準")
    assert [c for c in std.categories if c.kind == "industry"] == [
        Category("industry", "1.從事原料藥、西藥、醫用生物製品、中藥及醫用化學製品等製造之行業。"
                 "2.醫療器材及用品製造業", "2001、2002、2003、2004、2005、332"),
    ]


def test_industry_list_heading_and_bullets_dropped() -> None:
    std = _load("休閒農場經營管理師-職能基準")
    assert [(c.name, c.code) for c in std.categories if c.kind == "industry"] == [
        ("農、林、漁、牧業／農、牧業", "A01"), ("住宿及餐飲類", "I"),
        ("藝術、娛樂及休閒服務業／運動、娛樂及休閒服務業", "R93"),
    ]


def test_undefined_citation_dropped() -> None:
    # 休閒農場經營管理師: T1.1 cites K01, which the knowledge list does not define.
    _, repairs = build_standard(_path("休閒農場經營管理師-職能基準"))
    assert [r.detail for r in repairs if r.rule == "citation-dropped"] == ["T1.1 K01"]


def test_qualifications_split_without_footer_heading_or_bullets() -> None:
    std = _load("勞資爭議調解人員-職能基準")
    assert std.qualifications[:3] == (
        "大專以上人力資源、企業管理、勞工關係、法律、心理等系所畢業。",
        "依勞資爭議調解辦法第四條規定，地方主管機關遴聘之調解委員，應具備下列資格之一：",
        "一、有勞資爭議調解或協調實務經驗二年以上者。",
    )
    assert std.qualifications[7] == "依勞資爭議調解辦法第十三條規定，調解人應具備下列資格之一："
    assert len(std.qualifications) == 12
    # 車銑數控機技術助理: footer, repeated notes title, text, footer.
    assert _load("車銑數控機技術助理-職能基準").qualifications == ("高中職以上相關科系畢業。",)
    assert _load("CNC車床技術助理-職能基準").qualifications == (
        "（以下擇一）", "國中畢業具機械加工相關工作經驗一年以上者。",
        "高(中)職機械群科畢業者。", "職業訓練機構接受機械加工相關職類結訓人員。",
    )
    assert _load("生鮮處理員-職能基準").qualifications == ("無。",)
    assert _load("鋁門窗安裝技術助理-職能基準").qualifications == (
        "具一年以上建築物施工相關工作經驗。",
    )


def test_qualification_splitting_keeps_spaced_numbers_inside_a_sentence() -> None:
    raw = "\uf09f 活動企劃或專案管理 2 年以上經驗。 第3頁，共4頁"
    paragraphs = qualification_paragraphs(raw, [])
    assert paragraphs == ("活動企劃或專案管理 2 年以上經驗。",)


def test_repeated_duty_name_and_repeated_task() -> None:
    # 公關活動業活動專案人員: duty 'T4行銷企劃與預算控管T4行銷企劃與預算控管', whose T4.1 row
    # is read twice (the second copy without citations); the standard starts at T2.
    std = _load("公關活動業活動專案人員-職能基準")
    duty = std.duties[2]
    assert (duty.code, duty.name) == ("T3", "行銷企劃與預算控管")
    assert [(t.code, t.name) for t in duty.tasks] == [
        ("T3.1", "取得行銷資源與編制行銷計畫"), ("T3.2", "執行行銷計畫與預算控管"),
    ]
    assert len(duty.tasks[0].knowledge) == 13


def test_task_name_cut_before_merged_task_code() -> None:
    std = _load("智慧綠建築綜合佈線人才-職能基準")
    assert [t.name for t in std.duties[0].tasks][:1] == ["確認業主需求"]
    assert std.duties[2].tasks[0].name == "測試規劃"


def test_leaked_citation_removed_from_indicator() -> None:
    std = _load("《歷史資料》新藥開發人員-職能基準")
    task = next(t for d in std.duties for t in d.tasks if t.name == "新藥量產產品的驗證與確效")
    assert task.indicators[1].text.startswith("原料藥品質控管及供應鏈管理，")
    assert "供應鏈管理概念" in [k.text for k in task.knowledge]


def test_renumbering_closes_gaps_and_follows_listed_order() -> None:
    # 水電工程人員 prints T2.５…T2.７ with full-width digits; 汽車玻璃換修人員 lists K04 after K14.
    std = _load("水電工程人員-職能基準")
    assert [t.code for t in std.duties[1].tasks] == [f"T2.{n}" for n in range(1, 8)]
    std = _load("汽車玻璃換修人員-職能基準")
    cited = {k.code: k.text for d in std.duties for t in d.tasks for k in t.knowledge}
    assert cited["K14"] == "黏膠特性及使用方式"
    assert cited["K11"] == cited["K12"] == "遮蔽防護程序"  # two items, as published


def test_task_level_falls_back_to_standard_level() -> None:
    std = _load("展覽裝潢業展場設計師-職能基準")  # parser gave 0 under merged level cells
    assert std.level == 5
    assert std.duties[0].tasks[1].level == "5"
    std = _load("《歷史資料》新藥開發人員-職能基準")  # standard level 0 too
    assert std.level is None
    assert {t.level for d in std.duties for t in d.tasks} <= set("1234567")


def test_version_label_follows_code_and_history_is_synthesised() -> None:
    std = _load("職業訓練人員-職能基準")  # metadata says V3 for BHR2422-011v4
    assert [(v.label, v.code, v.status, v.note, v.date) for v in std.versions] == [
        ("V4", "BHR2422-011v4", "最新版本", "略", "2024/12/15"),
        ("V3", "BHR2422-011v3", "歷史版本", "已被《BHR2422-011v4》取代", "2022/12/15"),
        ("V2", "BHR2422-011v2", "歷史版本", "已被《BHR2422-011v3》取代", "2020/12/15"),
        ("V1", "BHR2422-011v1", "歷史版本", "已被《BHR2422-011v2》取代", "2018/12/15"),
    ]


def test_historical_name_and_title() -> None:
    std = _load("《歷史資料》新藥開發人員-職能基準")
    assert std.is_historical and std.name == "新藥開發人員"
    assert std.title == "《歷史資料》新藥開發人員職能基準"
    assert std.versions[0].status == "最新版本"  # as the metadata says


def test_ideographs_mapped_and_private_use_removed() -> None:
    # CNC車床技術助理 prints 金 as U+F90A and 論 as U+F941; 農漁會信用部主任 has U+F06E bullets.
    std = _load("CNC車床技術助理-職能基準")
    occupation = next(c for c in std.categories if c.kind == "occupation")
    assert occupation.name == "\u91d1屬工具機設定及操作人員"
    cited = {k.text for d in std.duties for t in d.tasks for k in t.knowledge}
    assert "氣油壓概\u8ad6" in cited
    std = _load("農漁會信用部主任-職能基準")
    skills = {s.code: s.text for d in std.duties for t in d.tasks for s in t.skills}
    assert skills["S09"] == (
        "規劃和組織技能： 為部門人員規劃學習機會 訓練目標訂定 部門人員訓練需求分析"
    )


def test_single_output_kept_whole() -> None:
    # 無人機維修人員: the parser merged two outputs around a full-width Ｏ; it stays one output.
    std = _load("無人機維修人員-職能基準")
    assert std.duties[0].tasks[0].outputs == (Coded("O1.1.1", "機體檢測報告Ｏ1.1.2維修取件單"),)


def test_problems_catches_each_kind_of_defect() -> None:
    std = _load("CNC車床技術助理-職能基準")
    assert problems(std) == []
    duty, task = std.duties[0], std.duties[0].tasks[0]
    broken_task = replace(
        task,
        code="T1.3",
        level="0",
        indicators=(Coded("P1.1.2", "甲 K01乙"), Coded("P1.1.3", "第 3 頁，總共 4 頁")),
        knowledge=(Coded("K02", "數值控制概論"), Coded("K01", "別的名字\uf09f")),
    )
    broken = replace(
        std,
        duties=(replace(duty, code="T2", tasks=(broken_task, *duty.tasks[1:])),
                *std.duties[1:]),
        versions=(*std.versions[:-1], replace(std.versions[-1], note="已被《XYZ0000-000v9》取代")),
        attitudes=(replace(std.attitudes[0], name=" 持續學習"),),
    )
    found = "\n".join(problems(broken))
    for expected in ("duties: ['T2'", "tasks: ['T1.3'", "level '0'", "indicators: ['P1.1.2'",
                     "cites ['K02', 'K01']", "K01 printed as", "V1 note", "code-like token",
                     "page footer", "private-use", "white space"):
        assert expected in found, expected


def test_slash_footer_removed() -> None:
    # 錄音工程師 and 流行音樂行銷企劃人員 print their footers 第5頁/共5頁.
    for stem in ("錄音工程師-職能基準", "流行音樂行銷企劃人員-職能基準"):
        assert not any("頁" in q and "共" in q for q in _load(stem).qualifications)


def test_fourth_code_number_tail_dropped_and_recorded() -> None:
    # 化工製程設計工程師 printed P1.1.1.1…; the parser kept `.1 能夠根據…`.
    std, repairs = build_standard(_path("《歷史資料》化工製程設計工程師-職能基準"))
    assert std.duties[0].tasks[0].indicators[0].text.startswith("能夠根據顧客需求")
    assert std.extra == {"four_number_codes": "1"}
    assert any(r.rule == "fourth-number-dropped" for r in repairs)
    # 運動賽會經理人's output `.財務規劃書` lost a code printed with a trailing period.
    std, _ = build_standard(_path("運動賽會經理人-職能基準"))
    assert "財務規劃書、經費預算表" in {o.text for d in std.duties for t in d.tasks
                                       for o in t.outputs}
    assert std.extra == {}


def test_a_code_like_token_between_latin_words_keeps_a_standard_out() -> None:
    std = _load("醫療器材產業品質保證工程師-職能基準")
    assert std.description and std.duties and not is_renderable(std)
