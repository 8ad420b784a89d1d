"""Chart pictures: PNG at print resolution (300 dpi) and SVG, rendered by kaleido in Chromium.

One browser session serves every picture of a process (``kaleido.start_sync_server`` once), with
MathJax off so nothing is fetched from the internet.
"""
from __future__ import annotations

import struct
import threading
import warnings
import zlib

import plotly.graph_objects as go

warnings.filterwarnings("ignore", message="The kopts argument is ignored")
DPI = 300
SCALE = 2            # 1000×560 layout → 2000×1120 px ≈ 16.9 cm × 9.5 cm at 300 dpi
_lock = threading.Lock()
_started = False


def _server() -> None:
    global _started
    with _lock:
        if not _started:
            import kaleido

            kaleido.start_sync_server(n=1, mathjax=False, silence_warnings=True)
            _started = True


def with_dpi(png: bytes, dpi: int = DPI) -> bytes:
    """Insert a pHYs chunk so word processors place the picture at its print size."""
    ppm = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    end_ihdr = 8 + 8 + 13 + 4
    return png[:end_ihdr] + chunk + png[end_ihdr:]


def png(fig: go.Figure, scale: int = SCALE) -> bytes:
    import plotly.io as pio

    _server()
    w, h = fig.layout.width or 1000, fig.layout.height or 560
    return with_dpi(pio.to_image(fig, format="png", width=w, height=h, scale=scale))


def svg(fig: go.Figure) -> bytes:
    import plotly.io as pio

    _server()
    return pio.to_image(fig, format="svg", width=fig.layout.width or 1000, height=fig.layout.height or 560)


def pngs(figs: list[go.Figure], scale: int = SCALE) -> list[bytes]:
    """Many pictures through the one browser session."""
    return [png(f, scale) for f in figs]
