"""Small, valid files for the demo library, made in code: PDFs with real text, PNG charts and
MP4 headers.

The upload checks judge a file by its bytes, so each file here is what it claims to be: a PDF
that a viewer opens (objects, cross-reference table and trailer with exact byte offsets), a PNG
that decodes (its chunks carry their CRCs), an MP4 that starts with its ``ftyp`` box. No
imaging library is needed, and the same inputs always give the same bytes (and checksum).
"""

from __future__ import annotations

import struct
import textwrap
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

Colour = tuple[int, int, int]

WHITE: Colour = (255, 255, 255)
GREY: Colour = (176, 184, 192)
INK: Colour = (52, 58, 64)
# The demo's colour for each therapeutic area, on PDF headers and charts.
AREA_COLOURS: dict[str, Colour] = {
    "ONC": (31, 95, 139),
    "CARD": (176, 46, 60),
    "IMM": (46, 125, 91),
}
# Characters of the library's texts that Helvetica's WinAnsi encoding lacks.
PDF_SUBSTITUTES = str.maketrans({"≥": ">=", "≤": "<=", "\u2212": "-", "→": "->", "≈": "~"})


@dataclass(frozen=True)
class Page:
    heading: str
    paragraphs: Sequence[str] = ()
    footer: str = ""


def pdf(pages: Sequence[Page], *, colour: Colour, landscape: bool) -> bytes:
    """A PDF with one page per ``Page``: a coloured band with the heading, the paragraphs
    wrapped in Helvetica, and a small footer."""
    width, height = (792, 612) if landscape else (612, 792)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages' numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for page in pages:
        stream = _page_stream(page, colour, width, height)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        contents = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>"
            % (width, height, contents)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_text(text: str) -> bytes:
    encoded = text.translate(PDF_SUBSTITUTES).encode("cp1252", "replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _rgb(colour: Colour) -> bytes:
    return b"%.3f %.3f %.3f" % tuple(c / 255 for c in colour)


def _page_stream(page: Page, colour: Colour, width: int, height: int) -> bytes:
    band = 72
    columns = 95 if width > height else 80
    parts = [
        b"%s rg 0 %d %d %d re f" % (_rgb(colour), height - band, width, band),
        b"BT /F2 18 Tf 1 1 1 rg 22 TL 40 %d Td" % (height - 34),
    ]
    for i, line in enumerate(textwrap.wrap(page.heading, 64)[:2]):
        parts.append(b"%s(%s) Tj" % (b"T* " if i else b"", _pdf_text(line)))
    parts.append(b"ET")
    parts.append(b"BT /F1 12 Tf %s rg 16 TL 40 %d Td" % (_rgb(INK), height - band - 40))
    first = True
    for paragraph in page.paragraphs:
        for line in [*textwrap.wrap(paragraph, columns), ""]:
            parts.append(b"%s(%s) Tj" % (b"" if first else b"T* ", _pdf_text(line)))
            first = False
    parts.append(b"ET")
    if page.footer:
        parts.append(
            b"BT /F1 8 Tf %s rg 40 24 Td (%s) Tj ET" % (_rgb(GREY), _pdf_text(page.footer))
        )
    return b"\n".join(parts)


def png(
    bars: Sequence[int],
    *,
    colour: Colour,
    width: int = 640,
    height: int = 360,
    tiles: int = 0,
) -> bytes:
    """A bar chart under a coloured band: bars (per cent of the plot's height) alternate the
    area's colour and grey; ``tiles`` tinted panels above the chart make it an infographic."""
    band = height // 10
    tile_rows = height // 4 if tiles else 0
    plot_top, plot_bottom = band + tile_rows + 24, height - 32
    slot = (width - 80) // max(1, len(bars))
    bar_width = max(4, slot * 3 // 5)
    tint = tuple(c + (255 - c) * 4 // 5 for c in colour)
    rows: dict[tuple[object, ...], bytes] = {}
    raw = bytearray()
    for y in range(height):
        if y < band:
            key: tuple[object, ...] = ("band",)
        elif band + 12 <= y < band + tile_rows - 4:
            key = ("tiles",)
        elif plot_top <= y < plot_bottom:
            key = tuple(
                y >= plot_bottom - (plot_bottom - plot_top) * min(value, 100) // 100
                for value in bars
            )
        elif y == plot_bottom:
            key = ("axis",)
        else:
            key = ("blank",)
        row = rows.get(key)
        if row is None:
            row = rows[key] = _png_row(key, width, colour, tint, bars, slot, bar_width, tiles)
        raw += b"\x00" + row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + _png_chunk(b"IEND", b"")
    )


def _png_row(
    key: tuple[object, ...],
    width: int,
    colour: Colour,
    tint: tuple[int, ...],
    bars: Sequence[int],
    slot: int,
    bar_width: int,
    tiles: int,
) -> bytes:
    pixel = {name: bytes(c) for name, c in (("colour", colour), ("white", WHITE))}
    grey, ink, tinted = bytes(GREY), bytes(INK), bytes(tint)
    if key == ("band",):
        return pixel["colour"] * width
    if key == ("tiles",):
        gap = 16
        tile = (width - gap * (tiles + 1)) // tiles
        row = pixel["white"] * gap
        for _ in range(tiles):
            row += tinted * tile + pixel["white"] * gap
        return row + pixel["white"] * (width - len(row) // 3)
    if key == ("axis",):
        return pixel["white"] * 40 + ink * (width - 80) + pixel["white"] * 40
    if key == ("blank",):
        return pixel["white"] * width
    row = pixel["white"] * 40
    for i, filled in enumerate(key):
        margin = (slot - bar_width) // 2
        fill = (pixel["colour"] if i % 2 == 0 else grey) if filled else pixel["white"]
        after = slot - margin - bar_width
        row += pixel["white"] * margin + fill * bar_width + pixel["white"] * after
    return row + pixel["white"] * (width - len(row) // 3)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def mp4(label: str) -> bytes:
    """The start of an MP4 file: its ``ftyp`` box, a ``free`` box naming the video (so each
    video has its own checksum) and an empty ``mdat``."""
    ftyp = b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41"
    return _box(b"ftyp", ftyp) + _box(b"free", label.encode()) + _box(b"mdat", b"")


def _box(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", 8 + len(data)) + kind + data
