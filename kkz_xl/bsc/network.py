"""The network of social services: indicators, services, unit costs; its scorecard."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kkz_xl.bsc.criteria import FundingCriteria, Thresholds
from kkz_xl.bsc.funding import FundingInput, FundingResult, funding
from kkz_xl.bsc.labels import Category, Direction, Light, Perspective
from kkz_xl.bsc.score import indicator_score, traffic_light
from kkz_xl.errors import InputError
from kkz_xl.polish import fmt_plain, plural
from kkz_xl.storage.datafile import load_shipped, load_user_file

Id = str


class Indicator(BaseModel):
    """An indicator: common to all services (``typ_uslugi`` empty) or of one service type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id = Field(pattern=r"^[A-Za-z0-9_.-]{1,30}$")
    nazwa: str = Field(min_length=2, max_length=200)
    perspektywa: Perspective
    kierunek: Direction = Direction.WYZEJ
    jednostka: str = Field(default="", max_length=40)
    cel: float = Field(ge=0, le=1e12)
    waga: float = Field(gt=0, le=100)
    typ_uslugi: str | None = None
    wartosc_min: float = Field(default=0, ge=-1e12, le=1e12,
                               description="najmniejsza dopuszczalna wartość")
    wartosc_maks: float | None = Field(
        default=None, ge=-1e12, le=1e12,
        description="największa dopuszczalna wartość; dla jednostki „%” domyślnie 100")

    @model_validator(mode="after")
    def _range_ordered(self) -> Indicator:
        if self.maks <= self.wartosc_min:
            raise ValueError(f"wskaźnik {self.id}: wartość maksymalna musi być większa "
                             "od minimalnej")
        return self

    @property
    def maks(self) -> float:
        """Upper bound of a plausible value (100 for a percentage unless set)."""
        if self.wartosc_maks is not None:
            return self.wartosc_maks
        return 100.0 if self.jednostka.strip() == "%" else float("inf")

    def range_problem(self, value: float) -> str | None:
        """A Polish message when ``value`` is outside the indicator's range, else None."""
        if self.wartosc_min <= value <= self.maks:
            return None
        unit = f" {self.jednostka}" if self.jednostka else ""
        low = fmt_plain(float(self.wartosc_min))
        if self.maks == float("inf"):
            allowed = f"co najmniej {low}{unit}"
        else:
            allowed = f"od {low} do {fmt_plain(float(self.maks))}{unit}"
        return (f"wartość {fmt_plain(float(value))}{unit} poza dopuszczalnym zakresem "
                f"(dozwolone: {allowed})")


class Service(BaseModel):
    """A social service of the network and its measured indicator values."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id = Field(pattern=r"^[A-Za-z0-9_.-]{1,30}$")
    nazwa: str = Field(min_length=2, max_length=200)
    typ: str = Field(min_length=2, max_length=80)
    realizator: str = Field(min_length=2, max_length=200)
    jst: str = Field(min_length=2, max_length=120)
    kategoria: Category
    etaty: float = Field(gt=0, le=10_000)
    koszty: float = Field(gt=0, le=1e11)
    oplaty: float = Field(default=0, ge=0, le=1e10)
    miejsca: int | None = Field(default=None, ge=0, le=100_000)
    opis: str = Field(default="", max_length=2000)
    wartosci: dict[Id, float] = {}


class Network(BaseModel):
    """A regional network of services with its scorecard definition and funding rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nazwa: str = Field(min_length=2)
    region: str = Field(min_length=2)
    rok: int = Field(ge=2000, le=2100)
    progi: Thresholds = Field(default_factory=Thresholds)
    kryteria: FundingCriteria = Field(default_factory=FundingCriteria)
    koszty_na_etat: dict[str, float] = Field(min_length=1)
    wskazniki: list[Indicator] = Field(min_length=1)
    uslugi: list[Service] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Network:
        problems: list[str] = []
        for kind, ids in (("wskaźników", [i.id for i in self.wskazniki]),
                          ("usług", [s.id for s in self.uslugi])):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                problems.append(f"powtórzone id {kind}: {', '.join(dup)}")
        for ind in self.wskazniki:
            if ind.typ_uslugi and ind.typ_uslugi not in self.koszty_na_etat:
                problems.append(f"wskaźnik {ind.id}: nieznany typ usługi „{ind.typ_uslugi}”")
        for svc in self.uslugi:
            if svc.typ not in self.koszty_na_etat:
                known = ", ".join(self.koszty_na_etat)
                problems.append(f"usługa {svc.id}: brak kosztu na etat dla typu „{svc.typ}” "
                                f"(znane typy: {known})")
            allowed = {i.id: i for i in self.indicators_for(svc)}
            for key, value in svc.wartosci.items():
                if key not in allowed:
                    problems.append(f"usługa {svc.id}: wskaźnik {key} nie dotyczy tej usługi "
                                    "lub nie istnieje")
                elif (problem := allowed[key].range_problem(value)) is not None:
                    problems.append(f"usługa {svc.id} ({svc.nazwa}), wskaźnik {key} "
                                    f"({allowed[key].nazwa}): {problem}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def indicators_for(self, service: Service) -> list[Indicator]:
        """Common indicators plus those of the service's type."""
        return [i for i in self.wskazniki if i.typ_uslugi in (None, service.typ)]

    def service(self, service_id: str) -> Service:
        for s in self.uslugi:
            if s.id == service_id:
                return s
        known = ", ".join(s.id for s in self.uslugi)
        raise InputError("usługa", f"nieznane id usługi „{service_id}”; dostępne: {known}")


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator of a service; no score and no light when the value is missing."""

    wskaznik: Indicator
    wartosc: float | None
    wynik: float | None
    swiatlo: Light | None


@dataclass(frozen=True)
class ServiceCard:
    """A service's scorecard: per-indicator results, per-perspective and overall scores."""

    usluga: Service
    wskazniki: list[IndicatorResult]
    perspektywy: dict[Perspective, float | None]
    wynik: float | None
    swiatlo: Light | None
    finansowanie: FundingResult

    @property
    def brakujace(self) -> list[Indicator]:
        """Indicators without a value: left out of the scores, reported."""
        return [r.wskaznik for r in self.wskazniki if r.wartosc is None]

    def missing_note(self) -> str:
        """A Polish note on the missing indicators (empty when all are measured)."""
        missing = self.brakujace
        if not missing:
            return ""
        names = ", ".join(f"{i.id} ({i.nazwa})" for i in missing)
        count = plural(len(missing), "wskaźnik", "wskaźniki", "wskaźników")
        return f"bez danych (pominięte w wyniku): {count} – {names}"


def _weighted(rows: list[IndicatorResult]) -> float | None:
    """Weighted mean over the measured indicators; None when none is measured."""
    measured = [(r.wskaznik.waga, r.wynik) for r in rows if r.wynik is not None]
    weight = sum(w for w, _s in measured)
    return sum(w * s for w, s in measured) / weight if weight else None


def service_card(network: Network, service: Service) -> ServiceCard:
    """Evaluate one service."""
    rows = []
    for ind in network.indicators_for(service):
        value = service.wartosci.get(ind.id)
        score = indicator_score(value, ind.cel, ind.kierunek)
        light = None if score is None else traffic_light(score, network.progi)
        rows.append(IndicatorResult(ind, value, score, light))
    per = {p: _weighted([r for r in rows if r.wskaznik.perspektywa is p]) for p in Perspective}
    overall = _weighted(rows)
    money = funding(FundingInput(etaty=service.etaty, koszt_na_etat=network.koszty_na_etat[
        service.typ], oplaty=service.oplaty, koszty=service.koszty, kategoria=service.kategoria),
        network.kryteria)
    light = None if overall is None else traffic_light(overall, network.progi)
    return ServiceCard(service, rows, per, overall, light, money)


def scorecard(network: Network) -> list[ServiceCard]:
    """Every service's card, in the network's order."""
    return [service_card(network, s) for s in network.uslugi]


def load_network(path: Path) -> Network:
    """Read a network YAML file; every problem reported in Polish."""
    return load_user_file(Path(path), Network)


def sample_network() -> Network:
    return load_shipped(resources.files("kkz_xl.bsc") / "sample" / "siec.yaml", Network)
