"""What every sheet builder shares: the inputs, the engine's figures, the cell writer and
where the other sheets put things."""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from kkz_xl.model.payers import PAYERS
from kkz_xl.params.base import ParameterBase
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import Writer, quoted
from kkz_xl.workbook.inputs import PROGRAMME_KEYS, YES, WorkbookInputs
from kkz_xl.workbook.values import Figures

# Kalkulator columns, derived from the payers list (1-based): a new payer adds a cost column
# and moves everything right of it.
CALC_KEYS: tuple[str, ...] = (
    "code", "name", "persons", "inflow", *[f"cost_{p.value}" for p in PAYERS],
    "exit", "relapse", "programme", "coverage", "pcost", "success", "repeat",
    "npv", "pv_prog", "prog_y1", "gmina_y1", "bcr", "roi", "be_year", "payback", "threshold",
    "prob",
)
CALC_COL: dict[str, int] = {k: i + 1 for i, k in enumerate(CALC_KEYS)}
COL_CODE, COL_NAME, COL_PERSONS, COL_INFLOW = (CALC_COL[k] for k in
                                               ("code", "name", "persons", "inflow"))
COL_COST0 = CALC_COL[f"cost_{PAYERS[0].value}"]  # payers: COL_COST0 .. + N_PAYERS - 1
COL_EXIT, COL_RELAPSE, COL_PROGRAMME, COL_COVERAGE, COL_PCOST, COL_SUCCESS, COL_REPEAT = (
    CALC_COL[k] for k in ("exit", "relapse", "programme", "coverage", "pcost", "success",
                          "repeat"))
COL_NPV, COL_PV_PROG, COL_BCR, COL_ROI, COL_BE_YEAR, COL_PAYBACK, COL_THRESHOLD, COL_PROB = (
    CALC_COL[k] for k in ("npv", "pv_prog", "bcr", "roi", "be_year", "payback", "threshold",
                          "prob"))
COL_PROG_Y1, COL_GMINA_Y1 = CALC_COL["prog_y1"], CALC_COL["gmina_y1"]
COL_LAST = len(CALC_KEYS)

# Programy (hidden): one row per programme option of an issue.
PROG_KEYS: tuple[str, ...] = ("klucz", "kod", "id", "nazwa", *PROGRAMME_KEYS, "rozdzial",
                               "paragraf")
PROG_COL: dict[str, int] = {k: i + 1 for i, k in enumerate(PROG_KEYS)}


@dataclass(frozen=True)
class StatePlaces:
    """Where an issue on its multi-state model keeps its ranges on the Stany sheet."""

    split: str  # the used shares of the states at the start (podzial)
    costs: str  # the used amount of each cost line in each state (koszty_stanow)
    transitions: str  # the used transition probabilities (przejscia)
    programme: str  # the chosen programme's id
    payer_costs: list[str]  # per payer: the yearly cost of one person in each state
    detail: tuple[int, int] = (0, 0)  # rows of the lines and transitions (below the states)


#: A multi-state issue's function: the two-state function's name and this suffix.
STATE_SUFFIX = "_STANY"


@dataclass
class Context:
    wb: Workbook
    data: WorkbookInputs
    figures: Figures
    base: ParameterBase
    w: Writer
    param_rows: dict[tuple[str, str], int] = field(default_factory=dict)
    calc_rows: dict[str, int] = field(default_factory=dict)
    cost_rows: dict[str, int] = field(default_factory=dict)  # Koszty w latach: year-1 row
    mc_rows: dict[str, int] = field(default_factory=dict)  # Niepewność summary row per issue
    payer_rows: dict[str, int] = field(default_factory=dict)  # Płatnicy summary row per issue
    picked_names: dict[str, str] = field(default_factory=dict)  # picker name → name cell
    programme_rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # Programy rows
    programme_ok: dict[str, str] = field(default_factory=dict)  # Parametry flag cell (1: ok)
    states: dict[str, StatePlaces] = field(default_factory=dict)  # multi-state issues
    flow_first_row: int = 0
    tornado_sorted_first_row: int = 0
    tornado_sorted_col: int = 0  # Niepewność: the sorted tornado's label column
    chart_anchors: list[tuple[int, int]] = field(default_factory=list)  # Wykresy: (row, rows)
    totals_row: int = 0
    payer_totals_row: int = 0

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.data.issues]

    @property
    def factor(self) -> float:
        return self.data.price_factor(self.base)

    def calc(self, code: str, col: int, *, absolute: bool = True) -> str:
        """A Kalkulator cell of issue ``code`` as seen from another sheet."""
        c = get_column_letter(col)
        r = self.calc_rows[code]
        return f"{quoted(L.CALC)}!${c}${r}" if absolute else f"{quoted(L.CALC)}!{c}{r}"

    def active(self, code: str) -> str:
        """The condition (formula text) under which issue ``code`` is computed: persons given
        and a programme the workbook can compute."""
        return f"AND(N({self.calc(code, COL_PERSONS)})>0,{self.programme_ok[code]}=1)"

    def cost_table(self, code: str, *, gains: bool = False) -> str:
        """Issue ``code``'s years × payers cost (or ``gains``) table on Koszty w latach
        (absolute)."""
        first = self.cost_rows[code]
        start = L.COSTS_GAIN_COL if gains else L.COSTS_PAYER_COL
        a = get_column_letter(start)
        b = get_column_letter(start + len(PAYERS) - 1)
        return f"{quoted(L.COSTS)}!${a}${first}:${b}${first + L.MAX_YEARS - 1}"

    def gains_arg(self, code: str) -> list[str]:
        """The trailing ``korzysc_roczna`` argument: the gains table, if the issue has gain
        lines (none: the argument is left out); on a multi-state model the gain of a person
        in a gain state."""
        return [self.cost_table(code, gains=True)] if self.data.issue(code).has_gains else []

    def is_multi(self, code: str) -> bool:
        return self.data.issue(code).multi

    def call(self, function: str, code: str, *extra: str, without_success: bool = False
             ) -> str:
        """``function``'s call for issue ``code``: the model arguments, the function's own
        ``extra`` ones, then ``korzysc_roczna`` (the contract puts it last). An issue on its
        multi-state model calls the function's ``…_STANY`` twin with the Stany ranges."""
        if self.is_multi(code):
            function += STATE_SUFFIX
            lead = self.state_args(code, without_success=without_success)
        else:
            lead = self.model_args(code, without_success=without_success)
        args = [lead, *extra, *self.gains_arg(code)]
        return f"{function}({','.join(args)})"

    def state_args(self, code: str, *, without_success: bool = False) -> str:
        """The leading arguments of a ``…_STANY`` function for issue ``code``
        (``excel.calculator.STATE_ARGS``): its Kalkulator row and its Stany ranges."""
        r = self.calc_rows[code]
        s = quoted(L.CALC)
        st = self.states[code]

        def c(col: int) -> str:
            return f"{s}!${get_column_letter(col)}${r}"

        parts = [f'"{code}"', f"N({c(COL_PERSONS)})", st.split, st.costs, st.transitions,
                 f"N({c(COL_INFLOW)})", st.programme, c(COL_PCOST)]
        if not without_success:
            parts.append(c(COL_SUCCESS))
        parts += [c(COL_COVERAGE), f'{c(COL_REPEAT)}="{YES}"', L.NAME_HORIZON, L.NAME_RATE]
        return ",".join(parts)

    def model_args(self, code: str, *, without_success: bool = False) -> str:
        """The contract's eleven model arguments of issue ``code``: its Kalkulator row (persons
        through N() so an empty row gives zeros, never an error) and its years × payers cost
        table (a multi-state issue: ``state_args``)."""
        r = self.calc_rows[code]
        s = quoted(L.CALC)

        def c(col: int) -> str:
            return f"{s}!${get_column_letter(col)}${r}"

        parts = [f"N({c(COL_PERSONS)})", self.cost_table(code), c(COL_EXIT)]
        if not without_success:
            parts.append(c(COL_SUCCESS))
        parts += [c(COL_PCOST), L.NAME_HORIZON, L.NAME_RATE, c(COL_COVERAGE), c(COL_RELAPSE),
                  f"N({c(COL_INFLOW)})", f'{c(COL_REPEAT)}="{YES}"']
        return ",".join(parts)
