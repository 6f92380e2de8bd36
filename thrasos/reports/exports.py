"""Spreadsheets (CSV and XLSX) of tables: the aggregate figures of the
reports, and any list a module exports (`response(sheets, kind, name)`).
Every cell goes through thrasos.core.exports.spreadsheet_safe; XLSX cells
are written as text or numbers, never as formulas."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from thrasos.core.exports import spreadsheet_safe
from thrasos.reports.indicators import INDICATORS, Period, Unit
from thrasos.reports.masking import RULE

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


def _cell(value):
    """Numbers stay numbers; anything else is text made safe."""
    if isinstance(value, bool):
        return spreadsheet_safe(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return spreadsheet_safe(value)


def csv_bytes(sheets: list[Sheet]) -> bytes:
    """Semicolons, UTF-8 with BOM (opens as is in French spreadsheets); the
    sheets one after the other, each under its title."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    for index, sheet in enumerate(sheets):
        if len(sheets) > 1:
            if index:
                writer.writerow([])
            writer.writerow([spreadsheet_safe(sheet.title)])
        writer.writerow([spreadsheet_safe(h) for h in sheet.header])
        for row in sheet.rows:
            writer.writerow([_csv_text(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def _csv_text(value) -> str:
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    return spreadsheet_safe(value)


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    # Strings are never read as formulas or URLs: a name "=HYPERLINK(…)" stays text.
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
         "strings_to_numbers": False},
    )  # fmt: skip
    bold = workbook.add_format({"bold": True})
    used = set()
    for sheet in sheets:
        name = "".join(c for c in sheet.title if c not in "[]:*?/\\")[:31] or "Feuille"
        while name in used:
            name = name[:28] + f"-{len(used)}"
        used.add(name)
        worksheet = workbook.add_worksheet(name)
        worksheet.write_row(0, 0, [spreadsheet_safe(h) for h in sheet.header], bold)
        for index, row in enumerate(sheet.rows, start=1):
            for column, value in enumerate(row):
                cell = _cell(value)
                if isinstance(cell, str):
                    worksheet.write_string(index, column, cell)
                else:
                    worksheet.write_number(index, column, cell)
        worksheet.set_column(0, 0, 40)
        worksheet.set_column(1, max(len(sheet.header) - 1, 1), 16)
    workbook.close()
    return buffer.getvalue()


def response(sheets: list[Sheet], kind: str, name: str) -> HttpResponse:
    if kind == "xlsx":
        result = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    else:
        result = HttpResponse(csv_bytes(sheets), content_type="text/csv; charset=utf-8")
    result["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return result


def _table_sheet(table, total_label: str) -> Sheet:
    sheet = Sheet(table.title, ["", *table.columns])
    sheet.rows = [[label, *cells] for label, cells in table.rows]
    if table.total:
        sheet.rows.append([total_label, *table.total])
    return sheet


def aggregate_sheets(published, scope_label: str, period: Period) -> list[Sheet]:
    indicators = Sheet(_("Indicators"), [_("Indicator"), _("Value"), _("Unit"), _("Definition")])
    for indicator in INDICATORS:
        indicators.rows.append(
            [
                str(indicator.name),
                published.indicators[indicator.code],
                str(Unit.LABELS[indicator.unit]),
                str(indicator.definition),
            ]
        )
    indicators.rows.append([])
    indicators.rows.append([_("Scope"), scope_label])
    indicators.rows.append([_("Period"), f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"])
    indicators.rows.append([str(RULE)])
    sheets = [
        indicators,
        _table_sheet(published.funnel, _("All sessions")),
        _table_sheet(published.stages, ""),
        _table_sheet(published.outcomes, ""),
    ]
    sheets += [_table_sheet(t, _("Total")) for t in published.demographics]
    return sheets
