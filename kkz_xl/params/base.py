"""Loading the parameter base (data files shipped in the package) once per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from kkz_xl.errors import DataError, InputError
from kkz_xl.params.prices import price_factor
from kkz_xl.params.schema import CpiSeries, GeneralParams, IssueParams
from kkz_xl.storage.datafile import load_shipped

DATA = resources.files("kkz_xl.params") / "data"


@dataclass(frozen=True)
class ParameterBase:
    """The issues' default parameters, the general parameters and the CPI series."""

    general: GeneralParams
    cpi: CpiSeries
    issues: dict[str, IssueParams]

    @property
    def price_year(self) -> int:
        return int(self.general.rok_cen.wartosc)

    @property
    def discount_rate(self) -> float:
        return self.general.stopa_dyskontowa.wartosc

    @property
    def indexation(self) -> float:
        """Yearly price growth assumed for amounts in prices of each year (nominal)."""
        return self.general.indeksacja.wartosc

    @property
    def horizon(self) -> int:
        return int(self.general.horyzont.wartosc)

    def issue(self, code: str) -> IssueParams:
        """The issue with ``code``, or a Polish error listing the known codes."""
        try:
            return self.issues[code]
        except KeyError:
            known = ", ".join(self.issues)
            raise InputError(
                "kwestia", f"nieznany kod kwestii {code!r}; dostępne: {known}"
            ) from None

    def price_factor(self, from_year: int, to_year: int) -> float:
        return price_factor(self.cpi, from_year, to_year)


def load_base(directory: Path | None = None) -> ParameterBase:
    """Read and validate a parameter base directory (default: the one shipped in the package)."""
    root = DATA if directory is None else directory
    general = load_shipped(root / "general.yaml", GeneralParams)
    cpi = load_shipped(root / "cpi.yaml", CpiSeries)
    issues: dict[str, IssueParams] = {}
    files = sorted((f for f in (root / "issues").iterdir() if f.name.endswith(".yaml")),
                   key=lambda f: f.name)
    for f in files:
        issue = load_shipped(f, IssueParams)
        if issue.kod != f.name.removesuffix(".yaml"):
            raise DataError(f"Plik issues/{f.name}: kod {issue.kod!r} różny od nazwy pliku")
        issues[issue.kod] = issue
    ordered = {code: issues[code] for code in ISSUE_ORDER if code in issues}
    ordered.update({c: i for c, i in issues.items() if c not in ordered})
    return ParameterBase(general=general, cpi=cpi, issues=ordered)


# The KKZ list of ten issues, in the order of the original calculator (domain.md).
ISSUE_ORDER = (
    "bezrobocie", "ubostwo", "niepelnosprawnosc", "bezdomnosc", "bezradnosc",
    "sieroctwo", "choroba", "uzaleznienia", "zaklad_karny", "cudzoziemcy",
)


@cache
def default_base() -> ParameterBase:
    """The shipped parameter base, loaded once."""
    return load_base()
