"""Cells of an exported CSV file that a spreadsheet shows as text, never runs.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula (``=HYPERLINK(...)`` leaks data on a click, ``=cmd|' /C calc'!A0``
starts a program through DDE), and some also strip a leading tab or carriage return
first. A reseller's name or an audit summary is typed by someone else, so every export
writes such a cell with a single quote in front, as OWASP's "CSV Injection" page advises
(CWE-1236): the spreadsheet shows the text, and nothing runs.

Our own import takes the quote off again, so that export → import gives back what was
exported. To tell the quote we added from one a value really starts with, the rule looks
past all leading quotes: a value whose first character after its quotes is a formula
character gets one more quote; an import removes one quote from exactly those cells. So
``=1+1`` ↔ ``'=1+1``, ``'=1+1`` ↔ ``''=1+1``, and ``'quoted`` is written and read as it is.

A plain negative number such as ``-12.50`` is left as it is: a spreadsheet reads it as a
number, which runs nothing, and a quote would turn an amount column into text.
"""

from __future__ import annotations

import re

#: What makes a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_STARTS = frozenset("=+-@\t\r")
QUOTE = "'"
_NEGATIVE_NUMBER = re.compile(r"-[0-9]+(?:\.[0-9]+)?")


def _starts_like_a_formula(text: str) -> bool:
    return text.lstrip(QUOTE)[:1] in FORMULA_STARTS


def spreadsheet_safe(value: object) -> object:
    """``value`` as a CSV writer should write it: text that would run as a formula gets a
    leading quote; numbers (``int``, ``Decimal``, ...) and other text are unchanged."""
    if not isinstance(value, str) or not value or _NEGATIVE_NUMBER.fullmatch(value):
        return value
    return QUOTE + value if _starts_like_a_formula(value) else value


def from_spreadsheet_safe(cell: str) -> str:
    """The value :func:`spreadsheet_safe` wrote as ``cell`` (one added quote removed)."""
    if cell.startswith(QUOTE) and _starts_like_a_formula(cell):
        return cell[1:]
    return cell
