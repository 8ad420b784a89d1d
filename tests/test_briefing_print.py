"""The meeting pack as it prints: the Word briefing and the slides converted to PDF by LibreOffice, then
measured — each picture's drawn (visible) size against the size set in the file, the figures in the text,
the fonts each kind of text was set in, 图N/表N numbering, table header rows on every page, slide text
inside its boxes — and ``../shared/tools/docx_print_check.py`` run on the docx.

Fonts: the machine has only Noto Sans/Serif CJK; stock fontconfig sends every unknown Chinese font name
(仿宋, 黑体, 方正小标宋简体) to Noto Sans CJK SC, so the PDF alone could not tell a heading from body text. The
conversion therefore runs with a private fontconfig file that maps the names the way a Chinese Windows
machine classes them — 仿宋/宋体/小标宋 to the serif face, 黑体 to the sans face — and the test asserts the
headings come out sans, the body serif (a theme font or a missing East Asian font would not).

Page images of the last run are kept in ``test-output/briefing/`` (PNG, 60 dpi) for a person to look at.
"""
from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from lxml import etree
from pptx import Presentation

from rural import briefing
from rural.briefing import Section, build_pack, write_docx
from rural.indicators import Scope
from tests.conftest import ROOT

pytestmark = pytest.mark.timeout(600)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
MISSING = ([] if SOFFICE else ["soffice"]) + [t for t in ("pdftotext", "pdftohtml", "pdftoppm") if not shutil.which(t)]
needs_pdf = pytest.mark.skipif(
    bool(MISSING), reason=f"printing the pack needs LibreOffice and poppler-utils (missing: {', '.join(MISSING)}); "
                          "`make test` installs libreoffice-writer-nogui, libreoffice-impress-nogui and poppler-utils when run as root")
CHECK = ROOT.parent / "shared" / "tools" / "docx_print_check.py"
ARTIFACTS = ROOT / "test-output" / "briefing"
EMU_PER_PT = 12700
PUBLISHED_FIGURES = ["73.10%", "3244人", "16890.43元", "53.30%", "1759人", "82.00%", "71.27%", "93.44%"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  {matches}
</fontconfig>
"""
FONT_CLASSES = {"Noto Serif CJK SC": ("仿宋", "仿宋_GB2312", "FangSong", "宋体", "SimSun", "方正小标宋简体", "小标宋"),
                "Noto Sans CJK SC": ("黑体", "SimHei")}


# ------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def pack(sample_engine):
    return build_pack(sample_engine, Scope("2023-06"), "2023-02")


def _long_table_briefing(pack) -> briefing.Briefing:
    """A briefing whose only table runs over three pages, to see the header row repeated."""
    rows = pd.DataFrame({"测试指标": [f"长表第{i:02d}行" for i in range(1, 91)],
                         "数值（人）": [1000 + i for i in range(1, 91)], "比率（%）": [i / 3 for i in range(1, 91)]})
    sec = Section("t", "一、长表", ["这一节只有一张很长的表，用来检查表头在每一页重复。" * 12], [("长表测试", rows)], [])
    return dataclasses.replace(pack.briefing, sections=[sec])


@pytest.fixture(scope="module")
def printed(pack, tmp_path_factory):
    """briefing.docx, slides.pptx and long_table.docx written and converted to PDF in one LibreOffice run."""
    if MISSING:
        pytest.skip(f"missing: {', '.join(MISSING)}")
    out = tmp_path_factory.mktemp("printed")
    (out / "briefing.docx").write_bytes(pack.docx)
    (out / "slides.pptx").write_bytes(pack.pptx)
    write_docx(_long_table_briefing(pack), {}, out / "long_table.docx")
    conf = out / "fonts.conf"
    conf.write_text(FONTS_CONF.format(matches="\n  ".join(
        f'<match target="pattern"><test name="family"><string>{name}</string></test>'
        f'<edit name="family" mode="assign" binding="strong"><string>{face}</string></edit></match>'
        for face, names in FONT_CLASSES.items() for name in names)), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(out), "FONTCONFIG_FILE": str(conf), "LANG": "C.UTF-8"}
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation={(out / 'lo-profile').as_uri()}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(out / "pdf"),
                           str(out / "briefing.docx"), str(out / "slides.pptx"), str(out / "long_table.docx")],
                          capture_output=True, text=True, timeout=300, env=env)
    pdfs = {name: out / "pdf" / f"{name}.pdf" for name in ("briefing", "slides", "long_table")}
    missing = [n for n, p in pdfs.items() if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}:\n{proc.stdout}\n{proc.stderr}"
    # the page images of this run, for a person to look at
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    for name in ("briefing", "slides", "long_table"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdfs[name]), str(ARTIFACTS / name)], check=True, timeout=120)
    return {"dir": out, **pdfs}


# ------------------------------------------------------------------------------ a small PDF reader
class Name(str):
    pass


class Op(str):
    pass


@dataclasses.dataclass(frozen=True)
class Ref:
    num: int


_WS, _DELIM = b" \t\r\n\f\x00", b"()<>[]{}/%"


def _lex(data: bytes, i: int = 0):
    """PDF tokens with the position after each: numbers, names, strings, delimiters and operators."""
    n = len(data)
    while i < n:
        c = data[i]
        if c in _WS:
            i += 1
        elif c == 0x25:                                   # % comment
            while i < n and data[i] not in b"\r\n":
                i += 1
        elif c == 0x2F:                                   # /Name
            j = i + 1
            while j < n and data[j] not in _WS and data[j] not in _DELIM:
                j += 1
            yield Name(data[i + 1:j].decode("latin1")), j
            i = j
        elif c == 0x28:                                   # (literal string)
            depth, j = 1, i + 1
            while j < n and depth:
                if data[j] == 0x5C:
                    j += 2
                    continue
                depth += {0x28: 1, 0x29: -1}.get(data[j], 0)
                j += 1
            yield data[i + 1:j - 1], j
            i = j
        elif data.startswith(b"<<", i) or data.startswith(b">>", i):
            yield Op(data[i:i + 2].decode()), i + 2
            i += 2
        elif c == 0x3C:                                   # <hex string>
            j = data.index(b">", i)
            yield data[i + 1:j], j + 1
            i = j + 1
        elif c in b"[]{}":
            yield Op(chr(c)), i + 1
            i += 1
        else:
            j = i
            while j < n and data[j] not in _WS and data[j] not in _DELIM:
                j += 1
            j = max(j, i + 1)
            word = data[i:j].decode("latin1")
            i = j
            if word == "ID":                              # inline image data: skip to EI
                k = data.find(b"EI", i)
                i = n if k < 0 else k + 2
                continue
            try:
                yield (float(word) if "." in word else int(word)), i
            except ValueError:
                yield Op(word), i


def _parse(data: bytes, i: int = 0, stop: tuple[str, ...] = ()):
    """(operands, operator, position) triples: arrays, dictionaries and ``N G R`` references assembled."""
    stack: list[tuple[str, list]] = [("top", [])]
    for tok, pos in _lex(data, i):
        if isinstance(tok, Op) and tok in ("[", "<<"):
            stack.append((tok, []))
            continue
        if isinstance(tok, Op) and tok in ("]", ">>") and len(stack) > 1:
            kind, items = stack.pop()
            tok = items if kind == "[" else dict(zip(items[::2], items[1::2]))
        elif isinstance(tok, Op) and tok == "R":
            items = stack[-1][1]
            if len(items) >= 2 and all(isinstance(x, int) for x in items[-2:]):
                num = items[-2]
                del items[-2:]
                items.append(Ref(num))
                continue
        if len(stack) > 1 or not isinstance(tok, Op):
            stack[-1][1].append(tok)
            continue
        yield stack[0][1], str(tok), pos
        stack[0] = ("top", [])
        if tok in stop:
            return
    yield stack[0][1], None, len(data)


class Pdf:
    """Just enough of a PDF reader to follow pages, resources, content streams and image XObjects."""

    def __init__(self, path: Path):
        self.data = path.read_bytes()
        self.offsets = {int(m.group(1)): m.end() for m in re.finditer(rb"(?<![0-9])(\d+) 0 obj\b", self.data)}
        self._cache: dict[int, tuple[object, bytes | None]] = {}

    def obj(self, num: int) -> tuple[object, bytes | None]:
        if num not in self._cache:
            value, stream = None, None
            for operands, op, pos in _parse(self.data, self.offsets[num], stop=("stream", "endobj")):
                value = operands[0] if operands else None
                if op == "stream":
                    start = pos + (2 if self.data[pos:pos + 2] == b"\r\n" else 1)
                    raw = self.data[start:start + int(self.get(value["Length"]))]
                    filters = self.get(value.get("Filter"))
                    stream = zlib.decompress(raw) if filters in ("FlateDecode", ["FlateDecode"]) else raw
                break
            self._cache[num] = (value, stream)
        return self._cache[num]

    def get(self, v):
        return self.obj(v.num)[0] if isinstance(v, Ref) else v

    def pages(self) -> list[dict]:
        root = self.get(self._trailer()["Root"])
        out = []

        def walk(node):
            node = self.get(node)
            if node.get("Type") == "Pages":
                for kid in self.get(node["Kids"]):
                    walk(kid)
            else:
                out.append(node)
        walk(root["Pages"])
        return out

    def _trailer(self) -> dict:
        k = self.data.rfind(b"trailer")
        if k >= 0:
            return next(_parse(self.data, k + 7))[0][0]
        for num in self.offsets:                          # cross-reference stream: its dictionary is the trailer
            value = self.obj(num)[0]
            if isinstance(value, dict) and value.get("Type") == "XRef":
                return value
        raise AssertionError("no PDF trailer")

    def images(self, page: dict) -> list[dict]:
        """Every image drawn on the page: its full placement and the part left visible by the clip path
        (x0, y0, x1, y1 in points, origin bottom left)."""
        media = [float(x) for x in self.get(page["MediaBox"])]
        content = self.get(page["Contents"])
        refs = content if isinstance(content, list) else [page["Contents"]]
        data = b"\n".join(self.obj(r.num)[1] for r in refs)
        out: list[dict] = []
        self._run(data, self.get(page.get("Resources", {})), (1, 0, 0, 1, 0, 0), tuple(media), out)
        return out

    def _run(self, data: bytes, resources: dict, ctm, clip, out: list) -> None:
        stack, path, clipping = [], [], False
        for operands, op, _ in _parse(data):
            if op == "q":
                stack.append((ctm, clip))
            elif op == "Q" and stack:
                ctm, clip = stack.pop()
            elif op == "cm":
                ctm = _mul(tuple(float(x) for x in operands), ctm)
            elif op == "re":
                x, y, w, h = (float(v) for v in operands)
                path += [_apply(ctm, px, py) for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h))]
            elif op in ("m", "l", "c", "v", "y"):
                nums = [float(v) for v in operands]
                path += [_apply(ctm, nums[k], nums[k + 1]) for k in range(0, len(nums) - 1, 2)]
            elif op in ("W", "W*"):
                clipping = True
            elif op in ("n", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*"):
                if clipping and path:
                    clip = _intersect(clip, _bbox(path))
                path, clipping = [], False
            elif op == "Do":
                ref = self.get(resources.get("XObject", {})).get(operands[0])
                info, stream = self.obj(ref.num)
                if info.get("Subtype") == "Image":
                    full = _bbox([_apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))])
                    out.append({"name": operands[0], "full": full, "visible": _intersect(clip, full),
                                "pixels": (info["Width"], info["Height"])})
                elif info.get("Subtype") == "Form":
                    m = tuple(float(x) for x in info.get("Matrix", (1, 0, 0, 1, 0, 0)))
                    form_ctm = _mul(m, ctm)
                    x0, y0, x1, y1 = (float(v) for v in self.get(info["BBox"]))
                    box = _bbox([_apply(form_ctm, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))])
                    self._run(stream, self.get(info.get("Resources", resources)), form_ctm, _intersect(clip, box), out)


def _mul(m, n):
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m, x, y):
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _bbox(points):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _intersect(a, b):
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (x0, y0, max(x0, x1), max(y0, y1))


def _size(rect):
    return rect[2] - rect[0], rect[3] - rect[1]


# ------------------------------------------------------------------------------ PDF text
def pdf_lines(pdf: Path) -> list[dict]:
    """Text lines per page from ``pdftohtml -xml`` (points, origin top left), with the fonts used in each."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", "-zoom", "1", str(pdf)],
                         capture_output=True, check=True, timeout=120).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True, huge_tree=True))
    lines = []
    fonts = {spec.get("id"): (re.sub(r"^[A-Z]{6}\+", "", spec.get("family")), float(spec.get("size")))
             for spec in root.iter("fontspec")}             # declared once, on the first page that uses them
    for page in root.iter("page"):
        number, frags = int(page.get("number")), []
        for t in page.iter("text"):
            text = "".join(t.itertext())
            if text.strip():
                top, left, w, h = (float(t.get(k)) for k in ("top", "left", "width", "height"))
                frags.append({"top": top, "left": left, "right": left + w, "bottom": top + h, "text": text,
                              "font": fonts[t.get("font")][0], "size": fonts[t.get("font")][1]})
        frags.sort(key=lambda f: (f["top"] + f["bottom"]) / 2)
        for f in frags:                                   # fragments whose middles are within 4 pt: one line
            mid = (f["top"] + f["bottom"]) / 2
            line = next((ln for ln in reversed(lines) if ln["page"] == number and abs(ln["mid"] - mid) < 4), None)
            if line is None:
                line = {"page": number, "mid": mid, "frags": []}
                lines.append(line)
            line["frags"].append(f)
    for ln in lines:
        ln["frags"].sort(key=lambda f: f["left"])
        ln["text"] = re.sub(r"\s+", "", "".join(f["text"] for f in ln["frags"]))
        ln["top"], ln["bottom"] = min(f["top"] for f in ln["frags"]), max(f["bottom"] for f in ln["frags"])
        ln["left"], ln["right"] = min(f["left"] for f in ln["frags"]), max(f["right"] for f in ln["frags"])
    return lines


def slide_keys(b, pictures) -> list[tuple[int, str]]:
    """(slide number, figure key) of the slides with a picture: each section's first picture."""
    return [(n, k) for n, s in enumerate(b.sections, start=2) if (k := next((f for f in s.figures if f in pictures), None))]


def cjk_fonts(line: dict) -> set[str]:
    return {f["font"] for f in line["frags"] if re.search(r"[\u4e00-\u9fff]", f["text"])}


# ------------------------------------------------------------------------------ the Word briefing
def docx_pictures(data: bytes) -> list[dict]:
    """Each inline picture of the docx in document order: the size set (pt) and its image's pixels."""
    doc = Document(io.BytesIO(data))
    out = []
    for shape in doc.inline_shapes:
        blob = doc.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        out.append({"width": shape.width / EMU_PER_PT, "height": shape.height / EMU_PER_PT,
                    "pixels": briefing.png_size(blob)})
    return out


def test_docx_pictures_sized_whole_and_numbered(pack):
    """Without LibreOffice: picture paragraphs single-spaced, sizes from the aspect ratio, 图N/表N in order."""
    doc = Document(io.BytesIO(pack.docx))
    pics = docx_pictures(pack.docx)
    assert len(pics) == sum(len(s.figures) for s in pack.briefing.sections) >= 6
    for p in pics:
        w, h = p["pixels"]
        assert p["width"] == pytest.approx(15.5 / 2.54 * 72, rel=1e-3)
        assert p["height"] / p["width"] == pytest.approx(h / w, rel=2e-3)
    for p in doc.paragraphs:
        if p._p.xpath(".//w:drawing"):
            assert p.style.name == "Picture"
            pf = p.style.paragraph_format
            assert pf.line_spacing == 1.0 and pf.first_line_indent == 0 and pf.keep_with_next
    texts = [p.text for p in doc.paragraphs]
    figs = [int(m.group(1)) for t in texts if (m := re.match(r"图(\d+) ", t))]
    tabs = [int(m.group(1)) for t in texts if (m := re.match(r"表(\d+) ", t))]
    assert figs == list(range(1, len(pics) + 1))
    assert tabs == list(range(1, len(doc.tables) + 1)) and len(tabs) >= 2
    assert "图1 各乡镇风险消除率" in texts
    assert any(re.fullmatch(r"表\d+ 就业目标任务完成情况", t) for t in texts)
    # each picture is followed by its caption; each table is preceded by its caption, kept with it
    body = doc.element.body
    for tbl in body.iter(f"{W}tbl"):
        cap = tbl.getprevious()
        assert cap.tag == f"{W}p" and re.match(r"表\d+ ", "".join(cap.itertext()))
        assert cap.find(f"{W}pPr/{W}keepNext") is not None


def test_docx_styles_explicit_fonts_no_theme_no_colour_no_rule(pack):
    doc = Document(io.BytesIO(pack.docx))
    styles = doc.styles.element
    used = {"Normal", "Title", "Heading1", "Heading2", "Heading3", "Caption", "Picture", "TableText", "TableHeading"}
    east = {}
    for st in styles.iter(f"{W}style"):
        sid = st.get(f"{W}styleId")
        if sid not in used:
            continue
        fonts = st.find(f"{W}rPr/{W}rFonts")
        if sid != "Picture":
            assert fonts is not None, sid
            assert not [a for a in fonts.attrib if a.endswith("Theme") or a.endswith("theme")], (sid, fonts.attrib)
            assert fonts.get(f"{W}ascii") == fonts.get(f"{W}hAnsi") == "Times New Roman", sid
            east[sid] = fonts.get(f"{W}eastAsia")
        color = st.find(f"{W}rPr/{W}color")
        assert color is None or (color.get(f"{W}val") in ("000000", "auto") and len(color.attrib) == 1), sid
    assert east["Heading1"] == east["Caption"] == east["TableHeading"] == "黑体"
    assert east["Normal"] == east["TableText"] == "仿宋"
    assert re.search("小标宋|黑体", east["Title"])
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert not [a for a in defaults.attrib if "heme" in a]
    assert styles.find(f".//{W}style[@{W}styleId='Title']/{W}pPr/{W}pBdr") is None
    # no colour in any run either
    assert all(c.get(f"{W}val") in ("000000", "auto") for c in doc.element.body.iter(f"{W}color"))
    normal = doc.styles["Normal"].paragraph_format
    assert normal.line_spacing.pt == 28 and doc.styles["Normal"].font.size.pt == 16
    assert doc.styles["Heading 1"].font.size.pt == 16


def test_docx_tables_repeat_header_and_align_numbers(pack):
    doc = Document(io.BytesIO(pack.docx))
    assert doc.tables
    for t in doc.tables:
        rows = t._tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        assert all(p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next
                   for c in t.rows[0].cells for p in c.paragraphs)
    asst = next(t for t in doc.tables if t.rows[0].cells[0].text == "救助类别")
    row = next(r for r in asst.rows if r.cells[0].text == "农村低保")
    assert row.cells[1].text == "34575" and row.cells[2].text == "946.14"      # the default: no separators
    assert row.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert row.cells[0].paragraphs[0].alignment in (None, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER)


def test_table_numbers_follow_the_separator_setting(pack, monkeypatch):
    from rural.briefing import docx as docx_writer
    from rural.settings import get_settings

    settings = get_settings()
    assert settings.thousands_separators is False
    monkeypatch.setattr(docx_writer, "get_settings", lambda: dataclasses.replace(settings, thousands_separators=True))
    buf = io.BytesIO()
    write_docx(pack.briefing, pack.pictures, buf)
    doc = Document(io.BytesIO(buf.getvalue()))
    asst = next(t for t in doc.tables if t.rows[0].cells[0].text == "救助类别")
    row = next(r for r in asst.rows if r.cells[0].text == "农村低保")
    assert row.cells[1].text == "34,575" and row.cells[2].text == "946.14"
    assert briefing._cell_text("4438人", True) == "4,438人" and briefing._cell_text("+1416.02元", True) == "+1,416.02元"
    assert briefing._cell_text("4,438人", False) == "4438人" and briefing._cell_text(16890.43, False) == "16890.43"
    assert briefing._cell_text(2023, True, column="年度") == "2023" and briefing._cell_text(34575, True) == "34,575"
    assert briefing._cell_text("2023年2月", True) == "2023年2月"


def test_slide_xml_fonts_and_picture_sizes(pack):
    prs = Presentation(io.BytesIO(pack.pptx))
    sw, sh = prs.slide_width, prs.slide_height
    for slide in prs.slides:
        ea = slide.shapes.title._element.findall(".//{http://schemas.openxmlformats.org/drawingml/2006/main}ea")
        assert ea and all(e.get("typeface") == "黑体" for e in ea)
        for shape in slide.shapes:
            assert 0 <= shape.left and shape.left + shape.width <= sw and 0 <= shape.top and shape.top + shape.height <= sh
            if shape.shape_type == 13:
                w, h = briefing.png_size(shape.image.blob)
                assert shape.height / shape.width == pytest.approx(h / w, rel=2e-3)


# ------------------------------------------------------------------------------ printed (LibreOffice)
@needs_pdf
def test_printed_briefing_pictures_drawn_whole_at_their_size(pack, printed):
    pdf = Pdf(printed["briefing"])
    drawn = [img for page in pdf.pages() for img in pdf.images(page)]
    intended = docx_pictures(pack.docx)
    assert len(drawn) == len(intended)
    for k, (img, want) in enumerate(zip(drawn, intended), start=1):
        vw, vh = _size(img["visible"])
        fw, fh = _size(img["full"])
        assert vw == pytest.approx(want["width"], rel=0.02), f"图{k}: drawn {vw:.1f} pt wide, set {want['width']:.1f}"
        assert vh == pytest.approx(want["height"], rel=0.02), f"图{k}: {vh:.1f} pt of {want['height']:.1f} pt visible (clipped?)"
        assert (vw, vh) == pytest.approx((fw, fh), rel=0.005), f"图{k} is clipped"
        px_w, px_h = want["pixels"]
        assert vh / vw == pytest.approx(px_h / px_w, rel=0.02)


@needs_pdf
def test_printed_briefing_text_fonts_and_numbering(pack, printed):
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(printed["briefing"]), "-"],
                                             capture_output=True, text=True, check=True).stdout)
    for figure in PUBLISHED_FIGURES:
        assert figure in text, figure
    lines = pdf_lines(printed["briefing"])
    headings = [s.heading for s in pack.briefing.sections]
    found = [ln for ln in lines if ln["text"] in headings]
    assert [ln["text"] for ln in found] == headings
    for ln in found:                                      # 黑体 → the sans CJK face
        assert all("Sans" in f and "CJK" in f for f in cjk_fonts(ln)), (ln["text"], cjk_fonts(ln))
    body = next(ln for ln in lines if "选派" in ln["text"])
    assert all("Serif" in f and "CJK" in f for f in cjk_fonts(body)), cjk_fonts(body)    # 仿宋 → serif
    title = next(ln for ln in lines if ln["text"].startswith(pack.briefing.title[:6]))
    assert all("Serif" in f for f in cjk_fonts(title)) and title["frags"][0]["size"] >= 21   # 小标宋 二号
    # 图N under each picture, in order; 表N in order
    pdf = Pdf(printed["briefing"])
    captions = [ln for ln in lines if re.match(r"图\d+", ln["text"])]
    assert [int(re.match(r"图(\d+)", c["text"]).group(1)) for c in captions] == list(range(1, len(captions) + 1))
    tables = [int(m.group(1)) for ln in lines if (m := re.match(r"表(\d+)", ln["text"]))]
    assert tables == list(range(1, len(Document(io.BytesIO(pack.docx)).tables) + 1))
    pages = pdf.pages()
    k = 0
    for number, page in enumerate(pages, start=1):
        height = float(pdf.get(page["MediaBox"])[3])
        for img in pdf.images(page):
            cap = captions[k]
            k += 1
            bottom = height - img["visible"][1]           # the picture's foot, from the top of the page
            assert cap["page"] == number and 0 <= cap["top"] - bottom < 24, f"图{k} caption not under its picture"
            assert all("Sans" in f for f in cjk_fonts(cap))
    assert k == len(captions)


@needs_pdf
def test_printed_table_headers_on_every_page(printed):
    lines = pdf_lines(printed["long_table"])
    rows = [ln for ln in lines if re.match(r"长表第\d+行", ln["text"])]
    pages = sorted({ln["page"] for ln in rows})
    assert len(pages) >= 2 and len(rows) == 90
    for page in pages:
        first = min(ln["top"] for ln in rows if ln["page"] == page)
        head = [ln for ln in lines if ln["page"] == page and "测试指标" in ln["text"]]
        assert head and head[0]["bottom"] <= first + 1, f"page {page}: no header row above the rows"
        assert all("Sans" in f for f in cjk_fonts(head[0]))
    cap = next(ln for ln in lines if ln["text"].startswith("表1长表测试"))
    assert cap["page"] == pages[0]


@needs_pdf
def test_printed_slides_pictures_whole_and_text_inside_boxes(pack, printed):
    prs = Presentation(io.BytesIO(pack.pptx))
    pdf = Pdf(printed["slides"])
    pages = pdf.pages()
    assert len(pages) == len(prs.slides)
    lines = pdf_lines(printed["slides"])
    numbers = briefing.figure_numbers(pack.briefing, pack.pictures)
    for number, (slide, page) in enumerate(zip(prs.slides, pages), start=1):
        media = [float(x) for x in pdf.get(page["MediaBox"])]
        assert media[2] == pytest.approx(prs.slide_width / EMU_PER_PT, abs=1)
        pics = [s for s in slide.shapes if s.shape_type == 13]
        drawn = pdf.images(page)
        assert len(drawn) == len(pics)
        for shape, img in zip(pics, drawn):
            vw, vh = _size(img["visible"])
            assert vw == pytest.approx(shape.width / EMU_PER_PT, rel=0.02)
            assert vh == pytest.approx(shape.height / EMU_PER_PT, rel=0.02)
            assert media[3] - img["visible"][3] == pytest.approx(shape.top / EMU_PER_PT, abs=2)
        boxes = [(s.left / EMU_PER_PT, s.top / EMU_PER_PT, (s.left + s.width) / EMU_PER_PT, (s.top + s.height) / EMU_PER_PT)
                 for s in slide.shapes if s.has_text_frame and s.text_frame.text.strip()]
        for t in (s for s in slide.shapes if s.has_table):      # a table's text stays inside the table as set
            bottom = t.top + sum(row.height for row in t.table.rows)    # (rows that grew would push text below it)
            boxes.append((t.left / EMU_PER_PT, t.top / EMU_PER_PT, (t.left + t.width) / EMU_PER_PT, bottom / EMU_PER_PT))
        for ln in (x for x in lines if x["page"] == number):
            for f in ln["frags"]:
                tol = 0.3 * f["size"]                     # a CJK face's line box reaches a little past its glyphs
                # a full stop or comma may hang past the line end (hanging punctuation, PowerPoint's too)
                hang = f["size"] if re.search(r"[。，、；：！？）”]$", f["text"].strip()) else 0
                inside = [b for b in boxes if b[0] - tol <= f["left"] and f["right"] <= b[2] + tol + hang
                          and b[1] - tol <= f["top"] and f["bottom"] <= b[3] + tol]
                assert inside, f"slide {number}: {f['text']!r} outside its text box"
        slide_lines = [x for x in lines if x["page"] == number]
        title = slide.shapes.title.text_frame.text
        title_lines = [x for x in slide_lines if x["text"] and x["text"] in re.sub(r"\s+", "", title)]
        assert title_lines and all("Sans" in f for x in title_lines for f in cjk_fonts(x)), number
        if pics:                                          # 图N under the picture: the number the Word briefing gives it
            foot = media[3] - drawn[0]["visible"][1]
            under = [f for x in slide_lines for f in x["frags"]
                     if f["right"] <= drawn[0]["visible"][2] + 2 and 0 <= f["top"] - foot < 20]
            label = re.sub(r"\s+", "", "".join(f["text"] for f in sorted(under, key=lambda f: f["left"])))
            key = next(k for k in slide_keys(pack.briefing, pack.pictures) if k[0] == number)[1]
            assert label == f"图{numbers[key]}{briefing.FIGURE_NAMES[key]}", (number, label)


@pytest.mark.skipif(not CHECK.exists(), reason=f"{CHECK} not present")
def test_docx_print_check_passes(pack, tmp_path):
    path = tmp_path / "briefing.docx"
    path.write_bytes(pack.docx)
    proc = subprocess.run([sys.executable, str(CHECK), str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ", 0 problems" in proc.stdout
