"""The bulletin (通报) as a Word document laid out the way official documents are: A4, 仿宋 body in
三号 (16 pt), 黑体 and 楷体 headings, a 小标宋 title, 28 pt line spacing, page numbers "— 1 —"."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from sanfuwu.coordination.common import min_places
from sanfuwu.reports.figures import Figures
from sanfuwu.scoring.standings import Board

BODY, HEADING, SUBHEADING, TITLE = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"
FALLBACK = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体"}


def _font(run, name: str, size: float, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    run.font.name = FALLBACK.get(name, name)
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(doc, text: str = "", *, font: str = BODY, size: float = 16, bold: bool = False,  # type: ignore[no-untyped-def]
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True):  # fmt: skip
    p = doc.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    # A heading never ends a page alone.
    fmt.keep_with_next = font in (HEADING, SUBHEADING, TITLE)
    if text:
        _font(p.add_run(tidy(text)), font, size, bold)
    return p


_DOUBLED = re.compile(r"[。，、；：！？]+(?=[。，、；：！？])")


def tidy(text: str) -> str:
    """One mark where two meet ("问题。；" → "问题；"): a title's own full stop never doubles the
    sentence's punctuation."""
    return _DOUBLED.sub("", text)


def _page_numbers(section) -> None:  # type: ignore[no-untyped-def]
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), BODY, 14)
    run = p.add_run()
    _font(run, BODY, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
    _font(p.add_run(" —"), BODY, 14)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _table(doc, header: list[str], rows: list[list[str]], widths: list[float] | None = None,  # type: ignore[no-untyped-def]
           size: float = 12) -> None:  # fmt: skip
    # Widths add up to the type area: A4 less the margins, 15.6 cm.
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING, size)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY, size)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if widths:
        # Word reads the cells' widths, LibreOffice and WPS the grid's: give both.
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)


def _movement(places: int | None) -> str:
    if places is None:
        return "—"
    return f"进{places}位" if places > 0 else f"退{-places}位" if places < 0 else "持平"


def _period_name(start: date, end: date) -> str:
    if (end - start).days == 6 and start.weekday() == 0:
        year, week, _ = start.isocalendar()
        return f"{year}年第{week}周（{start.month}月{start.day}日至{end.month}月{end.day}日）"
    if start.month == end.month and start.year == end.year and start.day == 1:
        return f"{start.year}年{start.month}月"
    if start.year == end.year and start.month == 1 and end.month == 12:
        return f"{start.year}年"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def _common_and_coordination(doc: Any, figures: Figures) -> None:
    """六、共性问题与专题协调: the problems many places raised, by what they are about, and the
    coordination items the leadership took them to, with how far each has come."""
    _paragraph(doc, "六、共性问题与专题协调", font=HEADING)
    if not figures.common and not figures.coordinations:
        _paragraph(doc, f"本期没有由{min_places()}个以上地点反映的共性问题，也没有进行中的专题协调。")
        return
    if figures.coordinations:
        _paragraph(doc, "（一）专题协调", font=SUBHEADING)
        for n, c in enumerate(figures.coordinations, start=1):
            parts = [f"纳入问题{c.issue_count}件"]
            if c.meeting_date:
                parts.append(
                    f"{c.meeting_date.month}月{c.meeting_date.day}日会议决定：{c.decision.strip('。；，、 ')}"
                )
            if c.task_count:
                parts.append(f"交办任务{c.task_count}项，已完成{c.done_tasks}项")
            _paragraph(doc, tidy(f"{n}. {c.title}（{c.get_status_display()}）：" + "；".join(parts) + "。"))
    if figures.common:
        _paragraph(doc, "（二）共性问题" if figures.coordinations else "（一）共性问题", font=SUBHEADING)
        for n, p in enumerate(figures.common, start=1):
            where = "、".join(region.name for region, _k in p.regions[:3])
            done = p.statuses.get("done", 0)
            _paragraph(doc, tidy(f"{n}. {p.topic}（{p.category.name}）：反映{p.count}件，涉及{p.places}个地点，"
                                 f"较集中的有{where}；已办结{done}件。"))  # fmt: skip


def bulletin_document(figures: Figures, board: Board | None, *, issuer: str) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _page_numbers(section)
    period = _period_name(figures.start, figures.end)
    unit = figures.unit.name
    _paragraph(
        doc, f"{unit}“三服务”工作通报", font=TITLE, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False
    )
    subtitle = period if "（" in period else f"（{period}）"
    _paragraph(doc, subtitle, font=BODY, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, "", indent=False)
    _paragraph(doc, f"现将{period}{unit}“三服务”工作情况通报如下：")

    _paragraph(doc, "一、总体情况", font=HEADING)
    tiers = {t.tier: t for t in figures.tiers}
    done, immediate, deadline, long_term = (
        tiers["done"],
        tiers["immediate"],
        tiers["deadline"],
        tiers["long_term"],
    )
    _paragraph(doc, (
        f"{period}，共收集问题{figures.collected}件，已办结{figures.resolved}件，办结率{_percent(figures.resolution_rate)}。"
        f"其中：已经办{done.total}件；立刻办{immediate.total}件，已办结{immediate.done}件；"
        f"限期办{deadline.total}件，已办结{deadline.done}件；长效办{long_term.total}件，已办结{long_term.done}件。"
    ))  # fmt: skip

    _paragraph(doc, "二、部门办理情况", font=HEADING)
    if figures.departments:
        header = ["部门", "交办", "按时签收", "期限内应办结", "按期办结", "满意率"]
        _table(doc, header, widths=[3.4, 2.0, 2.4, 3.2, 2.4, 2.2], rows=[
            [d.name, str(d.dispatched), str(d.accepted), str(d.due), str(d.on_time), _percent(d.satisfaction)]
            for d in figures.departments
        ])  # fmt: skip
        _paragraph(doc, "注：按时签收指交办后次一工作日内签收；期限内应办结指办理期限在本期内的问题，按期办结指其中"
                        "在期限内办结的；满意率为本期回访中满意和基本满意所占比例。", size=12)  # fmt: skip
    else:
        _paragraph(doc, "本期无交办问题。")

    _paragraph(doc, "三、超期和督办问题", font=HEADING)
    _paragraph(
        doc,
        f"截至通报日，超期未办结问题{figures.overdue_count}件，挂牌督办问题{figures.supervised_count}件"
        + (
            "（下表列出超期最久和督办级别最高的各30件）。"
            if max(figures.overdue_count, figures.supervised_count) > 30
            else "。"
        ),
    )
    listed = {i.pk: i for i in [*figures.overdue, *figures.supervised]}
    if listed:
        _table(doc, ["编号", "问题", "主办部门", "办理期限", "状态"], widths=[3.7, 4.2, 2.5, 2.6, 2.6], size=10.5, rows=[
            [i.number, i.title, i.lead_department.name if i.lead_department else "—",
             i.due_date.isoformat() if i.due_date else "—", ("督办·" if i.supervised else "") + i.get_status_display()]
            for i in listed.values()
        ])  # fmt: skip

    _paragraph(doc, "四、赛马排名", font=HEADING)
    if board is not None and any(s.rank for s in board.standings):
        _table(doc, ["排名", "单位", "指数", "名次变化"], [
            [str(s.rank or "—"), board.name(s.unit), "—" if s.index is None else f"{s.index:.2f}",
             _movement(s.movement)]
            for s in board.standings
        ])  # fmt: skip
        red = "、".join(board.name(s.unit) for s in board.red) or "无"
        black = "、".join(board.name(s.unit) for s in board.black) or "无"
        _paragraph(doc, f"红榜：{red}。黑榜：{black}。")
    else:
        _paragraph(doc, "本期暂无排名。")

    _paragraph(doc, "五、走访覆盖", font=HEADING)
    met, counted = figures.coverage_counts
    to = figures.coverage_month_to
    if to is not None:
        _paragraph(doc, f"{to.month}月1日至{to.month}月{to.day}日，本月应走访包联对象{counted}个，已走访{met}个，"
                        f"尚有{counted - met}个未走访，完成{_percent(figures.coverage_rate)}。")  # fmt: skip
    else:
        _paragraph(
            doc,
            f"本期应走访包联对象{counted}个，已按要求走访{met}个，走访覆盖率{_percent(figures.coverage_rate)}。",
        )
    if figures.blind_spots:
        _paragraph(doc, "（一）本月尚未走访" if to is not None else "（一）走访盲区", font=SUBHEADING)
        if figures.blind_spot_count > len(figures.blind_spots):
            _paragraph(
                doc, f"共{figures.blind_spot_count}个，下表列出最久未走访的{len(figures.blind_spots)}个。"
            )
        _table(doc, ["联系对象", "包联", "最近走访"], widths=[8.6, 3.5, 3.5], rows=[
            [name, holder, last.isoformat() if last else "从未走访"] for name, holder, last in figures.blind_spots
        ])  # fmt: skip

    _common_and_coordination(doc, figures)

    _paragraph(doc, "", indent=False)
    today = timezone.localdate()
    _paragraph(doc, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(
        doc, f"{today.year}年{today.month}月{today.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
