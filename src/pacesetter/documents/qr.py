"""QR codes (segno) for notice boards, posters and ballot slips."""

import io

import segno


def qr_png(url: str, *, scale: int = 8, border: int = 2) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def qr_svg(url: str, *, scale: int = 4) -> str:
    """Inline SVG markup (no XML declaration) for a page."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, nl=False)
    return buffer.getvalue().decode()
