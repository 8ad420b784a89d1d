"""The pack's chart pictures: PNG (300 dpi) and SVG through one browser session, and their zip."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path



from rural.briefing.content import Briefing, FIGURE_NAMES, Progress


# ------------------------------------------------------------------------------ writers
def render_pictures(b: Briefing, progress: Progress | None = None) -> dict[str, tuple[bytes, bytes]]:
    """PNG (300 dpi) and SVG of every chart, through one browser session."""
    from rural.render import png, svg

    out = {}
    total = len(b.figures)
    for k, (key, fig) in enumerate(b.figures.items()):
        out[key] = (png(fig), svg(fig))
        if progress:
            progress(f"正在生成图片：{FIGURE_NAMES.get(key, key)}", (k + 1) / max(total, 1))
    return out


def png_size(data: bytes) -> tuple[int, int]:
    """Pixel width and height from a PNG's IHDR."""
    import struct

    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("不是 PNG 图片")
    return struct.unpack(">II", data[16:24])


def fit_picture(data: bytes, max_width: int, max_height: int) -> tuple[int, int]:
    """The picture's size (same units as the limits) at ``max_width``, smaller if that is taller than
    ``max_height``: the aspect ratio always kept, so the picture is placed whole."""
    w, h = png_size(data)
    width, height = max_width, round(max_width * h / w)
    if height > max_height:
        width, height = round(max_height * w / h), max_height
    return width, height


def write_pictures_zip(pictures: dict[str, tuple[bytes, bytes]], path: Path | io.BytesIO) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for k, (key, (png_bytes, svg_bytes)) in enumerate(pictures.items(), start=1):
            name = f"{k:02d}_{FIGURE_NAMES.get(key, key)}"
            z.writestr(f"{name}.png", png_bytes)
            z.writestr(f"{name}.svg", svg_bytes)
