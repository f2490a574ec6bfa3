"""``Szkolenia_KKZ.xlsx``: the training register as sheets (modules, sessions, participants,
attendance) plus the report per JST; read back into the validated register."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.errors import InputError
from kkz_xl.office import xlsx_style as st
from kkz_xl.training.reports import REPORT_HEADER, completions, jst_summary
from kkz_xl.training.schema import Form, Tool, TrainingRegister, validated

YES, NO = "tak", "nie"
# Sheet → (register field, [(model field, Polish header, width, format)]).
SHEETS: dict[str, tuple[str, list[tuple[str, str, float, str | None]]]] = {
    "Moduły": ("moduly", [("id", "id", 8, None), ("temat", "temat", 50, None),
                          ("godziny", "godziny", 9, st.DECIMAL), ("forma", "forma", 14, None),
                          ("narzedzie", "narzędzie KKZ", 18, None)]),
    "Sesje": ("sesje", [("id", "id", 8, None), ("modul", "id modułu", 10, None),
                        ("data", "data", 12, st.DATE), ("miejsce", "miejsce", 30, None),
                        ("prowadzacy", "prowadzący", 26, None),
                        ("limit_miejsc", "limit miejsc", 10, st.INTEGER)]),
    "Uczestnicy": ("uczestnicy", [("id", "id", 8, None),
                                  ("imie_nazwisko", "imię i nazwisko", 26, None),
                                  ("jst", "JST", 20, None), ("instytucja", "instytucja", 28, None),
                                  ("funkcja", "funkcja", 20, None),
                                  ("lider_id", "id lidera (Sieć Liderów)", 14, None)]),
    "Udział": ("udzialy", [("sesja", "id sesji", 10, None),
                           ("uczestnik", "id uczestnika", 12, None),
                           ("obecny", "obecny", 9, None), ("ukonczyl", "ukończył", 9, None)]),
}
REPORT_SHEET = "Raport JST"
SPARE = 50


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return YES if value else NO
    return value


def _register_sheet(ws: Worksheet, name: str, reg: TrainingRegister) -> None:
    field, cols = SHEETS[name]
    st.title(ws, f"System Szkoleń – {name.lower()}", st.INPUT_LEGEND)
    st.header_row(ws, 3, [c[1] for c in cols])
    st.widths(ws, [c[2] for c in cols])
    items = getattr(reg, field)
    last = 3 + len(items) + SPARE
    for r in range(4, last + 1):
        for c, (_key, _h, _w, fmt) in enumerate(cols, start=1):
            st.as_input(ws.cell(row=r, column=c), fmt)
    for r, item in enumerate(items, start=4):
        for c, (key, *_rest) in enumerate(cols, start=1):
            ws.cell(row=r, column=c, value=_cell(getattr(item, key)))
    letters = {key: openpyxl.utils.get_column_letter(i) for i, (key, *_r) in enumerate(cols, 1)}
    if "forma" in letters:
        st.list_validation(ws, f"{letters['forma']}4:{letters['forma']}{last}",
                           [f.value for f in Form], "Forma")
    if "narzedzie" in letters:
        st.list_validation(ws, f"{letters['narzedzie']}4:{letters['narzedzie']}{last}",
                           [t.value for t in Tool], "Narzędzie KKZ")
    if "godziny" in letters:
        st.number_validation(ws, f"{letters['godziny']}4:{letters['godziny']}{last}", "Godziny",
                             0.5, 200)
    if "data" in letters:
        st.date_validation(ws, f"{letters['data']}4:{letters['data']}{last}", "Data sesji")
    for key in ("obecny", "ukonczyl"):
        if key in letters:
            st.list_validation(ws, f"{letters[key]}4:{letters[key]}{last}", [YES, NO],
                               "Obecność / ukończenie")
    ws.freeze_panes = "A4"
    st.a4(ws, landscape=len(cols) > 4, repeat_rows="3:3")
    # Print the data only, not the empty input rows kept for new entries.
    ws.print_area = f"A1:{openpyxl.utils.get_column_letter(len(cols))}{max(4, 3 + len(items))}"
    st.protect(ws)


def _report(ws: Worksheet, reg: TrainingRegister) -> None:
    st.title(ws, "Kto w JST jest przeszkolony i z czego", (
        "Raport z danych w chwili zapisu (odśwież: kkz szkolenia skoroszyt)."))
    st.header_row(ws, 3, REPORT_HEADER)
    st.widths(ws, (18, 24, 26, 10, 30, 40, 12, 8, 12))
    r = 3
    for r, c in enumerate(completions(reg), start=4):
        for k, v in enumerate(c.row(), start=1):
            ws.cell(row=r, column=k, value=v)
        ws.cell(row=r, column=9).number_format = st.DATE
    r += 2
    st.header_row(ws, r, ("JST", "narzędzie KKZ", "przeszkolone osoby"))
    for jst, tools in jst_summary(reg).items():
        for tool, n in tools.items():
            r += 1
            ws.cell(row=r, column=1, value=jst)
            ws.cell(row=r, column=2, value=tool)
            ws.cell(row=r, column=3, value=n)
    st.a4(ws, landscape=True, repeat_rows="3:3")
    st.protect(ws)


def build_training_workbook(reg: TrainingRegister) -> Workbook:
    wb = Workbook()
    first = True
    for name in SHEETS:
        ws = wb.active if first else wb.create_sheet(name)
        ws.title = name
        first = False
        _register_sheet(ws, name, reg)
    _report(wb.create_sheet(REPORT_SHEET), reg)
    wb.properties.title = "System Szkoleń KKZ"
    wb.properties.creator = "kkz-xl"
    wb.properties.created = dt.datetime(2025, 1, 1)
    return wb


def write_training_workbook(path: Path, reg: TrainingRegister) -> Path:
    return st.save(build_training_workbook(reg), path)


def _value(value: Any, key: str) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if key in ("obecny", "ukonczyl") and isinstance(value, str):
        return value.strip().lower() in (YES, "t", "1", "prawda", "x")
    return value


def read_training_workbook(path: Path) -> TrainingRegister:
    """Read the four register sheets by their Polish headers and validate."""
    wb = openpyxl.load_workbook(Path(path), data_only=True)
    data: dict[str, list[dict[str, Any]]] = {}
    for name, (field, cols) in SHEETS.items():
        if name not in wb.sheetnames:
            raise InputError(str(path), f"brak arkusza „{name}”")
        ws = wb[name]
        headers = [c.value for c in ws[3]]
        index = {}
        for key, header, *_ in cols:
            if header not in headers:
                raise InputError(f"{path}: {name}", f"brak kolumny „{header}” w wierszu 3")
            index[key] = headers.index(header)
        rows = []
        for row in ws.iter_rows(min_row=4, values_only=True):
            if all(row[i] in (None, "") for i in index.values()):
                continue
            rows.append({k: _value(row[i], k) for k, i in index.items()
                         if row[i] not in (None, "")})
        data[field] = rows
    return validated(data, str(path))
