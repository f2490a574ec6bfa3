"""``CIS_Finansowanie.xlsx``: the financing calculator sheet (native Excel formulas, works
without the add-in), the graduates and the monitoring tracking sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.cis.financing import CisInput
from kkz_xl.cis.labels import (
    CIS_PAYER_LABELS,
    CONTACT_FORMS,
    COST_TABLE_HEADER,
    GRADUATE_SITUATIONS,
    GRADUATES_HEADER,
    INPUT_LABELS,
    RESULT_LABELS,
    SHEET_CALC,
    SHEET_GRADUATES,
    SHEET_HELP,
    SHEET_OUTCOMES,
    SHEET_OUTCOMES_HEADER,
    SHEET_TRACKING,
    TOTAL_LABEL,
    TRACKING_HEADER,
    CisPayer,
)
from kkz_xl.cis.monitoring import Graduate, Schedule, monitoring_plan
from kkz_xl.cis.outcomes import ContactEntry, OutcomeRow, outcomes
from kkz_xl.cis.params import cis_params, validity_warnings
from kkz_xl.office import xlsx_style as st
from kkz_xl.polish import fmt_date, fmt_money, fmt_percent

FIRST_INPUT_ROW = 4
TRACKING_FIRST_ROW = 4
# Input rows of the calculator: field, number format, validation (low, high, whole, percent).
_INPUTS: tuple[tuple[str, str, tuple[float, float, bool, bool]], ...] = (
    ("uczestnicy", st.INTEGER, (1, 10_000, True, False)),
    ("miesiace", st.DECIMAL, (0.5, 24, False, False)),
    ("miesiace_dzialania", st.DECIMAL, (0.5, 24, False, False)),
    ("zasilek", st.MONEY, (1, 100_000, False, False)),
    ("mnoznik", "0%", (0.01, 5, False, True)),
    ("stopa_skladek", "0.00%", (0, 1, False, True)),
    ("koszty_biezace_mies", st.MONEY, (0, 1e9, False, False)),
    ("przychody_wlasne", st.MONEY, (0, 1e10, False, False)),
    ("udzial_ue", "0%", (0, 1, False, True)),
    ("udzial_panstwa", "0%", (0, 1, False, True)),
)


def _source_notes() -> dict[str, str]:
    """Each legal amount's source with its period of validity (and a warning when past)."""
    p = cis_params()
    values = {"zasilek": p.zasilek_dla_bezrobotnych, "mnoznik": p.mnoznik_swiadczenia,
              "stopa_skladek": p.stopa_skladek, "udzial_panstwa": p.udzial_panstwa_propozycja}
    out = {}
    for field, v in values.items():
        note = f"{v.validity()[:1].upper()}{v.validity()[1:]}. {v.zrodlo}"
        if v.expired(p.dzien):
            note = f"UWAGA: termin obowiązywania minął – sprawdź nową kwotę. {note}"
        out[field] = note
    out["miesiace_dzialania"] = ("Koszty bieżące (kadra, lokal) liczą się za miesiące działania "
                                 "CIS, nie za średnie uczestnictwo.")
    return out


def _calculator(ws: Worksheet, data: CisInput) -> None:
    st.title(ws, "Centrum Integracji Społecznej – kalkulator finansowania", st.INPUT_LEGEND)
    st.widths(ws, (52, 18, 10, 60))
    st.header_row(ws, FIRST_INPUT_ROW - 1, ("Dane", "Wartość", "", "Źródło / uwagi"))
    cell: dict[str, str] = {}
    notes = _source_notes()
    for i, (field, fmt, (low, high, whole, percent)) in enumerate(_INPUTS):
        row = FIRST_INPUT_ROW + i
        ws.cell(row=row, column=1, value=INPUT_LABELS[field])
        target = ws.cell(row=row, column=2, value=getattr(data, field))
        st.as_input(target, fmt)
        st.number_validation(ws, target.coordinate, INPUT_LABELS[field], low, high,
                             whole=whole, percent=percent)
        if field in notes:
            # 9-point notes in a 60-wide column: about 75 characters a line, 12 points each.
            st.note(ws, row, 4, notes[field], height=12 * (len(notes[field]) // 75 + 1))
        cell[field] = target.coordinate
    row = FIRST_INPUT_ROW + len(_INPUTS) + 1
    st.header_row(ws, row, ("Wyniki", "Kwota", "", ""))
    # Templates filled with the cell addresses known when each row is written.
    formulas = {
        "swiadczenie_mies": "={zasilek}*{mnoznik}",
        "swiadczenia": "={uczestnicy}*{miesiace}*{swiadczenie_mies}",
        "skladki": "={swiadczenia}*{stopa_skladek}",
        "koszty_biezace": "={koszty_biezace_mies}*{miesiace_dzialania}",
        "nadwyzka_przychodow": "=MAX(0,{przychody_wlasne}-{koszty_biezace})",
    }
    for key, formula in formulas.items():
        row += 1
        ws.cell(row=row, column=1, value=RESULT_LABELS[key])
        cell[key] = f"B{row}"
        st.as_output(ws.cell(row=row, column=2, value=formula.format(**cell)), st.MONEY)
    row += 2
    st.header_row(ws, row, (*COST_TABLE_HEADER, ""))
    own = f"MIN({cell['przychody_wlasne']},{cell['koszty_biezace']})"
    rest = f"({cell['koszty_biezace']}-{own})"
    payer_rows = {p: row + 1 + i for i, p in enumerate(CisPayer)}
    total_row = row + 1 + len(payer_rows)
    ue = f"B{payer_rows[CisPayer.FUNDUSZE_UE]}"
    state = f"B{payer_rows[CisPayer.BUDZET_PANSTWA]}"
    payer_formula = {
        CisPayer.FUNDUSZ_PRACY: f"={cell['swiadczenia']}+{cell['skladki']}",
        CisPayer.GMINA: f"={rest}-{ue}-{state}",
        CisPayer.BUDZET_PANSTWA: f"={cell['udzial_panstwa']}*({rest}-{ue})",
        CisPayer.FUNDUSZE_UE: f"={cell['udzial_ue']}*{rest}",
        CisPayer.PRZYCHODY_WLASNE: f"={own}",
    }
    for payer, r in payer_rows.items():
        ws.cell(row=r, column=1, value=CIS_PAYER_LABELS[payer])
        st.as_output(ws.cell(row=r, column=2, value=payer_formula[payer]), st.MONEY)
        st.as_output(ws.cell(row=r, column=3, value=f"=IF($B${total_row}=0,0,B{r}/$B${total_row})"),
                     st.PERCENT)
    first, last = min(payer_rows.values()), max(payer_rows.values())
    ws.cell(row=total_row, column=1, value=TOTAL_LABEL).font = st.BOLD_FONT
    st.as_output(ws.cell(row=total_row, column=2, value=f"=SUM(B{first}:B{last})"), st.MONEY,
                 bold=True)
    st.as_output(ws.cell(row=total_row, column=3, value=f"=SUM(C{first}:C{last})"), st.PERCENT)
    fp, gm = payer_rows[CisPayer.FUNDUSZ_PRACY], payer_rows[CisPayer.GMINA]
    per = {
        "koszt_uczestnika": f"=B{total_row}/{cell['uczestnicy']}",
        "koszt_publiczny_uczestnika": f"=(B{fp}+B{gm}+{state})/{cell['uczestnicy']}",
    }
    row = total_row + 1
    for key, formula in per.items():
        row += 1
        ws.cell(row=row, column=1, value=RESULT_LABELS[key])
        st.as_output(ws.cell(row=row, column=2, value=formula), st.MONEY, bold=True)
    row += 2
    st.note(ws, row, 1, (
        "Świadczenie integracyjne i składki od niego finansuje Fundusz Pracy (przez PUP). Koszty "
        "bieżące pokrywają najpierw przychody własne CIS, potem fundusze UE (udział), resztę "
        "dzielą budżet państwa (udział; propozycja z Olsztyna 2011: 80 %) i gmina."
    ), merge_to=4, height=30)
    st.a4(ws)
    st.protect(ws)


IN_PLAN_HEADER = "w planie kontaktów"
NOT_IN_PLAN = "nie – odśwież: kkz cis monitoring"


def _graduates(ws: Worksheet, graduates: list[Graduate], spare_rows: int) -> None:
    st.title(ws, "Absolwenci CIS objęci monitoringiem", st.INPUT_LEGEND)
    st.widths(ws, (16, 36, 16, 40))
    st.header_row(ws, 3, (*GRADUATES_HEADER, IN_PLAN_HEADER))
    last = 3 + len(graduates) + spare_rows
    for r in range(4, last + 1):
        for c, fmt in ((1, None), (2, None), (3, st.DATE)):
            st.as_input(ws.cell(row=r, column=c), fmt)
        # A graduate typed in later has no contacts yet: say so where staff look.
        st.as_output(ws.cell(row=r, column=4, value=(
            f'=IF($A{r}="","",IF(COUNTIF({SHEET_TRACKING}!$A:$A,$A{r})>0,"tak",'
            f'"{NOT_IN_PLAN}"))')))
    for r, g in enumerate(graduates, start=4):
        ws.cell(row=r, column=1, value=g.id)
        ws.cell(row=r, column=2, value=g.imie_nazwisko)
        ws.cell(row=r, column=3, value=g.data_ukonczenia)
    st.date_validation(ws, f"C4:C{last}", "Data ukończenia")
    ws.freeze_panes = "A4"
    st.a4(ws, repeat_rows="3:3")
    ws.print_area = f"A1:D{3 + max(len(graduates), 1)}"  # the graduates, not the spare rows
    st.protect(ws)


def _tracking(ws: Worksheet, graduates: list[Graduate], schedule: Schedule,
              entries: dict[tuple[str, int], ContactEntry]) -> None:
    st.title(ws, "Monitoring absolwentów – plan kontaktów i ich przebieg", (
        "Planowane daty liczą się same z daty ukończenia (arkusz Absolwenci). "
        "Wiersz na czerwono: termin kontaktu minął, a kontaktu nie wpisano."
    ))
    st.widths(ws, (14, 28, 14, 9, 11, 14, 14, 16, 30, 30))
    st.header_row(ws, 3, TRACKING_HEADER)
    ref = f"{SHEET_GRADUATES}!$A$4:$C$10000"
    plan = [(c.absolwent.id, c.nr, c.miesiac) for c in monitoring_plan(graduates, schedule)]
    planned = {(gid, month) for gid, _nr, month in plan}
    # What staff entered outside the new plan (a graduate removed, another schedule) is kept.
    kept = [(e.absolwent, None, e.miesiac) for key, e in entries.items() if key not in planned]
    r = TRACKING_FIRST_ROW - 1
    for r, (gid, nr, month) in enumerate(plan + kept, start=TRACKING_FIRST_ROW):
        ws.cell(row=r, column=1, value=gid)
        ws.cell(row=r, column=2, value=f'=IFERROR(VLOOKUP($A{r},{ref},2,FALSE),"")')
        st.as_output(ws.cell(row=r, column=3, value=f'=IFERROR(VLOOKUP($A{r},{ref},3,FALSE),"")'),
                     st.DATE)
        ws.cell(row=r, column=4, value=nr if nr is not None else "poza planem")
        ws.cell(row=r, column=5, value=month)
        st.as_output(ws.cell(row=r, column=6, value=f'=IF($C{r}="","",EDATE($C{r},$E{r}))'),
                     st.DATE)
        st.as_input(ws.cell(row=r, column=7), st.DATE)
        for c in (8, 9, 10):
            st.as_input(ws.cell(row=r, column=c))
        entry = entries.get((gid, month))
        if entry is not None:
            for c, value in ((7, entry.data_kontaktu), (8, entry.forma), (9, entry.sytuacja),
                             (10, entry.uwagi)):
                ws.cell(row=r, column=c, value=value)
    last = max(r, TRACKING_FIRST_ROW)
    st.date_validation(ws, f"G{TRACKING_FIRST_ROW}:G{last}", "Data kontaktu")
    st.list_validation(ws, f"H{TRACKING_FIRST_ROW}:H{last}", CONTACT_FORMS, "Forma kontaktu")
    st.list_validation(ws, f"I{TRACKING_FIRST_ROW}:I{last}", GRADUATE_SITUATIONS,
                       "Sytuacja absolwenta")
    first = TRACKING_FIRST_ROW
    overdue = f'AND($F{first}<>"",$F{first}<TODAY(),$G{first}="")'
    ws.conditional_formatting.add(
        f"A{TRACKING_FIRST_ROW}:F{last}",
        FormulaRule(formula=[overdue], fill=PatternFill("solid", fgColor="F8CBAD")),
    )
    ws.freeze_panes = "C4"
    ws.auto_filter.ref = f"A3:J{last}"
    st.a4(ws, landscape=True, repeat_rows="3:3")
    st.protect(ws)


def _outcomes(ws: Worksheet, rows: list[OutcomeRow], today: dt.date) -> None:
    st.title(ws, "Wyniki absolwentów według rocznika i miesiąca kontaktu", (
        f"Stan na {fmt_date(today)} (z wpisów w arkuszu Monitoring w chwili zapisu; odśwież: "
        "kkz cis monitoring wypelniony.xlsx). Udział usamodzielnionych = usamodzielnieni / "
        "kontakty wpisane; brak kontaktu liczy się jako brak usamodzielnienia."))
    st.widths(ws, (14, 12, 11, 10, 11, 11, 15, 15, 10, 14))
    st.header_row(ws, 3, SHEET_OUTCOMES_HEADER, height=45)
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row.cells(), start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if c == 1 and value == 0:
                cell.value = "ogółem"
            if c == 8:
                cell.number_format = st.PERCENT
                if value is None:
                    cell.value = "–"
    ws.freeze_panes = "C4"
    last = max(3 + len(rows), 4)
    ws.print_area = f"A1:J{last}"
    st.a4(ws, landscape=True, repeat_rows="3:3")
    st.protect(ws)


def _help(ws: Worksheet, schedule: Schedule) -> None:
    st.title(ws, "CIS – finansowanie i monitoring absolwentów")
    p = cis_params()
    benefit = p.zasilek_dla_bezrobotnych
    integration = benefit.wartosc * p.mnoznik_swiadczenia.wartosc
    months = ", ".join(str(m) for m in schedule.contact_months())
    warnings = tuple(f"UWAGA: {w}." for w in validity_warnings(p.dzien))
    lines = (
        *warnings,
        "Arkusz Kalkulator: wpisz liczbę uczestników, średnie miesiące uczestnictwa, miesiące "
        "działania CIS, koszty bieżące, przychody własne i udziały płatników. Wyniki i podział "
        "na płatników liczą się same. Świadczenia liczą się za miesiące uczestnictwa, koszty "
        "bieżące – za miesiące działania CIS.",
        f"Świadczenie integracyjne = {fmt_percent(p.mnoznik_swiadczenia.wartosc, 0)} zasiłku "
        f"dla bezrobotnych z pierwszych 90 dni ({fmt_money(benefit.wartosc)}, kwota "
        f"{benefit.validity()}; więc {fmt_money(integration)} miesięcznie). Stan bazy "
        f"parametrów na {fmt_date(p.dzien)}.",
        "Arkusz Absolwenci: id, imię i nazwisko i data ukończenia CIS każdego absolwenta. "
        "Nowych absolwentów dopisuj w wolnych wierszach.",
        f"Arkusz Monitoring: kontakty w miesiącach {months} po ukończeniu (propozycja standardu "
        "z Olsztyna, 2011: trzy lata, w pierwszym roku co kwartał, potem co pół roku). "
        "Wpisuj datę, formę kontaktu i sytuację absolwenta.",
        "Gdy dzień nie istnieje w miesiącu kontaktu (np. 31 sierpnia + 6 miesięcy), termin "
        "przypada na ostatni dzień miesiąca (28 lub 29 lutego).",
        "Odświeżenie planu po dopisaniu absolwentów: kkz cis monitoring wypelniony.xlsx – "
        "wpisane kontakty zostają, nowi absolwenci dostają swoje terminy, arkusz Wyniki liczy "
        "się od nowa. Wyniki w konsoli i raport Word: kkz cis wyniki wypelniony.xlsx.",
        "Arkusz Wyniki: według rocznika i miesiąca kontaktu – zatrudnieni, usamodzielnieni "
        "(zatrudnieni, własna działalność, spółdzielnia socjalna), brak kontaktu; kontakty "
        "niewpisane po terminie są pominięte w udziale i podane osobno.",
        "Te same obliczenia dają funkcje Excela KKZ_CIS_KOSZT, KKZ_CIS_SWIADCZENIE i "
        "KKZ_CIS_KONTAKTY (dodatek KKZ).",
    )
    st.instructions(ws, lines)


def build_cis_workbook(
    data: CisInput, graduates: list[Graduate], schedule: Schedule, *, calculator: bool = True,
    spare_rows: int = 20, entries: dict[tuple[str, int], ContactEntry] | None = None,
    today: dt.date | None = None,
) -> Workbook:
    """The workbook in memory: calculator (optional), graduates, tracking sheet (with what
    staff already entered, ``entries``), outcomes, instructions."""
    entries = entries or {}
    today = today or dt.date.today()
    wb = Workbook()
    ws = wb.active
    if calculator:
        ws.title = SHEET_CALC
        _calculator(ws, data)
        ws = wb.create_sheet(SHEET_GRADUATES)
    else:
        ws.title = SHEET_GRADUATES
    _graduates(ws, graduates, spare_rows)
    _tracking(wb.create_sheet(SHEET_TRACKING), graduates, schedule, entries)
    _outcomes(wb.create_sheet(SHEET_OUTCOMES), outcomes(graduates, entries, schedule, today),
              today)
    _help(wb.create_sheet(SHEET_HELP), schedule)
    wb.properties.title = "CIS – finansowanie i monitoring"
    wb.properties.creator = "kkz-xl"
    wb.properties.created = dt.datetime(2025, 1, 1)
    return wb


def write_cis_workbook(path: Path, data: CisInput, graduates: list[Graduate],
                       schedule: Schedule, *, calculator: bool = True,
                       entries: dict[tuple[str, int], ContactEntry] | None = None,
                       today: dt.date | None = None) -> Path:
    """Build and save atomically (the previous version kept as a backup copy)."""
    return st.save(build_cis_workbook(data, graduates, schedule, calculator=calculator,
                                      entries=entries, today=today), path)
