"""The funder's progress report: a Dutch PDF (fpdf2) and an Excel summary (openpyxl).

Both are built from one `dorp.repo.funder.view(...)`, the same aggregates the funder page
shows, so page, PDF and workbook always agree. The charts are the page's Altair charts,
rendered to PNG offline with vl-convert.

fpdf2's built-in fonts lack the euro sign (STACK-NOTES.md "Reports"), so the report embeds
the Bitstream Vera TrueType fonts that the reportlab package ships (free licence, in the
wheel: no system font, no download).
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd

from dorp import i18n
from dorp.charts import funder as funder_charts
from dorp.method import LINES, SCORES
from dorp.repo.funder import FunderView, period_label, stage_label

PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def font_paths() -> tuple[Path, Path]:
    """(regular, bold) Bitstream Vera TTFs shipped inside the reportlab wheel."""
    import reportlab
    folder = Path(reportlab.__file__).parent / "fonts"
    return folder / "Vera.ttf", folder / "VeraBd.ttf"


def chart_png(chart, scale: float = 2.0) -> bytes:
    """An Altair chart as PNG bytes (offline, vl-convert)."""
    import vl_convert as vlc
    chart = chart.configure_axis(labelFontSize=12, titleFontSize=12).configure_legend(
        labelFontSize=12, titleFontSize=12)
    return vlc.vegalite_to_png(chart.to_dict(), scale=scale)


def chart_pngs(view: FunderView, lang: str = i18n.DEFAULT_LANG) -> list[tuple[str, bytes]]:
    """(title, PNG) of each chart of the view, as on the funder page."""
    t = lambda k, **kw: i18n.t(f"funder.{k}", lang, **kw)  # noqa: E731
    W = funder_charts.WIDTH
    return [
        (t("stages_now"), chart_png(funder_charts.stages_now(view.stages_now, lang, W))),
        (t("stages_over_time"), chart_png(funder_charts.stages_over_time(view.stages_over_time, lang, W))),
        (t("lines"), chart_png(funder_charts.lines(view.line_stats, lang, W))),
        (t("budget"), chart_png(funder_charts.budget(view.budget_by_source, lang, W))),
    ]


def file_stem(view: FunderView) -> str:
    """A file name for downloads: voortgangsrapportage-<village-or-programme>-<cutoff>."""
    what = (view.village or "programma").lower().replace(" ", "-").replace("(", "").replace(")", "")
    return f"voortgangsrapportage-{what}-{view.cutoff.isoformat()}"


# --- tables shared by the PDF and the workbook ------------------------------------------------

def tables(view: FunderView, lang: str = i18n.DEFAULT_LANG) -> dict[str, pd.DataFrame]:
    """The summary tables, with translated headers and display values (suppressed counts
    of people as "<5"). Keys are the catalog keys of the sheet names."""
    t = lambda k: i18n.t(f"funder.{k}", lang)  # noqa: E731
    src_label = lambda s: t(f"source_{s}")  # noqa: E731
    summary = pd.DataFrame(view.summary_rows(lang), columns=[t("col_figure"), t("col_value")])
    stages = pd.DataFrame({t("col_stage"): view.stages_now["stage"].map(lambda s: stage_label(s, lang)),
                           t("col_pilots"): view.stages_now["n"].astype(int)})
    over = view.stages_over_time.pivot(index="day", columns="stage", values="n").reset_index()
    over.columns = [t("col_date") if c == "day" else stage_label(c, lang) for c in over.columns]
    lines = view.line_table(lang).rename(columns={"line": t("col_line"), "mean": t("col_mean")})
    bs = view.budget_by_source
    by_source = pd.DataFrame({
        t("col_source"): bs["source"].map(src_label),
        t("col_budgeted_period"): bs["budgeted_period"].round(2),
        t("col_spent_period"): bs["spent_period"].round(2),
        t("col_budgeted"): bs["budgeted"].round(2),
        t("col_spent"): bs["spent"].round(2),
        t("col_spent_share"): bs["spent_share"].map(lambda x: i18n.fmt_percent(x, lang)),
        t("col_budget_share"): bs["budget_share"].map(lambda x: i18n.fmt_percent(x, lang)),
    })
    bc = view.budget_by_category
    by_cat = pd.DataFrame({
        t("col_level"): bc["level"].map(lambda s: t(f"level_{s}")),
        t("col_category"): bc["category"],
        t("col_source"): bc["source"].map(src_label),
        t("col_budgeted_period"): bc["budgeted_period"].astype(float).round(2),
        t("col_spent_period"): bc["spent_period"].astype(float).round(2),
        t("col_budgeted"): bc["budgeted"].astype(float).round(2),
        t("col_spent"): bc["spent"].astype(float).round(2),
    })
    bp = view.budget_by_pilot
    by_pilot = pd.DataFrame({t("col_village"): bp["village"],
                             t("col_budgeted_period"): bp["budgeted_period"].astype(float).round(2),
                             t("col_spent_period"): bp["spent_period"].astype(float).round(2),
                             t("col_budgeted"): bp["budgeted"].astype(float).round(2),
                             t("col_spent"): bp["spent"].astype(float).round(2)})
    ms = view.milestones
    milestones = pd.DataFrame({
        t("col_reached_on"): ms["reached_on"],
        t("col_village"): ms["village"],
        t("col_municipality"): ms["municipality"],
        t("col_stage"): ms["stage"].map(lambda s: stage_label(s, lang)),
    })[ms["in_period"].astype(bool).to_numpy()] if not ms.empty else pd.DataFrame(
        columns=[t("col_reached_on"), t("col_village"), t("col_municipality"), t("col_stage")])
    pl = view.pilots
    pilots = pd.DataFrame({
        t("col_village"): pl["village"], t("col_municipality"): pl["municipality"],
        t("col_stage"): pl["stage"].map(lambda s: stage_label(s, lang)),
        t("col_started_on"): pl["started_on"],
        t("progress"): pl["progress_text"].fillna(""), t("lessons"): pl["lessons"].fillna(""),
    })
    out = {"report.sheet_summary": summary, "report.sheet_plan_summary": plan_summary_table(view, lang)}
    out.update(plan_tables(view, lang, numbers=True))
    out.update({"report.sheet_stages": stages,
                "report.sheet_over_time": over, "report.sheet_lines": lines,
                "report.sheet_budget": by_source, "report.sheet_budget_lines": by_cat,
                "report.sheet_budget_pilots": by_pilot, "report.sheet_milestones": milestones,
                "report.sheet_pilots": pilots})
    return out


# --- the plan against what happened (issue 18): one set of tables for page, PDF and Excel -----

def check_table(findings, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The check before sending (dorp.textcheck findings) as a table for the lead."""
    t = lambda k: i18n.t(f"check.{k}", lang)  # noqa: E731
    return pd.DataFrame({t("col_village"): [f.village for f in findings],
                         t("col_field"): [t(f"field_{f.field}") for f in findings],
                         t("col_what"): [f.text(lang) for f in findings]},
                        columns=[t("col_village"), t("col_field"), t("col_what")])


def plan_summary_table(view: FunderView, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The plain summary and the lead's explanation, as rows of text (Excel)."""
    t = lambda k: i18n.t(f"plan.{k}", lang)  # noqa: E731
    p = view.plan
    rows = [(t("section"), line) for line in p.summary_lines(lang)]
    rows.append((t("explanation_title"), plain_text(p.explanation) or t("explanation_none")))
    return pd.DataFrame(rows, columns=[i18n.t("funder.col_figure", lang),
                                       i18n.t("funder.col_value", lang)])


def plan_tables(view: FunderView, lang: str = i18n.DEFAULT_LANG, numbers: bool = False
                ) -> dict[str, pd.DataFrame]:
    """The plan against what happened as display tables (translated headers): per pilot,
    every step, spending per source, the lines against their targets (summary and per
    pilot) and the plan's milestones. `numbers`: money and dates as values (Excel) instead
    of Dutch text (page, PDF). Keys are the catalog keys of the sheet names."""
    from dorp import plan as P
    t = lambda k: i18n.t(f"plan.{k}", lang)  # noqa: E731
    p = view.plan
    money = (lambda x: round(float(x), 2)) if numbers else (lambda x: i18n.fmt_money(x, lang))  # noqa: E731
    day = (lambda d: _as_date(d)) if numbers else (lambda d: i18n.fmt_date(_as_date(d), lang))  # noqa: E731
    label = lambda s: stage_label(s, lang)  # noqa: E731
    pl = p.pilots
    pilots = pd.DataFrame({
        t("col_village"): pl["village"],
        t("col_stage"): pl["stage"].map(label),
        t("col_standing"): [p.standing_text(r, lang) for r in pl.to_dict("records")],
        t("col_next"): [label(s) if isinstance(s, str) else "–" for s in pl["next_stage"]],
        t("col_next_planned"): pl["next_planned"].map(day),
        t("col_explanation"): pl["explanation"].map(lambda x: plain_text(x) or "–"),
    })
    st = p.steps
    steps = pd.DataFrame({
        t("col_village"): st["village"],
        t("col_step"): st["stage"].map(label),
        t("col_planned"): st["planned"].map(day),
        t("col_reached"): st["reached"].map(day),
        t("col_result"): [P.comparison_text(P.Comparison(k, int(d)), lang)
                          for k, d in zip(st["kind"], st["days"])],
    })
    sp = p.spend
    spend = pd.DataFrame({
        t("col_source"): sp["source"].map(lambda s: i18n.t(f"funder.source_{s}", lang)),
        t("col_planned_period"): sp["planned"].map(money),
        t("col_planned_to_date"): sp["planned_to_date"].map(money),
        t("col_spent"): sp["spent"].map(money),
        t("col_difference"): sp["difference"].map(money),
        t("col_share"): sp["share"].map(lambda x: i18n.fmt_percent(x, lang)),
        t("col_planned_cum"): sp["planned_cum"].map(money),
        t("col_spent_cum"): sp["spent_cum"].map(money),
    })
    ts = p.targets_summary
    results = {r: i18n.t(f"plan.result.{r}", lang) for r in P.TARGET_RESULTS}
    targets_summary = pd.DataFrame({
        t("col_line"): ts["line"].map(lambda ln: i18n.label("line", ln, lang)),
        t("col_pilots"): ts["pilots"],
        **{results[r]: ts[r] for r in P.TARGET_RESULTS if r != "no_start"},
    })
    tp = p.targets
    num = lambda v: None if v is None or pd.isna(v) else int(v)  # noqa: E731
    show = (lambda v: num(v)) if numbers else (lambda v: "–" if num(v) is None else str(num(v)))  # noqa: E731
    targets = pd.DataFrame({
        t("col_village"): tp["village"],
        t("col_line"): tp["line"].map(lambda ln: i18n.label("line", ln, lang)),
        t("col_target"): [i18n.t("plan.target_short", lang, score=sc, month=m)
                          for sc, m in zip(tp["target"], tp["by_month"])],
        t("col_due"): tp["due_on"].map(day),
        t("col_at_due"): tp["at_due"].map(show),
        t("col_latest"): tp["latest"].map(show),
        t("col_result"): tp["result"].map(results),
    })
    ms = p.milestones
    milestones = pd.DataFrame({
        t("col_milestone"): ms["name"],
        t("col_village"): ms["village"].map(lambda v: t("programme") if v is None or pd.isna(v) else v),
        t("col_planned"): ms["planned_on"].map(day),
        t("col_reached"): ms["reached_on"].map(day),
        t("col_result"): [P.comparison_text(P.Comparison(k, int(d)), lang)
                          for k, d in zip(ms["kind"], ms["days"])],
    })
    return {"report.sheet_plan_pilots": pilots, "report.sheet_plan_steps": steps,
            "report.sheet_plan_spend": spend, "report.sheet_plan_targets": targets_summary,
            "report.sheet_plan_targets_pilots": targets, "report.sheet_plan_milestones": milestones}


# --- Excel ------------------------------------------------------------------------------------

def build_xlsx(view: FunderView, lang: str = i18n.DEFAULT_LANG) -> bytes:
    """The summary tables as a workbook, one sheet per table (money as numbers in €)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    buf = io.BytesIO()
    money_cols = {i18n.t(k, lang) for k in (
        "funder.col_budgeted", "funder.col_spent", "funder.col_budgeted_period",
        "funder.col_spent_period", "plan.col_planned_period", "plan.col_planned_to_date",
        "plan.col_spent", "plan.col_difference", "plan.col_planned_cum", "plan.col_spent_cum")}
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        head = pd.DataFrame([
            (i18n.t("report.title", lang), view.programme.get("name", "")),
            (i18n.t("funder.period", lang), period_label(view.period, lang)),
            (i18n.t("funder.village", lang), view.village or i18n.t("funder.all_villages", lang)),
            (i18n.t("funder.col_date", lang), i18n.fmt_date(view.today, lang, "long")),
        ])
        for key, df in tables(view, lang).items():
            name = i18n.t(key, lang)[:31]
            start = 0
            if key == "report.sheet_summary":
                head.to_excel(xw, sheet_name=name, index=False, header=False)
                start = len(head) + 1
            df.to_excel(xw, sheet_name=name, index=False, startrow=start)
            ws = xw.sheets[name]
            for j, col in enumerate(df.columns, start=1):
                letter = get_column_letter(j)
                ws[f"{letter}{start + 1}"].font = Font(bold=True)
                width = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
                ws.column_dimensions[letter].width = min(60, max(10, width + 2))
                if col in money_cols:
                    for row in ws.iter_rows(min_row=start + 2, min_col=j, max_col=j):
                        for cell in row:
                            cell.number_format = '€ #,##0.00'
    return buf.getvalue()


# --- PDF --------------------------------------------------------------------------------------

def _pdf_class():
    from fpdf import FPDF

    class ReportPdf(FPDF):
        footer_text = ""
        cover = True

        def footer(self):
            if self.page_no() == 1:
                return
            self.set_y(-14)
            self.set_font("Vera", "", 8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 8, self.footer_text.format(n=self.page_no(), total="{nb}"), align="C")
            self.set_text_color(0, 0, 0)

    return ReportPdf


def build_pdf(view: FunderView, lang: str = i18n.DEFAULT_LANG) -> bytes:
    """The progress report: cover (programme, period, date), summary, charts, budget table,
    milestones, a page per pilot with its progress text and lessons; page numbers."""
    t = lambda k, **kw: i18n.t(f"report.{k}", lang, **kw)  # noqa: E731
    ft = lambda k, **kw: i18n.t(f"funder.{k}", lang, **kw)  # noqa: E731
    money = lambda x: i18n.fmt_money(x, lang)  # noqa: E731
    regular, bold = font_paths()
    pdf = _pdf_class()(format="A4")
    pdf.footer_text = t("page", n="{n}", total="{total}")
    pdf.set_title(f"{t('title')} – {view.programme.get('name', '')}")
    pdf.set_author(view.programme.get("funder") or "")
    pdf.add_font("Vera", "", str(regular))
    pdf.add_font("Vera", "B", str(bold))
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=20)

    def h1(text: str) -> None:
        pdf.set_font("Vera", "B", 16)
        pdf.set_text_color(0, 70, 130)
        pdf.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)

    def h2(text: str) -> None:
        pdf.set_font("Vera", "B", 12)
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def para(text: str, size: int = 10) -> None:
        pdf.set_font("Vera", "", size)
        pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def fit(text: str, width: float) -> str:
        """Cut a cell's text to its column (rare: columns are sized for the content)."""
        if pdf.get_string_width(text) <= width - 2.4:
            return text
        while text and pdf.get_string_width(text + "…") > width - 2.4:
            text = text[:-1]
        return text + "…"

    def table(rows: list[list[str]], widths: tuple[int, ...], align_right: set[int] = frozenset(),
              size: float = 9):
        """A simple grid: one line per row, header repeated after a page break. (fpdf2's
        table() wraps text but costs ~3 ms a cell; a 300-pilot report has thousands.)"""
        scale = pdf.epw / sum(widths)
        ws = [w * scale for w in widths]
        h = 6.0

        def row(cells, header=False):
            pdf.set_font("Vera", "B" if header else "", 8.5 if header else size)
            if header:
                pdf.set_fill_color(225, 235, 245)
            for i, (w, v) in enumerate(zip(ws, cells)):
                if header:   # a long header gets a smaller font before it is cut
                    hs = 8.5
                    while hs > 6 and pdf.get_string_width(str(v)) > w - 2.4:
                        hs -= 0.5
                        pdf.set_font("Vera", "B", hs)
                pdf.cell(w, h, fit(str(v), w), border=1, align="R" if i in align_right else "L",
                         fill=header)
                if header:
                    pdf.set_font("Vera", "B", 8.5)
            pdf.ln(h)

        row(rows[0], header=True)
        for r in rows[1:]:
            if pdf.get_y() + h > pdf.page_break_trigger:
                pdf.add_page()
                row(rows[0], header=True)
            row(r)
        pdf.ln(3)

    # Cover.
    pdf.add_page()
    pdf.ln(45)
    pdf.set_font("Vera", "B", 26)
    pdf.set_text_color(0, 70, 130)
    pdf.multi_cell(0, 12, t("title"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Vera", "", 14)
    pdf.multi_cell(0, 8, t("subtitle"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(10)
    pdf.set_font("Vera", "", 12)
    lines = [t("programme", name=view.programme.get("name", ""))]
    if view.village:
        lines.append(t("village", name=view.village))
    lines.append(t("period", label=period_label(view.period, lang)))
    if view.programme.get("funder"):
        lines.append(t("funder", funder=view.programme["funder"]))
    lines.append(t("made_on", date=i18n.fmt_date(view.today, lang, "long")))
    for ln in lines:
        pdf.multi_cell(0, 8, ln, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-60)
    pdf.set_font("Vera", "", 9)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(0, 5, t("privacy"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)

    # Summary.
    f = view.figures()
    pdf.add_page()
    h1(t("summary"))
    para(t("summary_text", date=i18n.fmt_date(view.cutoff, lang, "long"),
           pilots=i18n.fmt_number(f["pilots"], lang), execution=i18n.fmt_number(f["in_execution"], lang),
           completed=i18n.fmt_number(f["completed"], lang),
           milestones=i18n.fmt_number(f["milestones_in_period"], lang),
           budgeted=money(f["budgeted"]), spent=money(f["spent"]),
           share=i18n.fmt_percent(f["spent_share"], lang)))
    table([[ft("col_figure"), ft("col_value")], *[list(r) for r in view.summary_rows(lang)]],
          (110, 64), {1})
    h2(ft("stages_now"))
    table([[ft("col_stage"), ft("col_pilots")],
           *[[stage_label(s, lang), i18n.fmt_number(n, lang)]
             for s, n in zip(view.stages_now["stage"], view.stages_now["n"])]], (110, 64), {1})

    # The plan against what happened (issue 18): the summary, the lead's explanation, per
    # pilot, spending per source with the cumulative curve, the lines' targets, milestones.
    _plan_pages(pdf, view, lang, h1, h2, para, table)

    # Charts.
    pdf.add_page()
    h1(t("charts"))
    for i, (title, png) in enumerate(chart_pngs(view, lang)):
        if i == 2:
            pdf.add_page()
        h2(title)
        pdf.image(io.BytesIO(png), w=150)
        pdf.ln(3)
        if i == 2:
            lt = view.line_table(lang)
            table([[ft("col_line"), *[str(s) for s in SCORES], ft("col_mean")],
                   *[[r["line"], *[r[str(s)] for s in SCORES], r["mean"]] for _, r in lt.iterrows()]],
                  (60, 16, 16, 16, 16, 16, 34), {1, 2, 3, 4, 5, 6})
            para(ft("lines_caption"), 8)

    # Budget.
    pdf.add_page()
    h1(t("budget"))
    para(ft("budget_caption", date=i18n.fmt_date(view.cutoff, lang, "long")), 9)
    para(ft("budget_period_caption", start=i18n.fmt_date(view.period.start, lang, "long"),
            date=i18n.fmt_date(view.cutoff, lang, "long")), 9)
    bs = view.budget_by_source
    table([[ft("col_source"), ft("col_budgeted_period"), ft("col_spent_period"),
            ft("col_budgeted"), ft("col_spent"), ft("col_spent_share"), ft("col_budget_share")],
           *[[ft(f"source_{r.source}"), money(r.budgeted_period), money(r.spent_period),
              money(r.budgeted), money(r.spent),
              i18n.fmt_percent(r.spent_share, lang), i18n.fmt_percent(r.budget_share, lang)]
             for r in bs.itertuples()]], (22, 28, 28, 30, 30, 18, 18), {1, 2, 3, 4, 5, 6}, size=8)
    h2(ft("budget_lines"))
    bc = view.budget_by_category
    table([[ft("col_level"), ft("col_category"), ft("col_source"), ft("col_budgeted_period"),
            ft("col_spent_period"), ft("col_budgeted"), ft("col_spent")],
           *[[ft(f"level_{r.level}"), r.category, ft(f"source_{r.source}"),
              money(r.budgeted_period), money(r.spent_period), money(r.budgeted), money(r.spent)]
             for r in bc.itertuples()]], (17, 41, 20, 24, 24, 24, 24), {3, 4, 5, 6}, size=7.5)
    if not view.village and not view.budget_by_pilot.empty:
        h2(ft("budget_pilots"))
        bp = view.budget_by_pilot
        table([[ft("col_village"), ft("col_budgeted_period"), ft("col_spent_period"),
                ft("col_budgeted"), ft("col_spent")],
               *[[r.village, money(r.budgeted_period), money(r.spent_period), money(r.budgeted),
                  money(r.spent)] for r in bp.itertuples()]], (42, 33, 33, 33, 33), {1, 2, 3, 4})

    # Milestones.
    pdf.add_page()
    h1(t("milestones"))
    para(t("period", label=period_label(view.period, lang)), 9)
    ms = view.milestones
    inp = ms[ms["in_period"].astype(bool)] if not ms.empty else ms
    if inp.empty:
        para(ft("milestones_none"))
    else:
        table([[ft("col_reached_on"), ft("col_village"), ft("col_municipality"), ft("col_stage")],
               *[[i18n.fmt_date(r.reached_on, lang), r.village, r.municipality,
                  stage_label(r.stage, lang)] for r in inp.itertuples()]], (32, 42, 42, 58))

    # Per pilot.
    by_village = {k: g for k, g in ms.groupby("village")} if not ms.empty else {}
    money_by_village = {b.village: b for b in view.budget_by_pilot.itertuples()}
    for r in view.pilots.itertuples():
        pdf.add_page()
        h1(f"{t('pilots')}: {r.village}")
        para(f"{ft('col_municipality')}: {r.municipality}    {ft('col_stage')}: {stage_label(r.stage, lang)}"
             f"    {ft('col_started_on')}: {i18n.fmt_date(_as_date(r.started_on), lang)}", 9)
        own = by_village.get(r.village)
        planned = not view.plan.steps.empty and (view.plan.steps["village"] == r.village).any()
        if own is not None and not own.empty and not planned:   # else in the plan's table
            h2(t("reached"))
            table([[ft("col_stage"), ft("col_reached_on")],
                   *[[stage_label(m.stage, lang), i18n.fmt_date(m.reached_on, lang)]
                     for m in own.itertuples()]], (110, 64))
        b = money_by_village.get(r.village)
        if b is not None:
            para(f"{ft('col_budgeted')}: {money(b.budgeted)}    {ft('col_spent')}: {money(b.spent)}"
                 f"    {ft('col_spent_period')}: {money(b.spent_period)}", 9)
        _plan_pilot(view, r.village_id, r.village, lang, h2, para, table)
        h2(ft("progress"))
        para(plain_text(r.progress_text) or ft("no_text"))
        h2(ft("lessons"))
        para(plain_text(r.lessons) or ft("no_text"))

    return bytes(pdf.output())


def _plan_pages(pdf, view: FunderView, lang: str, h1, h2, para, table) -> None:
    """The plan against what happened, for the PDF: the same tables as the page."""
    from dorp import plan as P
    from dorp.charts import funder as funder_charts
    pt = lambda k, **kw: i18n.t(f"plan.{k}", lang, **kw)  # noqa: E731
    rt = lambda k: i18n.t(f"report.{k}", lang)  # noqa: E731
    p = view.plan
    pdf.add_page()
    h1(rt("plan"))
    for line in p.summary_lines(lang):
        para(line, 11)
    h2(pt("explanation_title"))
    para(plain_text(p.explanation) or pt("explanation_none"))
    if not p.pilots.empty:
        h2(pt("pilots_title"))
        rows = []
        for r in p.pilots.to_dict("records"):
            st = P.Standing(r["standing"], int(r["days"] or 0), r["standing_stage"]
                            if isinstance(r["standing_stage"], str) else None)
            rows.append([r["village"], stage_label(r["stage"], lang), standing_short(st, lang),
                         stage_label(r["next_stage"], lang) if isinstance(r["next_stage"], str)
                         else "–", i18n.fmt_date(_as_date(r["next_planned"]), lang)])
        table([[pt("col_village"), pt("col_stage"), pt("col_standing"), pt("col_next"),
                pt("col_next_planned")], *rows], (29, 47, 40, 30, 28))
        explained = [r for r in p.pilots.to_dict("records") if plain_text(r["explanation"])]
        if explained and len(p.pilots) > 1:
            h2(pt("col_explanation"))
            for r in explained:
                para(f"{r['village']}: {plain_text(r['explanation'])}", 9)
    tables_ = plan_tables(view, lang)
    h2(pt("spend_section"))
    if p.spend_planned:
        df = tables_["report.sheet_plan_spend"]
        head = [pt("col_source"), pt("col_planned_period"), pt("col_planned_to_date"),
                pt("col_spent"), pt("col_difference"), pt("col_share")]
        table([head, *df[head].astype(str).values.tolist()], (24, 32, 32, 30, 30, 26),
              {1, 2, 3, 4, 5})
        head = [pt("col_source"), pt("col_planned_cum"), pt("col_spent_cum")]
        table([head, *df[head].astype(str).values.tolist()], (44, 65, 65), {1, 2})
        para(pt("spend_caption", date=i18n.fmt_date(view.cutoff, lang, "long")), 8)
        if pdf.get_y() > 150:
            pdf.add_page()
        h2(pt("curve_title"))
        pdf.image(io.BytesIO(chart_png(funder_charts.spend_curve(p.curve, lang, funder_charts.WIDTH))),
                  w=150)
        para(pt("curve_caption", date=i18n.fmt_date(view.cutoff, lang, "long")), 8)
    else:
        para(pt("spend_none"))
    h2(pt("targets_section"))
    if p.targets.empty:
        para(pt("targets_none"))
    else:
        df = tables_["report.sheet_plan_targets"]
        table([list(df.columns), *df.astype(str).values.tolist()],
              (44, 22, 22, 24, 22, 20, 20), {1, 2, 3, 4, 5, 6})
        para(pt("targets_caption"), 8)
    h2(pt("milestones_section"))
    if p.milestones.empty:
        para(pt("milestones_none"))
    else:
        df = tables_["report.sheet_plan_milestones"]
        table([list(df.columns), *df.astype(str).values.tolist()], (52, 28, 24, 24, 46))


def _plan_pilot(view: FunderView, village_id, village: str, lang: str, h2, para, table) -> None:
    """One pilot's planned steps against the reached ones, and the lead's explanation."""
    from dorp import plan as P
    pt = lambda k: i18n.t(f"plan.{k}", lang)  # noqa: E731
    p = view.plan
    rows = p.steps[p.steps["village"] == village]
    mine = p.pilots[p.pilots["village"] == village]
    if rows.empty or mine.empty:
        return
    h2(i18n.t("report.plan_pilot", lang))
    r = mine.iloc[0].to_dict()
    para(p.standing_text(r, lang), 9)
    table([[pt("col_step"), pt("col_planned"), pt("col_reached"), pt("col_result")],
           *[[stage_label(s.stage, lang), i18n.fmt_date(_as_date(s.planned), lang),
              i18n.fmt_date(_as_date(s.reached), lang),
              P.comparison_text(P.Comparison(s.kind, int(s.days)), lang)]
             for s in rows.itertuples()]], (46, 30, 30, 68))
    if plain_text(r["explanation"]):
        para(f"{pt('col_explanation')}: {plain_text(r['explanation'])}", 9)


def standing_short(s, lang: str = i18n.DEFAULT_LANG) -> str:
    """A standing in a few words, for narrow table cells: "Op schema", "45 dagen achter"."""
    if s.kind in ("behind", "ahead"):
        return i18n.t(f"plan.standing.short_{s.kind}_days", lang, days=s.days)
    return i18n.t(f"plan.standing.short_{s.kind}", lang)


def plain_text(v) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip()


def _as_date(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v if isinstance(v, date) else None
