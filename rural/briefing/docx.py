"""The Word briefing: 公文 print layout, styles, pictures and tables."""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pandas as pd

from rural.settings import get_settings

from rural.briefing.content import Briefing, FIGURE_NAMES, templates
from rural.briefing.pictures import fit_picture


# Print layout of the Word briefing (公文 conventions): A4, body 仿宋 三号 with 28 pt fixed lines (text paragraphs
# only: pictures and tables have their own single-spaced styles), headings 黑体 三号, the title 方正小标宋简体 二号,
# captions 黑体 四号, tables 五号; Latin text in Times New Roman. Every font is named in the styles, never a theme font.
BODY_FONT, HEADING_FONT, TITLE_FONT, LATIN_FONT = "仿宋", "黑体", "方正小标宋简体", "Times New Roman"


BODY_PT, TITLE_PT, CAPTION_PT, TABLE_PT, FOOTER_PT = 16, 22, 14, 10.5, 14
LINE_PT, TITLE_LINE_PT = 28, 36
PAGE_CM = (21.0, 29.7)
MARGINS_CM = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
PICTURE_MAX_CM = (15.5, 20.0)          # a picture's width on the page, and the most height it may take
CAPTIONS = {"figure": "图{number} {name}", "table": "表{number} {name}"}
_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def captions() -> dict[str, str]:
    """Caption templates (``[captions]`` in briefing.toml), numbered through the document."""
    return {**CAPTIONS, **templates().get("captions", {})}


def figure_numbers(b: Briefing, pictures: dict) -> dict[str, int]:
    """图N for every picture the Word briefing shows, in document order (the slides reuse the numbers)."""
    keys = [k for s in b.sections for k in s.figures if k in pictures]
    return {k: i for i, k in enumerate(dict.fromkeys(keys), start=1)}


# ------------------------------------------------------------------------------ Word
def _rfonts(rpr, east: str, latin: str = LATIN_FONT):
    """Explicit fonts on an rPr: East Asian, ASCII, high ANSI and complex script; theme fonts removed
    (a theme attribute overrides the named font in Word)."""
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east)
    fonts.set(qn("w:cs"), latin)
    return fonts


def _east_asian_hint(run) -> None:
    """``<w:rFonts w:hint="eastAsia"/>`` on a run, as Word writes for text typed in Chinese: quotes, dashes
    and other shared characters take the style's East Asian font (full-width “”), the fonts stay the style's."""
    from docx.oxml.ns import qn

    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(1 if rpr.find(qn("w:rStyle")) is not None else 0, fonts)
    fonts.set(qn("w:hint"), "eastAsia")


def _style_fonts(style, east: str, size_pt: float, bold: bool = False) -> None:
    """A style's character format: explicit fonts (no theme fonts), size, weight, black."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    rpr = style.element.get_or_add_rPr()
    _rfonts(rpr, east)
    for tag in ("w:spacing", "w:kern"):   # the Title's letter spacing and kerning
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    for tag in ("w:bCs", "w:szCs"):      # complex-script weight and size of the template's headings
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    style.font.size = Pt(size_pt)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    color = style.element.rPr.find(qn("w:color"))
    for attr in ("themeColor", "themeShade", "themeTint"):   # a theme colour would win over the black
        color.attrib.pop(qn(f"w:{attr}"), None)


def _paragraph_format(style, *, line_pt: float | None, indent_pt: float = 0, before: float = 0, after: float = 0,
                      align=None, keep_next: bool | None = None) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    pf = style.paragraph_format
    if line_pt is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing = Pt(line_pt)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.first_line_indent = Pt(indent_pt)
    pf.left_indent = Pt(0)
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if align is not None:
        pf.alignment = align
    if keep_next is not None:
        pf.keep_with_next = keep_next
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):   # the Title's blue rule
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)


def _paragraph_style(doc, name: str, base: str = "Normal"):
    from docx.enum.style import WD_STYLE_TYPE

    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        style.quick_style = True
        return style


def _setup_styles(doc) -> None:
    """Every style the briefing uses, explicit fonts and spacing; no theme fonts, no colour, no rules."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH as AL
    from docx.oxml.ns import qn

    styles = doc.styles
    # document defaults: explicit fonts (not the theme's), Chinese as the East Asian language, no spacing
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _rfonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        spacing.attrib.clear()
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
    # the linked character styles of the styles used carry the theme fonts too
    for style in styles.element.findall(qn("w:style")):
        sid = style.get(qn("w:styleId")) or ""
        east = HEADING_FONT if sid.startswith("Heading") else TITLE_FONT if sid.startswith("Title") else BODY_FONT
        for fonts in style.iter(qn("w:rFonts")):
            if any(fonts.get(qn(f"w:{a}")) for a in _THEME_ATTRS):
                _rfonts(fonts.getparent(), east)

    normal = styles["Normal"]
    _style_fonts(normal, BODY_FONT, BODY_PT)
    _paragraph_format(normal, line_pt=LINE_PT, indent_pt=2 * BODY_PT, align=AL.JUSTIFY)
    normal.paragraph_format.widow_control = True

    title = styles["Title"]
    _style_fonts(title, TITLE_FONT, TITLE_PT)
    _paragraph_format(title, line_pt=TITLE_LINE_PT, after=6, align=AL.CENTER)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        _style_fonts(styles[name], HEADING_FONT, BODY_PT)
        _paragraph_format(styles[name], line_pt=LINE_PT, indent_pt=2 * BODY_PT, keep_next=True)

    caption = styles["Caption"]
    _style_fonts(caption, HEADING_FONT, CAPTION_PT)
    _paragraph_format(caption, line_pt=None, before=3, after=6, align=AL.CENTER)

    picture = _paragraph_style(doc, "Picture")      # single spacing: an inline picture is never cut to a line
    _paragraph_format(picture, line_pt=None, before=6, align=AL.CENTER, keep_next=True)
    picture.paragraph_format.keep_together = True

    cell = _paragraph_style(doc, "Table Text")
    _style_fonts(cell, BODY_FONT, TABLE_PT)
    _paragraph_format(cell, line_pt=None, before=1.5, after=1.5, align=AL.LEFT)
    head = _paragraph_style(doc, "Table Heading", "Table Text")
    _style_fonts(head, HEADING_FONT, TABLE_PT)
    _paragraph_format(head, line_pt=None, before=1.5, after=1.5, align=AL.CENTER, keep_next=True)

    footer = styles["Footer"]
    _style_fonts(footer, "宋体", FOOTER_PT)
    _paragraph_format(footer, line_pt=None, align=AL.CENTER)

    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def _add_text(doc, text: str, style: str | None = None):
    p = doc.add_paragraph(style=style)
    _east_asian_hint(p.add_run(text))
    return p


def write_docx(b: Briefing, pictures: dict[str, tuple[bytes, bytes]], path: Path | io.BytesIO) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
    sec.top_margin, sec.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    sec.left_margin, sec.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    _setup_styles(doc)
    cap = captions()
    separators = get_settings().thousands_separators
    text_width = sec.page_width - sec.left_margin - sec.right_margin
    max_w = min(Cm(PICTURE_MAX_CM[0]), text_width)
    max_h = min(Cm(PICTURE_MAX_CM[1]), sec.page_height - sec.top_margin - sec.bottom_margin - Cm(2))
    numbers = figure_numbers(b, pictures)

    _add_text(doc, b.title, "Title")
    line = _add_text(doc, b.as_of_line)
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line.paragraph_format.first_line_indent = Pt(0)
    line.paragraph_format.space_after = Pt(LINE_PT / 2)
    table_no = 0
    for s in b.sections:
        _add_text(doc, s.heading, "Heading 1")
        if s.sentences:
            _add_text(doc, "".join(s.sentences))
        for caption, table in s.tables:
            table_no += 1
            _docx_table(doc, cap["table"].format(number=table_no, name=caption), table, text_width, separators)
        for key in s.figures:
            if key not in pictures:
                continue
            png_bytes = pictures[key][0]
            width, height = fit_picture(png_bytes, max_w, max_h)
            p = doc.add_paragraph(style="Picture")
            p.add_run().add_picture(io.BytesIO(png_bytes), width=width, height=height)
            _add_text(doc, cap["figure"].format(number=numbers[key], name=FIGURE_NAMES.get(key, key)), "Caption")
    # page numbers: — 1 — centred in the footer
    footer = sec.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    _east_asian_hint(footer.add_run("— "))
    run = footer.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _east_asian_hint(footer.add_run(" —"))
    doc.core_properties.title = b.title
    doc.core_properties.author = "乡村振兴指标看板"
    doc.save(path)


def _text_width(text: str) -> float:
    """Display width in half-em units: a Chinese character 2, a Latin digit or letter 1.2 (wide enough for
    the substitutes of Times New Roman too)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1.2 for c in text)


def _column_widths(header: list[str], body: list[list[str]], numeric: list[bool], total: int) -> list[int]:
    """Column widths (EMU) filling ``total``: numbers and short text on one line, headers on two at most
    (name above its unit), long text columns sharing what is left and wrapping."""
    import re

    unit = round(12700 * TABLE_PT / 2)                    # half an em (a Latin digit; a Chinese character is two)
    pad = 2 * 108 * 635 + unit                        # the cell margins, and a little slack
    fixed, want, least = [], [], []
    for c, name in enumerate(header):
        name_part, *unit_parts = re.split(r"(?=（)", name)     # 目标任务 over （人）: the unit stays whole
        head = max([_text_width(name_part) if _text_width(name_part) <= 8 else _text_width(name_part) / 2 + 1]
                   + [_text_width(x) for x in unit_parts])
        data = max((_text_width(r[c]) for r in body), default=0)
        short = numeric[c] or data <= 12
        fixed.append(short)
        want.append(max(head, data) * unit + pad)
        least.append((max(head, data) if short else max(head, 8)) * unit + pad)
    if sum(want) <= total:           # room for everything on one line: the spare shared out
        widths = [int(w * total / sum(want)) for w in want]
    else:                            # text columns wrap: they share what the one-line columns leave
        rest = total - sum(w for w, f in zip(want, fixed) if f)
        flexible = sum(w for w, f in zip(want, fixed) if not f)
        if rest >= sum(m for m, f in zip(least, fixed) if not f) and flexible:
            widths = [w if f else max(m, w * rest // flexible) for w, m, f in zip(want, least, fixed)]
        else:
            widths = least
        scale = total / sum(widths)
        widths = [int(w * scale) for w in widths]
    widths = [int(w) for w in widths]
    widths[-1] += total - sum(widths)
    return widths


def _docx_table(doc, caption: str, table: pd.DataFrame, width: int, separators: bool | None = None) -> None:
    """A numbered table: caption above (kept with the table), header row repeated on every page and kept with
    the first row, rows never split, numbers right-aligned in the pack's number style."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    if separators is None:
        separators = get_settings().thousands_separators
    cap = _add_text(doc, caption, "Caption")
    cap.paragraph_format.keep_with_next = True
    cap.paragraph_format.space_before, cap.paragraph_format.space_after = Pt(6), Pt(3)
    header = [str(c) for c in table.columns]
    rows = list(table.itertuples(index=False))
    body = [[_cell_text(v, separators, column=header[c]) for c, v in enumerate(row)] for row in rows]
    numeric = [_numeric_column([row[c] for row in rows]) for c in range(len(header))]
    widths = _column_widths(header, body, numeric, width)
    centred = [not numeric[c] and max((_text_width(r[c]) for r in body), default=0) <= 8 for c in range(len(header))]

    t = doc.add_table(rows=1 + len(body), cols=len(header))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for c, w in enumerate(widths):
        t.columns[c].width = w
    for r, (row, texts) in enumerate(zip(t.rows, [header] + body)):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {}))
        if r == 0:
            tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
        for c, (cell, text) in enumerate(zip(row.cells, texts)):
            cell.width = widths[c]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.style = doc.styles["Table Heading" if r == 0 else "Table Text"]
            _east_asian_hint(p.add_run(text))
            if r == 0:
                p.paragraph_format.keep_with_next = True
            elif numeric[c]:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif centred[c]:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER


_UNITS = "个百分点|万亩|万元|亿元|人次|%|人|户|条|元|个|件|亩|名|项|家"
_NUMBER_TEXT = rf"([+\-−]?)(\d+)(\.\d+)?({_UNITS})?"


def _is_missing(v) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v))


def _is_number(v) -> bool:
    import numbers
    import re

    if isinstance(v, bool) or _is_missing(v):
        return False
    if isinstance(v, (numbers.Number, Decimal)):
        return True
    return isinstance(v, str) and re.fullmatch(_NUMBER_TEXT, v.strip().replace(",", "")) is not None


def _numeric_column(values: list) -> bool:
    present = [v for v in values if not _is_missing(v) and v != "—"]
    return bool(present) and all(_is_number(v) for v in present)


def _cell_text(v, separators: bool | None = None, column: str = "") -> str:
    """A table cell in the pack's one number style (``thousands_separators``, off by default like the
    sentences: 4438, 34575; on: 4,438); two decimals for rates and money; years never grouped."""
    import numbers
    import re

    if _is_missing(v):
        return "—"
    if separators is None:
        separators = get_settings().thousands_separators
    sep = "," if separators and not re.search("年度|年份|年$", column) else ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, numbers.Integral):
        return f"{int(v):{sep}d}"
    if isinstance(v, Decimal):
        return f"{v.quantize(Decimal('0.01')):{sep}.2f}"
    if isinstance(v, numbers.Real):
        return f"{float(v):{sep}.2f}"
    text = str(v)
    m = re.fullmatch(_NUMBER_TEXT, text.replace(",", ""))
    if m and ("," in text or sep):      # a number with its unit written by compose (4438人, +1416.02元)
        sign, whole, frac, unit = m.groups()
        return f"{sign}{int(whole):{sep}d}{frac or ''}{unit or ''}"
    return text
