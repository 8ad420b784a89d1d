"""The slide deck: a title slide, then a slide per section with its key sentences and first picture."""
from __future__ import annotations

import io
from pathlib import Path



from rural.briefing.content import Briefing, FIGURE_NAMES, Section
from rural.briefing.pictures import fit_picture
from rural.briefing.docx import BODY_FONT, HEADING_FONT, LATIN_FONT, captions, figure_numbers


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
        box = slide.shapes.add_textbox(left, top, sw - left - margin, sh - top - Cm(0.8))
        sentences = ["■ " + x for x in key_sentences(s)]
        size = _fit_size(sentences, *inner(box), sizes=(28, 24, 22, 20, 18, 16, 14, 12, 11, 10))
        _pptx_text(box, sentences, SLIDE_BODY_FONT, size, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP)
    prs.core_properties.title = b.title
    prs.save(path)


def key_sentences(s: Section, count: int = 3) -> list[str]:
    return s.sentences[:count]
