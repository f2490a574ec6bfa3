"""Funkcje Excela modelu KKZ (moduł UDF xlwings).

The Excel functions of the contract (``shared/spec/excel-functions.md``). Each is a thin
wrapper: Excel's values go in, one call into ``kkz_xl.excel`` does the work, the answer comes
back shaped for a cell or a spilled range. No arithmetic of the method lives here. Docstrings
and argument docs are Polish: they are what the accountant sees in Excel's function wizard.
"""

from __future__ import annotations

import xlwings as xw

# ---------------------------------------------------------------- Kalkulator Społeczny (1–11, 14)

# ---------------------------------------------------------------- Katalog i Sieć Liderów (12, 13)

# ---------------------------------------------------------------- CIS, BSC, szkolenia
