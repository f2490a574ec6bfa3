"""``kkz raport``: a calculator's input cells read back (``read_inputs``), and the PDFs of
its values-only copy (``values_copy``): the summary page, the full report for the council and
the report's annex of reference tables."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.print_settings import PrintArea

from kkz_xl.errors import DataError, InputError
from kkz_xl.model.payers import PAYER_LABELS, Payer
from kkz_xl.model.scenario import Scenario
from kkz_xl.office.libreoffice import convert, soffice_path
from kkz_xl.office.xlsx_style import NOTE_FONT
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.build import build as build_workbook
from kkz_xl.workbook.build import save, write_workbook
from kkz_xl.workbook.inputs import (
    LINE_PREFIX,
    TWO_STATE_SUFFIX,
    ParamRow,
    WorkbookInputs,
    blank_inputs,
    from_scenario,
    issue_rows,
    programme_options,
    state_issue_row,
)
from kkz_xl.workbook.sheet_budget import write_wpf_csv
from kkz_xl.workbook.sheet_costs import PROFILE_PREFIX, profile_header
from kkz_xl.workbook.sheet_states import read_states
from kkz_xl.workbook.sheets_inputs import GAIN_MARK
from kkz_xl.workbook.sheets_report import VERDICT_NONE
from kkz_xl.workbook.values import Figures

PDF_FIRST_PAGE = 'pdf:calc_pdf_Export:{"PageRange":{"type":"string","value":"1"}}'


def _cell(wb: openpyxl.Workbook, name: str) -> object:
    return wb[L.JST].cell(row=L.JST_ROWS[name], column=L.JST_VALUE_COL).value


def read_inputs(path: Path, base: ParameterBase | None = None) -> WorkbookInputs:
    """The input cells of a calculator workbook (as the user left them)."""
    base = base or default_base()
    path = Path(path)
    if not path.exists():
        raise InputError("skoroszyt", f"nie znaleziono pliku {path}")
    if path.suffix.lower() not in (".xlsm", ".xlsx"):
        raise InputError("skoroszyt", f"oczekiwano skoroszytu Kalkulatora KKZ (.xlsm lub "
                                      f".xlsx), otrzymano {path.name}")
    try:
        wb = openpyxl.load_workbook(path, keep_vba=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError):
        raise InputError("skoroszyt", f"{path.name} jest uszkodzony albo nie jest skoroszytem "
                                      "Excela (otwórz go w Excelu i zapisz ponownie)") from None
    except (OSError, ValueError) as err:
        raise InputError("skoroszyt", f"nie da się otworzyć {path.name}: {err}") from None
    missing = [s for s in (L.JST, L.PARAMS, L.CALC) if s not in wb.sheetnames]
    if missing:
        raise InputError("skoroszyt", f"to nie jest Kalkulator KKZ: brak arkuszy "
                                      f"{', '.join(missing)}")

    def num(name: str, default: float) -> float:
        v = _cell(wb, name)
        return default if v in (None, "") else float(v)  # type: ignore[arg-type]

    blank = blank_inputs(base)
    horizon = int(num(L.NAME_HORIZON, blank.horizon))
    fresh = replace(blank, horizon=horizon)
    params = wb[L.PARAMS]
    sheet_rows: dict[str, list[SheetRow]] = {}
    for cells in params.iter_rows(min_row=L.PARAMS_FIRST_ROW, max_col=L.PARAMS_OK_COL,
                                  values_only=True):
        if cells[0]:
            sheet_rows.setdefault(str(cells[0]), []).append(SheetRow(cells))
    calc = wb[L.CALC]
    people: dict[str, tuple[object, object]] = {}
    for row in calc.iter_rows(min_row=L.CALC_FIRST_ROW, max_col=4, values_only=True):
        if row[0]:
            people[str(row[0])] = (row[2], row[3])
    issues = []
    typed_states = read_states(wb)
    for index, issue in enumerate(fresh.issues):
        params_ = base.issues[issue.code]
        found = sheet_rows.get(issue.code, [])
        labels = {r.label: r.key for r in issue.params}
        keyed = {(r.key or labels.get(r.label, "")): r for r in found}  # old files: labels
        pick = keyed.get("program")
        chosen = None
        if pick is not None:
            chosen = str(pick.own if pick.own not in (None, "") else pick.base or "") or None
        on_states = issue.code in typed_states  # a block on Stany: its multi-state model
        rows = (state_issue_row(issue.code, base, chosen=chosen).params if on_states
                else issue_rows(params_, base, chosen=chosen))
        lines = _sheet_lines(wb, index, [r for k, r in keyed.items()
                                         if k.startswith(LINE_PREFIX)])
        if lines is not None and [r.label for r in lines] != [r.label for r in rows
                                                               if r.payer is not None]:
            rows = lines + [r for r in rows if r.payer is None]  # a scenario's own lines
        rows = [_with_sheet(r, keyed.get(r.key)) for r in rows]
        persons, inflow = people.get(issue.code, (None, 0.0))
        own_states = typed_states.get(issue.code, {})
        if on_states:
            template = state_issue_row(issue.code, base)
            issue = replace(template, states=tuple(replace(r, own=own_states.get(r.key))
                                                   for r in template.states))
        elif issue.multi:  # an older file, or the two-state form the scenario chose
            issue = replace(issue, name=params_.nazwa + TWO_STATE_SUFFIX, states=(),
                            options=programme_options(params_))
        issues.append(replace(issue, params=rows,
                              persons=float(persons) if persons not in (None, "") else None,
                              inflow=float(inflow or 0.0)))
    flow = wb[L.FLOWS]["B3"].value if L.FLOWS in wb.sheetnames else None
    return replace(
        fresh, jst_name=str(_cell(wb, L.NAME_JST) or ""), teryt=str(_cell(wb, L.NAME_TERYT) or ""),
        kind=str(_cell(wb, L.NAME_KIND) or "gmina"),
        voivodeship=str(_cell(wb, L.NAME_VOIVODESHIP) or ""),
        residents=int(num(L.NAME_RESIDENTS, 0)) or None,
        price_year=int(num(L.NAME_PRICE_YEAR, blank.price_year)),
        rate=num(L.NAME_RATE, blank.rate), draws=int(num(L.NAME_DRAWS, blank.draws)),
        spread=num(L.NAME_SPREAD, blank.spread), seed=int(num(L.NAME_SEED, blank.seed)),
        issues=issues, flow_issue=str(flow or blank.flow_issue),
        start_year=int(num(L.NAME_START_YEAR, 0)), indexation=_named_number(wb, L.NAME_INDEXATION),
        tornado_issue=_tornado_pick(wb) or str(flow or blank.tornado_issue),
    )


@dataclass(frozen=True)
class SheetRow:
    """One Parametry row as the workbook holds it (columns A–M: keys, gain mark hidden)."""

    cells: tuple[Any, ...]

    def at(self, col: int) -> Any:
        return self.cells[col - 1] if len(self.cells) >= col else None

    @property
    def label(self) -> str:
        return str(self.at(3) or "")

    @property
    def key(self) -> str:
        return str(self.at(L.PARAMS_KEY_COL) or "")

    @property
    def base(self) -> Any:
        """Column D: the base's value (a formula's text where it follows the programme)."""
        v = self.at(4)
        return None if isinstance(v, str) and v.startswith("=") else v

    @property
    def own(self) -> Any:
        return self.at(6)

    @property
    def gain(self) -> bool:
        if self.key:
            return self.at(L.PARAMS_OK_COL) == GAIN_MARK
        return self.label.startswith("Korzyść")  # older files: the label says it

    @property
    def payer(self) -> Payer | None:
        if self.key:  # a keyed row: the payer's code beside it (older files have neither)
            code = self.at(L.PARAMS_PAYER_COL)
            return Payer(str(code)) if code else None
        # Older workbooks without key columns: the payer named in the label.
        return next((p for p, name in PAYER_LABELS.items() if f" – {name}: " in self.label),
                    None)


def _with_sheet(row: ParamRow, found: SheetRow | None) -> ParamRow:
    """``row`` with the user's value of the sheet (and a fixed default where the sheet
    keeps one)."""
    if found is None:
        return row
    own = None if found.own in (None, "") else found.own
    if row.from_programme or row.key == "program" or found.base in (None, ""):
        return replace(row, own=own)
    return replace(row, own=own, base_value=found.base)


def _sheet_lines(wb: openpyxl.Workbook, index: int, rows: list[SheetRow]
                 ) -> list[ParamRow] | None:
    """The cost line rows of the ``index``-th issue as written in the workbook (rows keyed as
    lines, or in older files whose label names a payer; profiles from its block on Koszty w
    latach)."""
    if L.COSTS not in wb.sheetnames:
        return None
    costs = wb[L.COSTS]
    first = L.costs_first_row(index)
    profiles: dict[str, tuple[float, ...]] = {}
    # The multipliers' columns by their headers (older files put them elsewhere).
    for col in range(L.COSTS_PAYER_COL, costs.max_column + 1):
        header = costs.cell(row=first - 1, column=col).value
        if isinstance(header, str) and header.startswith(PROFILE_PREFIX):
            profiles[header] = tuple(float(costs.cell(row=first + t, column=col).value or 0)
                                     for t in range(L.MAX_YEARS))
    out: list[ParamRow] = []
    for row in rows:
        payer = row.payer
        if payer is None:
            continue
        profile = profiles.get(profile_header(row.label))
        out.append(ParamRow(f"{LINE_PREFIX}{len(out)}", row.label, "money",
                            float(row.base or 0.0), str(row.at(8) or ""), str(row.at(10) or ""),
                            int(row.at(9)) if row.at(9) else None,
                            own=None if row.own in (None, "") else row.own, payer=payer,
                            profile=profile, gain=row.gain))
    return out


def _named_number(wb: openpyxl.Workbook, name: str) -> float | None:
    """The number in the cell a defined name points at (None: no such name or no number)."""
    defined = wb.defined_names.get(name)
    if defined is None:
        return None
    for sheet, cell in defined.destinations:
        value = wb[sheet][cell.replace("$", "")].value
        return float(value) if isinstance(value, int | float) else None
    return None


def _tornado_pick(wb: openpyxl.Workbook) -> str | None:
    name = wb.defined_names.get(L.NAME_TORNADO_ISSUE)
    if name is None:
        return None
    for sheet, cell in name.destinations:
        return wb[sheet][cell.replace("$", "")].value
    return None


def wpf_csv(source: Path, output: Path) -> Path:
    """The WPF's list of przedsięwzięcia of a filled calculator, as CSV (engine figures)."""
    if Path(output).suffix.lower() != ".csv":
        raise InputError("--wpf", "wykaz przedsięwzięć WPF zapisuje się jako .csv")
    base = default_base()
    data = read_inputs(source, base)
    figures = Figures(data, base=base, full=False)
    results = {i.code: figures.issue(i.code).result for i in data.issues if i.active}
    write_wpf_csv(output, data, results, base)
    return Path(output)


def soffice_available() -> bool:
    return soffice_path() is not None


def summary_pdf(report: Path, output: Path | None = None, *, timeout: int = 180) -> Path:
    """A PDF of the report's Podsumowanie sheet (one A4 page): LibreOffice headless exports
    the first page of a copy whose first sheet is the summary."""
    report = Path(report)
    output = Path(output) if output else report.with_suffix(".pdf")
    if not soffice_available():
        raise InputError("pdf", "brak programu LibreOffice (soffice) – zainstaluj go, aby "
                                "utworzyć PDF podsumowania")
    wb = openpyxl.load_workbook(report, rich_text=True)
    wb.move_sheet(L.SUMMARY, offset=-wb.sheetnames.index(L.SUMMARY))
    wb.active = 0
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"{output.stem}.xlsx"
        save(wb, src)
        try:
            pdf = convert(src, PDF_FIRST_PAGE, Path(tmp) / "pdf", timeout=timeout)
        except DataError as err:
            raise InputError("pdf", f"LibreOffice nie utworzył PDF: {err}") from None
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, output)
    return output


#: The reference tables of the full report: printed as its annex (``NAME_parametry.pdf``).
ANNEX_SHEETS = (L.PARAMS, L.STATES)
#: Helper tables printed in neither PDF (they stay in the values copy).
HELPER_SHEETS = (L.COSTS, L.PROGRAMMES)


#: Sheets of one issue's or the programmes' figures: a report without data prints none.
RESULT_SHEETS = (L.FLOWS, L.PAYERS, L.UNCERTAINTY, L.BUDGET, L.CHARTS)


def _has_results(wb: openpyxl.Workbook) -> bool:
    """Whether any issue has a result (else the summary says "Brak danych")."""
    return not any(c.value == VERDICT_NONE for row in wb[L.SUMMARY].iter_rows() for c in row)


def annex_path(pdf: Path) -> Path:
    """Where the full report ``pdf`` keeps its annex of parameters: ``X_raport.pdf`` →
    ``X_parametry.pdf`` beside it (any other name: ``NAME_parametry.pdf``)."""
    pdf = Path(pdf)
    stem = pdf.stem.removesuffix("_raport")
    return pdf.with_name(f"{stem}_parametry.pdf")


def _print_only(wb: openpyxl.Workbook, sheets: tuple[str, ...]) -> None:
    """Of ``wb`` print only ``sheets``: the others hidden and without print areas
    (LibreOffice still prints a hidden sheet's print area)."""
    for ws in wb.worksheets:
        if ws.title in sheets:
            ws.sheet_state = "visible"
            continue
        ws.sheet_state = "hidden"
        ws._print_area = PrintArea()  # openpyxl has no public "no print area"
        ws._print_rows = ws._print_cols = None  # nor "no repeated titles"
    first = next(i for i, ws in enumerate(wb.worksheets) if ws.title in sheets)
    wb.active = first
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is wb.worksheets[first]


def _annex_note(wb: openpyxl.Workbook, annex: Path) -> None:
    """The report's summary names its annex (row 3, empty in the summary)."""
    ws = wb[L.SUMMARY]
    cell = ws.cell(row=3, column=1, value=(
        f"Parametry z ich źródłami i modele wielostanowe (arkusze {' i '.join(ANNEX_SHEETS)}): "
        f"załącznik {annex.name}."))
    cell.font = NOTE_FONT


def _pdf_of(wb: openpyxl.Workbook, output: Path, tmp: Path, timeout: int) -> Path:
    src = tmp / f"{output.stem}.xlsx"
    save(wb, src)
    try:
        pdf = convert(src, "pdf", tmp / "pdf", timeout=timeout)
    except DataError as err:
        raise InputError("pdf", f"LibreOffice nie utworzył PDF: {err}") from None
    output.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, output)
    return output


def report_pdf(report: Path, output: Path | None = None, *, timeout: int = 300) -> Path:
    """A PDF of the values-only report for the council (summary first, the results' sheets;
    no helper tables) and, beside it as :func:`annex_path`, the annex with the reference
    tables (Parametry, Stany). Returns the report's PDF."""
    report = Path(report)
    output = Path(output) if output else report.with_suffix(".pdf")
    if not soffice_available():
        raise InputError("pdf", "brak programu LibreOffice (soffice) – zainstaluj go, aby "
                                "utworzyć PDF raportu")
    annex = annex_path(output)
    with tempfile.TemporaryDirectory() as tmp:
        wb = openpyxl.load_workbook(report, rich_text=True)
        names = wb.sheetnames
        skip = ANNEX_SHEETS + HELPER_SHEETS + (() if _has_results(wb) else RESULT_SHEETS)
        _print_only(wb, tuple(n for n in names if n not in skip))
        _annex_note(wb, annex)
        _pdf_of(wb, output, Path(tmp), timeout)
        wb = openpyxl.load_workbook(report, rich_text=True)
        _print_only(wb, tuple(n for n in names if n in ANNEX_SHEETS))
        for name in ANNEX_SHEETS:
            if name in wb.sheetnames:
                wb[name].oddFooter.center.text = (f"Załącznik do raportu {output.name} – "
                                                  "strona &P z &N")
        _pdf_of(wb, annex, Path(tmp), timeout)
    return output


def demo(out_dir: Path) -> list[Path]:
    """The sample gmina's filled calculator, its values-only report and (with LibreOffice)
    the summary PDF, in ``out_dir``."""
    out_dir = Path(out_dir)
    sample = Path(__file__).resolve().parents[1] / "sample" / "gmina_przykladowa.yaml"
    data = from_scenario(Scenario.load(sample))
    calc, _ = write_workbook(out_dir / L.WORKBOOK_NAME, data)
    report = out_dir / "Kalkulator_KKZ_raport.xlsx"
    wb, _ = build_workbook(data, values=True)
    save(wb, report)
    paths = [calc, report]
    if soffice_available():
        paths.append(summary_pdf(report, out_dir / "Podsumowanie_KKZ.pdf"))
    return paths
