"""BSC: indicator scores, weighted scores, traffic lights, funding rule and its cap."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as hs
from pydantic import ValidationError

from kkz_xl.bsc.criteria import FundingCriteria, Thresholds
from kkz_xl.bsc.funding import FundingInput, funding
from kkz_xl.bsc.labels import Category, Direction, Light, Perspective
from kkz_xl.bsc.network import Network, sample_network, scorecard
from kkz_xl.bsc.score import indicator_score, traffic_light, weighted_score
from kkz_xl.errors import InputError


def test_indicator_score_directions_and_clipping() -> None:
    assert indicator_score(45, 50, Direction.WYZEJ) == pytest.approx(0.9)
    assert indicator_score(60, 50, Direction.WYZEJ) == 1.0
    assert indicator_score(20, 10, Direction.NIZEJ) == pytest.approx(0.5)
    assert indicator_score(0, 10, Direction.NIZEJ) == 1.0
    assert indicator_score(None, 10, Direction.WYZEJ) == 0.0


def test_weighted_score_by_hand() -> None:
    # (2·0,9 + 1·1 + 1·0,5) / 4 = 0,825
    s = weighted_score([45, 8, 20], [50, 10, 10], [2, 1, 1],
                       [Direction.WYZEJ, Direction.NIZEJ, Direction.NIZEJ])
    assert s == pytest.approx(0.825)


def test_weighted_score_rejects_mismatch_and_zero_weights() -> None:
    with pytest.raises(InputError):
        weighted_score([1, 2], [1], [1, 1], [Direction.WYZEJ] * 2)
    with pytest.raises(InputError, match="wagi"):
        weighted_score([1], [1], [0], [Direction.WYZEJ])


@pytest.mark.parametrize(("score", "light"), [
    (0.95, Light.ZIELONE), (0.9, Light.ZIELONE), (0.8999, Light.ZOLTE), (0.7, Light.ZOLTE),
    (0.6999, Light.CZERWONE), (0.0, Light.CZERWONE),
])
def test_traffic_light_thresholds(score: float, light: Light) -> None:
    assert traffic_light(score, Thresholds(zielony=0.9, zolty=0.7)) is light


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="próg żółty"):
        Thresholds(zielony=0.6, zolty=0.7)


def test_funding_worked_example_capped() -> None:
    r = funding(FundingInput(etaty=4, koszt_na_etat=90_000, oplaty=60_000, koszty=320_000),
                FundingCriteria(limit_udzialu=0.9, wspolczynniki={Category.A: 1, Category.B: 0.5}))
    assert r.podstawa == 300_000
    assert r.limit == pytest.approx(288_000)
    assert r.dotacja == pytest.approx(288_000) and r.ograniczona


def test_funding_category_b_reduced() -> None:
    crit = FundingCriteria(limit_udzialu=0.9, wspolczynniki={Category.A: 1, Category.B: 0.5})
    r = funding(FundingInput(etaty=2, koszt_na_etat=88_000, oplaty=12_000, koszty=190_000,
                             kategoria=Category.B), crit)
    assert r.dotacja == pytest.approx(0.5 * (2 * 88_000 - 12_000))


def test_cap_below_100_percent_enforced() -> None:
    with pytest.raises(ValidationError):
        FundingCriteria(limit_udzialu=1.0)


@given(etaty=hs.floats(0.1, 200), unit=hs.floats(0, 500_000), fees=hs.floats(0, 5e6),
       costs=hs.floats(1, 5e7), cat=hs.sampled_from(list(Category)))
def test_funding_never_exceeds_cap_nor_goes_negative(etaty: float, unit: float, fees: float,
                                                      costs: float, cat: Category) -> None:
    crit = FundingCriteria()
    r = funding(FundingInput(etaty=etaty, koszt_na_etat=unit, oplaty=fees, koszty=costs,
                             kategoria=cat), crit)
    assert 0 <= r.dotacja <= crit.limit_udzialu * costs + 1e-6
    assert r.dotacja < costs


def test_sample_network_scorecard() -> None:
    net = sample_network()
    cards = {c.usluga.id: c for c in scorecard(net)}
    ddp = cards["DDP-01"]
    # Common indicators + the one of its type.
    assert {r.wskaznik.id for r in ddp.wskazniki} == {"K1", "K2", "F1", "F2", "P1", "P2", "R1",
                                                      "R2", "DD1"}
    # Processes: P1 80/100 (w 2) and P2 target 1 / value 2 = 0,5 (w 1) → (1,6 + 0,5) / 3 = 0,7.
    assert ddp.perspektywy[Perspective.PROCESY] == pytest.approx(0.7)
    weights = sum(r.wskaznik.waga for r in ddp.wskazniki)
    assert ddp.wynik == pytest.approx(sum(r.wskaznik.waga * r.wynik for r in ddp.wskazniki)
                                      / weights)
    assert cards["UO-01"].finansowanie.ograniczona


def test_network_validation_names_problems() -> None:
    data = sample_network().model_dump(mode="json")
    data["uslugi"][0]["typ"] = "nieznany typ"
    data["uslugi"][1]["wartosci"]["XX"] = 1
    with pytest.raises(ValidationError) as err:
        Network.model_validate(data)
    text = str(err.value)
    assert "brak kosztu na etat dla typu „nieznany typ”" in text
    assert "wskaźnik XX nie dotyczy" in text
