"""What every sheet builder shares: the inputs, the engine's figures, the cell writer and
where the other sheets put things."""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl import Workbook

from kkz_xl.params.base import ParameterBase
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import Writer, quoted
from kkz_xl.workbook.inputs import WorkbookInputs
from kkz_xl.workbook.values import Figures

# Kalkulator columns, defined once (1-based).
COL_CODE, COL_NAME, COL_PERSONS, COL_INFLOW = 1, 2, 3, 4
COL_COST0 = 5  # five payers: 5..9
COL_EXIT, COL_RELAPSE, COL_PROGRAMME, COL_COVERAGE, COL_PCOST, COL_SUCCESS, COL_REPEAT = (
    10, 11, 12, 13, 14, 15, 16)
COL_NPV, COL_PV_PROG, COL_BCR, COL_ROI, COL_BE_YEAR, COL_PAYBACK, COL_THRESHOLD, COL_PROB = (
    17, 18, 19, 20, 21, 22, 23, 24)


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
    flow_first_row: int = 0
    tornado_sorted_first_row: int = 0
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
        from openpyxl.utils import get_column_letter

        c = get_column_letter(col)
        r = self.calc_rows[code]
        return f"{quoted(L.CALC)}!${c}${r}" if absolute else f"{quoted(L.CALC)}!{c}{r}"

    def cost_table(self, code: str) -> str:
        """Issue ``code``'s years × payers cost table on Koszty w latach (absolute)."""
        from openpyxl.utils import get_column_letter

        first = self.cost_rows[code]
        a = get_column_letter(L.COSTS_PAYER_COL)
        b = get_column_letter(L.COSTS_PAYER_COL + 4)
        return f"{quoted(L.COSTS)}!${a}${first}:${b}${first + L.MAX_YEARS - 1}"

    def model_args(self, code: str, *, without_success: bool = False) -> str:
        """The contract's eleven model arguments of issue ``code``: its Kalkulator row (persons
        through N() so an empty row gives zeros, never an error) and its years × payers cost
        table."""
        from openpyxl.utils import get_column_letter

        r = self.calc_rows[code]
        s = quoted(L.CALC)

        def c(col: int) -> str:
            return f"{s}!${get_column_letter(col)}${r}"

        parts = [f"N({c(COL_PERSONS)})", self.cost_table(code), c(COL_EXIT)]
        if not without_success:
            parts.append(c(COL_SUCCESS))
        parts += [c(COL_PCOST), L.NAME_HORIZON, L.NAME_RATE, c(COL_COVERAGE), c(COL_RELAPSE),
                  f"N({c(COL_INFLOW)})", c(COL_REPEAT)]
        return ",".join(parts)
