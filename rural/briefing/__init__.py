"""The meeting pack: a Word briefing, an Excel pack, chart pictures and a slide deck.

Every number comes from ``rural.indicators``; :mod:`.content` says what the pack says (from the templates in
``data/reference/briefing.toml`` and the indicator catalogue); the writers :mod:`.docx`, :mod:`.xlsx`,
:mod:`.pptx` and :mod:`.pictures` only lay it out."""
from __future__ import annotations

import io
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from rural import access
from rural.access import Principal
from rural.indicators import Scope

from rural.briefing.content import (  # noqa: F401
    Progress, number, n, pct, yuan, wan, mu, templates, Section, Briefing, gather, compose, _HEADING_NUMBER, chinese_numeral, indicator_sentence, area_sections, employment_sentence, matters, figures, FIGURE_NAMES, excel_tables,
)
from rural.briefing.pictures import (  # noqa: F401
    render_pictures, png_size, fit_picture, write_pictures_zip,
)
from rural.briefing.docx import (  # noqa: F401
    BODY_FONT, HEADING_FONT, TITLE_FONT, LATIN_FONT, BODY_PT, TITLE_PT, CAPTION_PT, TABLE_PT, FOOTER_PT, LINE_PT, TITLE_LINE_PT, PAGE_CM, MARGINS_CM, PICTURE_MAX_CM, CAPTIONS, _THEME_ATTRS, captions, figure_numbers, _rfonts, _east_asian_hint, _style_fonts, _paragraph_format, _paragraph_style, _setup_styles, _add_text, write_docx, _text_width, _column_widths, _docx_table, _UNITS, _NUMBER_TEXT, _is_missing, _is_number, _numeric_column, _cell_text,
)
from rural.briefing.xlsx import (  # noqa: F401
    write_xlsx,
)
from rural.briefing.pptx import (  # noqa: F401
    SLIDE_CM, SLIDE_MARGIN_CM, SLIDE_TOP_CM, SLIDE_PICTURE_CM, SLIDE_BODY_FONT, SLIDE_LINE, _slide_lines, _fit_size, _pptx_run_font, _pptx_text, write_pptx, key_sentences,
)


@dataclass
class Pack:
    briefing: Briefing
    docx: bytes
    xlsx: bytes
    pptx: bytes
    pictures_zip: bytes
    pictures: dict[str, tuple[bytes, bytes]]


def build_pack(engine: Engine, scope: Scope, compare: str | None = "auto", progress: Progress | None = None, *,
               principal: Principal | None = None) -> Pack:
    """The whole meeting pack in memory: docx, xlsx, pptx and a zip of PNG + SVG pictures, of what ``principal``
    may see (None: the command line). Whoever writes or serves the files records the export (audit log)."""
    access.require(principal or access.COMMAND_LINE, "export")
    step = progress or (lambda *_: None)
    step("正在汇总指标", 0.02)
    b = compose(gather(engine, scope, compare, principal=principal))
    pictures = render_pictures(b, lambda text, frac: step(text, 0.05 + 0.75 * frac))
    out = {}
    for name, writer, frac in (("docx", lambda f: write_docx(b, pictures, f), 0.88), ("xlsx", lambda f: write_xlsx(b, f), 0.92),
                               ("pptx", lambda f: write_pptx(b, pictures, f), 0.97),
                               ("zip", lambda f: write_pictures_zip(pictures, f), 1.0)):
        buf = io.BytesIO()
        writer(buf)
        out[name] = buf.getvalue()
        step(f"已生成{ {'docx': 'Word 汇报材料', 'xlsx': 'Excel 数据表', 'pptx': '幻灯片', 'zip': '图片'}[name] }", frac)
    return Pack(b, out["docx"], out["xlsx"], out["pptx"], out["zip"], pictures)
