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
    assert indicator_score(None, 10, Direction.WYZEJ) is None


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
    # The guide's example: the 90 % cap holds for subsidy and fees together.
    r = funding(FundingInput(etaty=4, koszt_na_etat=90_000, oplaty=60_000, koszty=320_000),
                FundingCriteria(limit_udzialu=0.9, wspolczynniki={Category.A: 1, Category.B: 0.5}))
    assert r.podstawa == 300_000
    assert r.limit == pytest.approx(288_000)
    assert r.limit_dotacji == pytest.approx(228_000)
    assert r.dotacja == pytest.approx(228_000) and r.ograniczona
    assert r.dotacja + r.oplaty == pytest.approx(288_000)
    assert r.wklad_wlasny == pytest.approx(32_000) and r.udzial_wkladu == pytest.approx(0.1)


def test_sample_uo01_subsidy_plus_fees_within_cap() -> None:
    # Issue 17: 423 000 + 70 000 fees exceeded the 470 000 costs; now 353 000 + 70 000 = 423 000.
    card = next(c for c in scorecard(sample_network()) if c.usluga.id == "UO-01")
    money = card.finansowanie
    assert money.dotacja == pytest.approx(0.9 * 470_000 - 70_000)
    assert money.wklad_wlasny == pytest.approx(47_000)


def test_fees_alone_above_cap_leave_no_subsidy() -> None:
    r = funding(FundingInput(etaty=4, koszt_na_etat=90_000, oplaty=300_000, koszty=320_000))
    assert r.dotacja == 0 and r.oplaty_ponad_limit


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
    cap = crit.limit_udzialu * costs
    assert r.dotacja >= 0
    # Subsidy and fees together never exceed the cap (unless the fees alone already do, and
    # then there is no subsidy at all); the operator co-finances at least 1 − cap.
    assert r.dotacja + fees <= max(cap, fees) + 1e-6 * max(1.0, costs)
    if fees > cap:
        assert r.dotacja == 0
    else:
        assert r.wklad_wlasny >= (1 - crit.limit_udzialu) * costs - 1e-6 * max(1.0, costs)
    assert r.dotacja < costs


@given(values=hs.lists(hs.one_of(hs.none(), hs.floats(0, 1000)), min_size=1, max_size=8),
       data=hs.data())
def test_missing_values_are_left_out_not_zero(values: list[float | None],
                                              data: hs.DataObject) -> None:
    n = len(values)
    targets = data.draw(hs.lists(hs.floats(0.1, 1000), min_size=n, max_size=n))
    weights = data.draw(hs.lists(hs.floats(0.1, 10), min_size=n, max_size=n))
    dirs = [Direction.WYZEJ] * n
    kept = [i for i, v in enumerate(values) if v is not None]
    if not kept:
        with pytest.raises(InputError, match="brak danych"):
            weighted_score(values, targets, weights, dirs)
        return
    expected = weighted_score([values[i] for i in kept], [targets[i] for i in kept],
                              [weights[i] for i in kept], [dirs[i] for i in kept])
    assert weighted_score(values, targets, weights, dirs) == pytest.approx(expected)


def test_service_with_missing_indicator_is_reported_not_red() -> None:
    data = sample_network().model_dump(mode="json")
    values = data["uslugi"][2]["wartosci"]  # MW-01, all scores 1 but K1 and K2
    del values["K2"]
    card = next(c for c in scorecard(Network.model_validate(data)) if c.usluga.id == "MW-01")
    assert [i.id for i in card.brakujace] == ["K2"]
    k2 = next(r for r in card.wskazniki if r.wskaznik.id == "K2")
    assert k2.wynik is None and k2.swiatlo is None
    # Klient: K1 92/85 → 1 (w 3), MW1 25/20 → 1 (w 2); K2 left out, not scored 0.
    assert card.perspektywy[Perspective.KLIENT] == pytest.approx(1.0)
    assert card.swiatlo is Light.ZIELONE
    assert "1 wskaźnik" in card.missing_note() and "K2" in card.missing_note()


def test_service_without_any_value_has_no_score() -> None:
    data = sample_network().model_dump(mode="json")
    data["uslugi"][0]["wartosci"] = {}
    card = scorecard(Network.model_validate(data))[0]
    assert card.wynik is None and card.swiatlo is None
    assert "9 wskaźników" in card.missing_note()


@pytest.mark.parametrize(("key", "value", "message"), [
    ("K1", 140, "wartość 140 % poza dopuszczalnym zakresem (dozwolone: od 0 do 100 %)"),
    ("K2", -5, "wartość -5 dni poza dopuszczalnym zakresem (dozwolone: co najmniej 0 dni)"),
])
def test_values_out_of_range_refused_naming_service_and_indicator(
        key: str, value: float, message: str) -> None:
    data = sample_network().model_dump(mode="json")
    data["uslugi"][0]["wartosci"][key] = value
    with pytest.raises(ValidationError) as err:
        Network.model_validate(data)
    text = str(err.value)
    assert "usługa UO-01 (Usługi opiekuńcze w miejscu zamieszkania)" in text
    assert f"wskaźnik {key} (" in text and message in text


def test_percentage_above_100_allowed_when_indicator_says_so() -> None:
    # F1 (cost vs the regional mean, %) legitimately exceeds 100: its range is set to 500.
    net = sample_network()
    assert next(i for i in net.wskazniki if i.id == "F1").maks == 500
    assert net.service("DDP-01").wartosci["F1"] == 110


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
