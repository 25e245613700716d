"""CSV that a spreadsheet opens as text: every CSV the portal produces is written through `csv_dict_writer`.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return runs as a formula in Excel,
LibreOffice and Google Sheets (OWASP, "CSV Injection"). Such a cell is written with a leading apostrophe,
which the spreadsheet shows as text and does not display; the JSON copy of an export keeps the value as is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with an apostrophe before it if a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeDictWriter(csv.DictWriter):
    """`csv.DictWriter` whose cells (header included) cannot run as formulas."""

    def writeheader(self) -> Any:
        return self.writer.writerow([safe_cell(name) for name in self.fieldnames])

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def csv_dict_writer(stream: IO[str], *, fieldnames: list[str], **options: Any) -> SafeDictWriter:
    return SafeDictWriter(stream, fieldnames=fieldnames, **options)
