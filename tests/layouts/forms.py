"""Every printed form the layout generator draws from, as plain data, each with its evidence.

These lists are the generator's own and are kept apart from the parser's on purpose: nothing
here is imported from ``pipeline`` (``tests/test_layouts_generator.py`` checks it). A form the
pipeline does not know is exactly what the generator is for. Evidence tags:

- [sample]   the published text export RTM1324-002v4 (raw/);
- [notes]    shared/research/pdf-notes.md (real catalogue, as reported by public parsers);
- [corpus]   shared/corpus/README.md (counts across the 782 real standards);
- [brief]    the look-alike PDFs made by someone else that the pipeline rejected (128 of 128:
             other fonts, landscape, two-row header, full-width title punctuation, attitudes as
             a one-column table, bullets before codes) and the 20 printed from HTML by a browser;
- [prints]   scratch research on how real prints look (header/title variants, attitudes,
             footers, bullets), where it was available.
"""

from __future__ import annotations

# ---------------------------------------------------------------- engines and paper

# [brief] iCAP keeps its content as HTML and prints it from a browser; the published PDFs come
# from Word (repeated header rows, rows breaking across pages, merged duty cells) — LibreOffice
# is the closest engine Debian has to Word.
ENGINES = ("docx-libreoffice", "html-chromium")

# Paper sizes in millimetres (portrait width, height). [notes] A4 is the template's; [brief]
# Letter, B4 and A3 are what other exporters and printers choose.
PAPERS = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4), "B4": (250.0, 353.0),
          "A3": (297.0, 420.0)}
ORIENTATIONS = ("portrait", "landscape")  # [brief] landscape prints were rejected

# ---------------------------------------------------------------- fonts

# Every CJK font Debian ships that covers Traditional Chinese (``fc-list :lang=zh-tw``):
# (family name, Debian package). [brief] "other fonts" were rejected; a real PDF embeds
# 新細明體 / 標楷體 / 微軟正黑體, which Ming, Kai and Hei faces stand for here.
FONTS = (
    ("Noto Sans CJK TC", "fonts-noto-cjk"),
    ("Noto Serif CJK TC", "fonts-noto-cjk"),
    ("AR PL UMing TW", "fonts-arphic-uming"),
    ("AR PL UKai TW", "fonts-arphic-ukai"),
    ("WenQuanYi Zen Hei", "fonts-wqy-zenhei"),
    ("WenQuanYi Micro Hei", "fonts-wqy-microhei"),
    ("cwTeXMing", "fonts-cwtex-ming"),
    ("cwTeXKai", "fonts-cwtex-kai"),
    ("cwTeXHeiBold", "fonts-cwtex-heib"),
    ("cwTeXFangSong", "fonts-cwtex-fs"),
    ("cwTeXYen", "fonts-cwtex-yen"),
    ("TW-Sung", "fonts-cns11643-sung"),
    ("TW-Kai", "fonts-cns11643-kai"),
    ("AR PL Mingti2L Big5", "fonts-arphic-bsmi00lp"),
    ("AR PL KaitiM Big5", "fonts-arphic-bkai00mp"),
    ("LXGW WenKai", "fonts-lxgw-wenkai"),
)
FONT_SIZES_PT = (8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0, 12.0)  # [brief] 8–12 pt
LINE_SPACINGS = (1.0, 1.15, 1.3, 1.5)  # multiples of the font size; Word "single" to "1.5"
CELL_PADDINGS_PT = (1.0, 2.0, 3.0, 5.4)  # 5.4 pt is Word's default left/right cell margin

# ---------------------------------------------------------------- the main table's header

# Each header is a tuple of printed rows; a row is one entry per column role (duty, task,
# output, indicator, level, knowledge, skill): the text printed there, None where the cell on
# its left spans over it, "^" where the cell above continues down (a vertical merge) and ""
# for an empty cell with its own rules. The duty column is dropped when a layout has none.
DUTY_WORDS = ("主要職責", "工作職責")  # [notes] 工作職責 is a reported alias
# [notes] the older template: 工作任務 (T1) / 工作活動 (T1.1)
OLDER_TEMPLATE = ("工作任務", "工作活動")
K_HEADS = (  # [brief] [prints] punctuation, width, spacing and line breaks of the same header
    "職能內涵 (K=knowledge 知識)",
    "職能內涵（K=knowledge知識）",
    "職能內涵\n(K=knowledge\n知識)",
    "職能內涵(K=knowledge知識)",
    "職能內涵（K＝knowledge 知識）",
    "知識",  # [prints] a parser recognises the K column by 知識 alone
)
S_HEADS = (
    "職能內涵 (S=skills 技能)",
    "職能內涵（S=skills技能）",
    "職能內涵\n(S=skills\n技能)",
    "職能內涵(S=skills技能)",
    "職能內涵（S＝skills 技能）",
    "技能",
)
LEVEL_WORDS = ("職能級別", "職能\n級別", "級別")  # [sample] 職能級別; [notes] 級別 printed alone
# Lower rows when 職能內涵 spans K and S. [notes] a two-row header where 職能內涵 spans K and S.
SPANNED_LOWER = (
    ("(K=knowledge 知識)", "(S=skills 技能)"),
    ("（K=knowledge知識）", "（S=skills技能）"),
    ("K=knowledge\n知識", "S=skills\n技能"),
    ("知識(K)", "技能(S)"),
)
HEADER_ROWS = (1, 2, 3)
# [prints] some continuation pages repeat the main table's header and some do not.
REPEAT_HEADER = (True, False)
# [prints] a space between code and name occurs as well as none (K01 3D列印…, P1.2.1執行…).
CODE_SPACES = ("", " ")  # [brief] a two-row header was rejected; three rows split a word

# ---------------------------------------------------------------- section titles

# [sample] 職能內涵 (A=attitude 態度); [brief] full-width punctuation was rejected; [prints]
ATTITUDE_TITLES = (
    "職能內涵 (A=attitude 態度)",
    "職能內涵（A=attitude態度）",
    "職能內涵（A=attitude 態度）",
    "職能內涵(A=attitude態度)",
    "職能內涵 (A=attitude 態度)：",
    "職能內涵（A=attitude態度）：",
    "職業內涵（A=attitude態度）",  # [prints] a real typo variant
)
NOTES_TITLES = (  # [sample] 說明與補充事項; [prints] spaced out, with a colon
    "說明與補充事項",
    "說 明 與 補 充 事 項",
    "說明與補充事項：",
    "說明與補充事項:",
)
# Where a section title is printed. [sample] a table's first row (repeated on a new page);
# [brief] a paragraph above the table, or the left cell of a table whose right cell holds it.
TITLE_PLACES = ("row", "paragraph", "cell")
QUALIFICATION_HEADINGS = (  # [sample] the template's two headings inside 說明與補充事項
    "建議擔任此職類 / 職業之學歷 / 經歷 / 或能力條件：",
    "建議擔任此職類/職業之學歷/經歷/或能力條件：",
    "建議擔任此職類／職業之學歷／經驗／或能力條件：",  # [prints] the official examples' wording
)
SUPPLEMENTARY_HEADINGS = ("其他補充說明：", "其他補充說明")

# ---------------------------------------------------------------- back matter forms

# [sample] bullet lines; [brief] a one-column table (one row per attitude, A01名稱：描述) was
# rejected; [prints] a two-column table (code+name | description), paragraphs, a one-line list
# of names (A01外部意識、A02溝通協調能力、A03成果導向), and code + name alone, one per row
# (A01創新).
ATTITUDE_FORMS = ("table1", "table2", "paragraphs", "bullets", "oneline", "names")
ATTITUDE_COLONS = ("：", ":")  # between an attitude's name and its description
NOTES_FORMS = ("table", "paragraphs", "bullets")

# Glyphs printed before items: [sample] bullet lines; [brief] bullets before codes; [notes]
# Word's Symbol-font bullets come out as private-use code points (U+F0B7, U+F09F, U+F06C).
BULLETS = ("•", "●", "▪", "-", "■", "◆", "⚫", "◎", "＊")  # [prints] ⚫ ◎ ＊ before notes
PRIVATE_USE_BULLETS = ("\uf0b7", "\uf09f", "\uf06c")
# Families known to print the private-use bullets: none of Debian's CJK fonts covers U+F0xx
# (``fc-list :charset=f0b7`` is empty here), so they are drawn only with such a font.
FONTS_WITH_PRIVATE_USE: tuple[str, ...] = ()

# ---------------------------------------------------------------- page furniture

# [notes] 第 N 頁，總共 M 頁 (Word's PAGE / NUMPAGES fields); [prints] 第N頁，共M頁; None: none.
# {n} and {m} are drawn as separate runs (fields), or further apart with ``FOOTER_DIGITS_APART``.
# [prints] parsers accept ， , 、 or a space between the two halves.
FOOTERS = ("第 {n} 頁，總共 {m} 頁", "第{n}頁，共{m}頁", "第 {n} 頁 / 共 {m} 頁",
           "第{n}頁、共{m}頁", None)
# Optional running page headers: [prints] the platform's name or the standard's title on top.
PAGE_HEADERS = (None, "iCAP職能發展應用平台", "{title}")

# ---------------------------------------------------------------- content variants

# [corpus] 18 standards have a code that is not three letters + four digits (FISI223-002v2).
ODD_CODE_FORMS = ("{l4}{d3}-{n3}v{v}", "{l3}{d4}{l1}-{n3}v{v}", "{l2}{d4}-{n3}v{v}")
# [corpus] levels printed 34, 45, 4級以上 (73 standards with a level that is not one digit).
ODD_LEVEL_FORMS = ("{a}{b}", "{a}級以上")
# Latin words long enough to wrap inside a narrow cell: [brief] HACCP and friends.
LATIN_WORDS = ("HACCP", "ISO22000", "AutoCAD", "SolidWorks", "PLC")
