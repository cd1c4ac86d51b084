"""A report's numbers as a file: CSV (UTF-8 with a byte-order mark, as the queue's export)
or XLSX (XlsxWriter, the sheet right-to-left for Arabic), with the period in both calendars."""

from __future__ import annotations

import csv
import io
from typing import Any

import xlsxwriter

from helpdesk.reports.services import COUNT, PERCENT, Report, export_value
from helpdesk.tickets.export import BOM, safe_cell

# Spreadsheet number formats by column format.
XLSX_FORMATS = {COUNT: "#,##0", PERCENT: "0.0", "hours": "0.00", "days": "0.00",
                "average": "0.00"}


def _cells(report: Report) -> list[list[Any]]:
    rows = [[column.label for column in report.columns]]
    for row in report.rows:
        rows.append([row[0], *(export_value(value, column.format) for value, column in
                               zip(row[1:], report.columns[1:], strict=True))])
    return rows


def report_csv(report: Report, period: tuple[str, str]) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(report.title)])
    writer.writerow([safe_cell(text) for text in period])
    for row in _cells(report):
        writer.writerow([value if isinstance(value, int | float) else safe_cell(value)
                         for value in row])
    return buffer.getvalue().encode("utf-8")


def report_xlsx(report: Report, period: tuple[str, str], *, right_to_left: bool) -> bytes:
    """One sheet: the title, the period (Hijri, Gregorian), then the table from row 4."""
    output = io.BytesIO()
    # Strings are written as strings: a name starting with '=' is never a formula.
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    sheet = book.add_worksheet(report.key[:31])
    if right_to_left:
        sheet.right_to_left()
    bold = book.add_format({"bold": True})
    formats = {name: book.add_format({"num_format": pattern})
               for name, pattern in XLSX_FORMATS.items()}
    sheet.write_string(0, 0, report.title, bold)
    sheet.write_string(1, 0, period[0])
    sheet.write_string(2, 0, period[1])
    cells = _cells(report)
    for col, label in enumerate(cells[0]):
        sheet.write_string(3, col, str(label), bold)
    for r, row in enumerate(cells[1:], start=4):
        sheet.write_string(r, 0, str(row[0]))
        for c, value in enumerate(row[1:], start=1):
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, c, value, formats.get(report.columns[c].format))
            else:
                sheet.write_string(r, c, str(value))
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, max(1, len(cells[0]) - 1), 16)
    book.close()
    return output.getvalue()
