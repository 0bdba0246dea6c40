"""Every spreadsheet and CSV file the portal writes goes through here, so that no text is read as a formula.

A cell whose text begins with = + - @ (or their full-width forms ＝＋－＠), a tab or a carriage return is one
that Excel, WPS or LibreOffice may evaluate (``=HYPERLINK("http://evil.example","x")``, ``@SUM(…)``,
``-2+3``).  Such text is written as text: in a workbook, a string cell with Excel's quote prefix (the
leading apostrophe of someone typing ``'=1+1``, which the file keeps as a style, not in the text); in a CSV
file, the text with an apostrophe in front.  Numbers, dates and empty cells are written as they are.

The portal's writers: the staff list's export (``review.workbook.export_workbook``), the statistics'
workbook and its sheet helper (``review.statistics``), the 推荐汇总表 (``review.documents.summary_workbook``),
the paper-import template (``review.imports.template_workbook``), the funds workbook
(``supervision.exports``) and the directory's open-data CSV (``review.directory.csv_lines``).
"""

#: What a formula (or a DDE payload) may begin with, in half- and full-width forms.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def is_formula_like(value) -> bool:
    """Whether ``value`` is text that a spreadsheet program might evaluate."""
    return isinstance(value, str) and value.startswith(FORMULA_LEADS)


def csv_value(value):
    """``value`` for a CSV file: formula-like text with an apostrophe in front, anything else unchanged."""
    return "'" + value if is_formula_like(value) else value


def csv_row(values):
    return [csv_value(value) for value in values]


def text_cell(sheet, value):
    """A cell of ``sheet`` holding ``value`` as text (never a formula), shown as typed."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def cell_value(sheet, value):
    """What to put in a row of ``sheet`` for ``value``: a text cell for formula-like text, else ``value``
    itself (a number stays a number; a cell already made is kept, text made safe)."""
    from openpyxl.cell import Cell

    if isinstance(value, Cell):
        if is_formula_like(value.value):
            value.data_type = "s"
            value.quotePrefix = True
        return value
    return text_cell(sheet, value) if is_formula_like(value) else value


def append_row(sheet, values):
    """Append ``values`` to ``sheet`` (normal or write-only), formula-like text written as text."""
    sheet.append([cell_value(sheet, value) for value in values])

