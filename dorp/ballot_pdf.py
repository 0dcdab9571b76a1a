"""Ballot cards as a PDF: one card per single-use code, each with a QR code (segno) that opens
the ballot page with the code filled in, and the short address to type it by hand.
Eight cards per A4 page, with cutting lines. Fonts: the Vera TTFs shipped in dorp/fonts/ (as
dorp/report.py)."""

from __future__ import annotations

import io

from dorp import ballot, config, i18n

COLS, ROWS = 2, 4
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 8.0


def card_url(base: str, code: str) -> str:
    return f"{base}/stem?code={code}"


def short_address(base: str) -> str:
    """What a resident types: the public address without its scheme, plus /stem."""
    return base.split("://", 1)[-1] + "/stem"


def _qr_png(url: str) -> io.BytesIO:
    import segno
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=8, border=2)
    buf.seek(0)
    return buf


def cards(title: str, codes: list[str], lang: str = i18n.DEFAULT_LANG,
          base_url: str | None = None) -> bytes:
    from fpdf import FPDF

    from dorp.report import font_paths

    base = (base_url or config.public_url()).rstrip("/")
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    regular, bold = font_paths()
    pdf.add_font("Vera", "", str(regular))
    pdf.add_font("Vera", "B", str(bold))
    pdf.set_title(t("round.cards_title"))
    cw = (PAGE_W - 2 * MARGIN) / COLS
    ch = (PAGE_H - 2 * MARGIN) / ROWS
    per_page = COLS * ROWS
    for i, code in enumerate(codes):
        if i % per_page == 0:
            pdf.add_page()
            pdf.set_draw_color(170, 170, 170)
            pdf.set_dash_pattern(dash=2, gap=2)
            for c in range(1, COLS):
                pdf.line(MARGIN + c * cw, MARGIN, MARGIN + c * cw, PAGE_H - MARGIN)
            for r in range(1, ROWS):
                pdf.line(MARGIN, MARGIN + r * ch, PAGE_W - MARGIN, MARGIN + r * ch)
            pdf.set_dash_pattern()
        k = i % per_page
        x = MARGIN + (k % COLS) * cw + 4
        y = MARGIN + (k // COLS) * ch + 4
        w = cw - 8
        pdf.set_xy(x, y)
        pdf.set_font("Vera", "B", 10)
        pdf.multi_cell(w, 4.6, title, new_x="LMARGIN", new_y="NEXT", max_line_height=4.6)
        qr = 34.0
        pdf.image(_qr_png(card_url(base, code)), x=x, y=y + 11, w=qr, h=qr)
        tx = x + qr + 3
        tw = w - qr - 3
        pdf.set_xy(tx, y + 12)
        pdf.set_font("Vera", "", 8.5)
        pdf.multi_cell(tw, 4, t("round.card_scan"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(tx)
        pdf.multi_cell(tw, 4, t("round.card_or", address=short_address(base)),
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(tx)
        pdf.set_font("Vera", "B", 15)
        pdf.cell(tw, 9, ballot.display(code), new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(x, y + 11 + qr + 2)
        pdf.set_font("Vera", "", 8)
        pdf.multi_cell(w, 3.8, t("round.card_once"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
