"""Loading the parameter base (data files shipped in the package) once per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from kkz_xl.errors import DataError, InputError
from kkz_xl.model.labels import TWO_STATES
from kkz_xl.params.gains import DERIVED_PREFIX, derived_gains
from kkz_xl.params.prices import price_factor
from kkz_xl.params.schema import CostItem, CpiSeries, GeneralParams, IssueParams, WageParams
from kkz_xl.params.state_models import shipped_models
from kkz_xl.storage.datafile import load_shipped

DATA = resources.files("kkz_xl.params") / "data"


@dataclass(frozen=True)
class ParameterBase:
    """The issues' default parameters (in the KKZ order, each file's ``kolejnosc``), the
    general parameters, the CPI series and the pay data of the derived fiscal gains."""

    general: GeneralParams
    cpi: CpiSeries
    issues: dict[str, IssueParams]
    wages: WageParams

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

    @property
    def monte_carlo_draws(self) -> int:
        return int(self.general.losowania.wartosc)

    @property
    def monte_carlo_spread(self) -> float:
        """Coefficient of variation of every uncertain input in Monte Carlo."""
        return float(self.general.zmiennosc.wartosc)

    @property
    def tornado_spread(self) -> float:
        """One-way range of the tornado: ± this share of each input's point value."""
        return float(self.general.zakres_tornado.wartosc)

    @property
    def sensitivity_rates(self) -> list[float]:
        """Discount rates of public project appraisal, for the NPV's sensitivity to the rate."""
        return [float(r) for r in self.general.stopy_wrazliwosci.wartosc]

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

    @property
    def conservative_gains(self) -> bool:
        """The default variant of fiscal gains: without pension contributions."""
        return self.general.korzysci_ostrozne.wartosc

    def gains(self, code: str, conservative: bool | None = None) -> list[CostItem]:
        """The issue's gain lines: its file's own plus those derived from its employment share,
        in the given variant (default: the base's)."""
        issue = self.issue(code)
        if conservative is None or conservative == self.conservative_gains:
            return list(issue.korzysci)
        own = [g for g in issue.korzysci if not g.id.startswith(DERIVED_PREFIX)]
        return own + derived_gains(issue, self.wages, self.price_year, conservative)

    def states(self, code: str) -> list[str]:
        """Names of the issue's states in its default form: the shipped multi-state model's
        where one exists (kkz_xl/params/data/models), else the two-state model's D and I."""
        self.issue(code)
        model = shipped_models().get(code)
        return model.state_names() if model else list(TWO_STATES)

    def mrpips03_reasons(self) -> list[tuple[str, str]]:
        """(reason stem as in the MRPiPS-03 report, issue code), longest stems first so that a
        specific reason wins over a shorter one it contains."""
        pairs = [(stem, code) for code, issue in self.issues.items() for stem in issue.mrpips03]
        return sorted(pairs, key=lambda p: -len(p[0]))


def load_base(directory: Path | None = None) -> ParameterBase:
    """Read and validate a parameter base directory (default: the one shipped in the package)."""
    root = DATA if directory is None else directory
    general = load_shipped(root / "general.yaml", GeneralParams)
    cpi = load_shipped(root / "cpi.yaml", CpiSeries)
    wages = load_shipped(root / "wynagrodzenie.yaml", WageParams)
    price_year = int(general.rok_cen.wartosc)
    issues: dict[str, IssueParams] = {}
    files = sorted((f for f in (root / "issues").iterdir() if f.name.endswith(".yaml")),
                   key=lambda f: f.name)
    for f in files:
        issue = load_shipped(f, IssueParams)
        if issue.kod != f.name.removesuffix(".yaml"):
            raise DataError(f"Plik issues/{f.name}: kod {issue.kod!r} różny od nazwy pliku")
        if any(g.id.startswith(DERIVED_PREFIX) for g in issue.korzysci):
            raise DataError(f"Plik issues/{f.name}: identyfikatory korzyści {DERIVED_PREFIX}* "
                            "są zastrzeżone dla korzyści wyliczanych z udziału zatrudnienia")
        derived = derived_gains(issue, wages, price_year, general.korzysci_ostrozne.wartosc)
        issues[issue.kod] = issue.model_copy(update={"korzysci": [*issue.korzysci, *derived]})
    positions = [i.kolejnosc for i in issues.values()]
    if len(set(positions)) != len(positions):
        raise DataError("Pliki issues/*.yaml: powtórzona kolejność kwestii (kolejnosc)")
    ordered = dict(sorted(issues.items(), key=lambda kv: kv[1].kolejnosc))
    return ParameterBase(general=general, cpi=cpi, issues=ordered, wages=wages)


def issue_order(base: ParameterBase | None = None) -> tuple[str, ...]:
    """The issue codes in the KKZ order (the base's ``kolejnosc``)."""
    return tuple((base or default_base()).issues)


@cache
def default_base() -> ParameterBase:
    """The shipped parameter base, loaded once."""
    return load_base()
