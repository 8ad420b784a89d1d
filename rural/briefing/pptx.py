"""The slide deck: a title slide, then a slide per section with its key sentences and first picture."""
from __future__ import annotations

import io
from pathlib import Path



from rural.briefing.content import Briefing, FIGURE_NAMES, Section
from rural.briefing.pictures import fit_picture
from rural.briefing.docx import BODY_FONT, HEADING_FONT, LATIN_FONT, _cell_text, _numeric_column, captions, figure_numbers


# ------------------------------------------------------------------------------ slides
SLIDE_CM = (33.867, 19.05)


SLIDE_MARGIN_CM, SLIDE_TOP_CM, SLIDE_PICTURE_CM = 1.2, 3.0, (19.5, 13.6)
SLIDE_BODY_FONT = BODY_FONT
SLIDE_LINE = 1.25            # line pitch as a multiple of the font size (set exactly, so text fits the same everywhere)


def _slide_lines(text: str, size_pt: float, width_pt: float) -> int:
    """Lines ``text`` takes in a box ``width_pt`` wide: Chinese characters (and quotes) one em, Latin about
    0.55 em, a quarter em where Chinese meets Latin (LibreOffice's autospace); Latin words do not break."""
    import re
    import unicodedata

    lines, x, prev_wide = 1, 0.0, None
    for token in re.findall(r"[A-Za-z0-9.,%+\-]+|.", text):
        wide = unicodedata.east_asian_width(token[0]) in "WFA"
        w = size_pt * (1.0 if wide else 0.55 * len(token))
        if prev_wide is not None and wide != prev_wide:
            w += 0.25 * size_pt
        if x + w > width_pt and x > 0:
            lines, x = lines + 1, 0.0
        x += w
        prev_wide = wide
    return lines


def _fit_size(paragraphs: list[str], width_pt: float, height_pt: float, sizes: tuple[float, ...],
              space_after: float = 0.5) -> float:
    """The largest font size at which the paragraphs fit the box (the smallest size when none does)."""
    for size in sizes:
        usable = width_pt * 0.94 - size       # kinsoku (no 。， at a line start) and a character of slack
        lines = sum(_slide_lines(p, size, usable) for p in paragraphs)
        height = lines * size * SLIDE_LINE + space_after * size * (len(paragraphs) - 1)
        if height <= height_pt:
            return size
    return sizes[-1]


def _pptx_run_font(run, east: str, size_pt: float, bold: bool = False) -> None:
    """Explicit fonts on a slide run: Latin and East Asian typefaces (not the theme's +mj/+mn), size, black."""
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    font = run.font
    font.size = Pt(size_pt)
    font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    font.name = LATIN_FONT
    rpr = run._r.get_or_add_rPr()
    rpr.set("lang", "zh-CN")
    latin = rpr.find(qn("a:latin"))
    for tag in ("a:ea", "a:cs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    ea = rpr.makeelement(qn("a:ea"), {"typeface": east})
    cs = rpr.makeelement(qn("a:cs"), {"typeface": LATIN_FONT})
    latin.addnext(ea)
    ea.addnext(cs)


def _pptx_text(shape, paragraphs: list[str], east: str, size_pt: float, *, bold: bool = False, align=None,
               anchor=None, space_after: float = 0.5) -> None:
    """Text set into a shape at an exact size and line pitch, wrapped, never auto-fitted by the viewer."""
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Cm, Pt

    tf = shape.text_frame
    tf.clear()
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = Cm(0.2)
    tf.margin_top = tf.margin_bottom = Cm(0.1)
    if anchor is not None:
        tf.vertical_anchor = anchor
    for k, text in enumerate(paragraphs):
        p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = text
        _pptx_run_font(run, east, size_pt, bold)
        p.line_spacing = Pt(size_pt * SLIDE_LINE)
        p.space_before = Pt(0)
        p.space_after = Pt(size_pt * space_after) if k < len(paragraphs) - 1 else Pt(0)
        if align is not None:
            p.alignment = align


def write_pptx(b: Briefing, pictures: dict[str, tuple[bytes, bytes]], path: Path | io.BytesIO) -> None:
    """Title slide, then a slide per section: its first picture (whole, aspect kept, numbered 图N as in the
    Word briefing) and its key sentences sized to fit their box."""
    from pptx import Presentation
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Cm, Emu

    prs = Presentation()
    prs.slide_width, prs.slide_height = Cm(SLIDE_CM[0]), Cm(SLIDE_CM[1])
    sw, sh, margin = prs.slide_width, prs.slide_height, Cm(SLIDE_MARGIN_CM)
    pt = lambda emu: emu / 12700  # noqa: E731
    cap = captions()
    numbers = figure_numbers(b, pictures)

    first = prs.slides.add_slide(prs.slide_layouts[0])
    title, sub = first.shapes.title, first.placeholders[1]
    title.left, title.top, title.width, title.height = Cm(2), Cm(3.6), sw - Cm(4), Cm(6.4)
    sub.left, sub.top, sub.width, sub.height = Cm(2), Cm(10.6), sw - Cm(4), Cm(3)
    inner = lambda shape: (pt(shape.width) - 2 * 5.67, pt(shape.height) - 2 * 2.83)  # noqa: E731  (insets 0.2/0.1 cm)
    size = _fit_size([b.title], *inner(title), sizes=(40, 36, 32, 28, 24))
    _pptx_text(title, [b.title], HEADING_FONT, size, bold=True, align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.BOTTOM)
    size = _fit_size([b.as_of_line], *inner(sub), sizes=(24, 20, 18, 16))
    _pptx_text(sub, [b.as_of_line], SLIDE_BODY_FONT, size, align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.TOP)

    top = Cm(SLIDE_TOP_CM)
    for s in b.sections:
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
        head = slide.shapes.title
        head.left, head.top, head.width, head.height = margin, Cm(0.7), sw - 2 * margin, Cm(2.0)
        size = _fit_size([s.heading], *inner(head), sizes=(32, 28, 24, 20))
        _pptx_text(head, [s.heading], HEADING_FONT, size, bold=True, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.MIDDLE)
        key = next((k for k in s.figures if k in pictures), None)
        left = margin
        if key:
            png_bytes = pictures[key][0]
            width, height = fit_picture(png_bytes, Cm(SLIDE_PICTURE_CM[0]), Cm(SLIDE_PICTURE_CM[1]))
            slide.shapes.add_picture(io.BytesIO(png_bytes), margin, top, width=Emu(width), height=Emu(height))
            label = cap["figure"].format(number=numbers[key], name=FIGURE_NAMES.get(key, key))
            box = slide.shapes.add_textbox(margin, top + height + Cm(0.2), width, Cm(1.1))
            _pptx_text(box, [label], HEADING_FONT, _fit_size([label], *inner(box), sizes=(16, 14, 12)),
                       align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.TOP)
            left = margin + width + Cm(0.8)
        bottom = sh - Cm(0.8)
        if not key and s.tables:        # no picture (the county's own indicators): the section's table under the text
            name, table = s.tables[0]
            height = sum(_table_layout(table, sw - 2 * margin)[1])
            table_top = max(top + Cm(4.0), bottom - height)
            box = slide.shapes.add_textbox(margin, table_top - Cm(1.0), sw - 2 * margin, Cm(0.9))
            _pptx_text(box, [name], HEADING_FONT, 16, align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.BOTTOM)
            _pptx_table(slide, table, margin, table_top, sw - 2 * margin)
            bottom = table_top - Cm(1.2)
        box = slide.shapes.add_textbox(left, top, sw - left - margin, bottom - top)
        sentences = ["■ " + x for x in key_sentences(s)]
        size = _fit_size(sentences, *inner(box), sizes=(28, 24, 22, 20, 18, 16, 14, 12, 11, 10))
        _pptx_text(box, sentences, SLIDE_BODY_FONT, size, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP)
    prs.core_properties.title = b.title
    prs.save(path)


SLIDE_TABLE_ROWS = 6        # a slide shows at most this many rows of a section's table (the Word briefing has them all)
SLIDE_TABLE_PT = 14


def _table_cells(table) -> tuple[list[str], list[list[str]], list[bool]]:
    from rural.settings import get_settings

    rows = table.head(SLIDE_TABLE_ROWS)
    separators = get_settings().thousands_separators
    header = [str(c) for c in rows.columns]
    body = [[_cell_text(v, separators, column=header[c]) for c, v in enumerate(row)] for _, row in rows.iterrows()]
    return header, body, [_numeric_column(list(rows[c])) for c in rows.columns]


def _table_layout(table, width: int) -> tuple[list[int], list[int]]:
    """Column widths (the first wider) and row heights (EMU) that hold every cell's wrapped lines: what is drawn
    stays inside the table as set."""
    from pptx.util import Cm, Pt

    header, body, _ = _table_cells(table)
    n = len(header)
    first = int(width * 0.3) if n > 2 else int(width / max(n, 1))
    rest = int((width - first) / max(n - 1, 1))
    widths = [first] + [rest] * (n - 1)
    heights = []
    for cells in [header, *body]:
        # a cell's own insets (0.1 inch each side) and some room: the viewer's digits run wider than the estimate
        lines = max(_slide_lines(text, SLIDE_TABLE_PT, (w / 12700 - 2 * 7.2) * 0.85) for text, w in zip(cells, widths))
        heights.append(int(Pt(SLIDE_TABLE_PT * SLIDE_LINE * lines)) + int(Cm(0.5)))
    return widths, heights


def _pptx_table(slide, table, left, top, width: int) -> None:
    """A section's table on its slide: header in 黑体, cells in the body font, numbers in the pack's one style, right-
    aligned; every row as tall as its wrapped lines."""
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

    header, body, numeric = _table_cells(table)
    widths, heights = _table_layout(table, width)
    shape = slide.shapes.add_table(len(body) + 1, len(header), left, top, width, sum(heights))
    t = shape.table
    for c, w in enumerate(widths):
        t.columns[c].width = w
    for r, h in enumerate(heights):
        t.rows[r].height = h
    for c, name in enumerate(header):
        _pptx_text(t.cell(0, c), [name], HEADING_FONT, SLIDE_TABLE_PT, bold=True, align=PP_ALIGN.CENTER,
                   anchor=MSO_ANCHOR.MIDDLE)
    for r, cells in enumerate(body, start=1):
        for c, text in enumerate(cells):
            _pptx_text(t.cell(r, c), [text], SLIDE_BODY_FONT, SLIDE_TABLE_PT,
                       align=PP_ALIGN.RIGHT if numeric[c] else PP_ALIGN.LEFT, anchor=MSO_ANCHOR.MIDDLE)


def key_sentences(s: Section, count: int = 3) -> list[str]:
    return s.sentences[:count]
