"""Number formats of the calculator workbook, in the file's en-US syntax with the Polish
locale attached (``[$-415]``): LibreOffice and Excel in any language then print
``-766 900 zł`` and ``3,0%``, never ``-766,899.75 zł``.

Council figures (results) are rounded to the złoty; parameter amounts keep the grosz (legal
amounts such as 1 721,90 zł are exact).
"""

from __future__ import annotations

PL = "[$-415]"
MONEY = PL + '#,##0.00 "zł"'  # parameters: to the grosz
MONEY_ZL = PL + '#,##0 "zł"'  # results: to the złoty
MONEY_AXIS = PL + '#,##0," tys. zł"'  # chart axes: thousands, short labels
PERCENT = PL + "0.0%"
INTEGER = PL + "#,##0"
PERSONS = PL + "#,##0.0"
RATIO = PL + "0.00"
YEARS = PL + '0.00 "lat"'
FACTOR = PL + "0.0000"
YEAR = "0"
