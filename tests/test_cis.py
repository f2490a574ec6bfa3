"""CIS financing, programme and monitoring plan."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from kkz_xl.cis.financing import CisInput, cis_cost
from kkz_xl.cis.labels import CisPayer
from kkz_xl.cis.monitoring import (
    Graduate,
    Phase,
    Schedule,
    add_months,
    contact_dates,
    monitoring_plan,
    standard_2011,
)
from kkz_xl.cis.params import cis_params
from kkz_xl.cis.programme import cis_programme
from kkz_xl.errors import InputError
from kkz_xl.model.payers import PAYER_LABELS
from kkz_xl.params.base import default_base


def test_swiadczenie_is_120_percent_of_first_90_days_benefit() -> None:
    p = cis_params(dt.date(2025, 7, 1))
    assert p.zasilek_dla_bezrobotnych.wartosc == 1721.90  # obwieszczenie MRPiPS 19.05.2025
    result = cis_cost(CisInput(uczestnicy=1, miesiace=1, koszty_biezace_mies=0,
                               zasilek=p.zasilek_dla_bezrobotnych.wartosc))
    assert result.swiadczenie_mies == pytest.approx(1.2 * 1721.90)
    assert result.swiadczenie_mies == pytest.approx(2066.28)
    # From 1 June 2026 (obwieszczenie MRPiPS of 2 March 2026): 1 783,90 zł → 2 140,68 zł.
    assert cis_params(dt.date(2026, 6, 1)).zasilek_dla_bezrobotnych.wartosc == 1783.90
    # 2024 benefit 1 662,00 zł gave the published 1 994,40 zł.
    older = cis_cost(CisInput(uczestnicy=1, miesiace=1, koszty_biezace_mies=0, zasilek=1662.0))
    assert older.swiadczenie_mies == pytest.approx(1994.40)


def test_worked_example_olsztyn_split() -> None:
    r = cis_cost(CisInput(uczestnicy=10, miesiace=11, koszty_biezace_mies=20_000,
                          przychody_wlasne=20_000, udzial_panstwa=0.8, zasilek=1721.90))
    assert r.swiadczenia == pytest.approx(10 * 11 * 2066.28)  # 227 290,80 zł
    assert r.skladki == pytest.approx(r.swiadczenia * 0.3652)  # 83 006,60 zł
    assert r.platnicy[CisPayer.FUNDUSZ_PRACY] == pytest.approx(r.swiadczenia + r.skladki)
    assert r.platnicy[CisPayer.PRZYCHODY_WLASNE] == pytest.approx(20_000)
    # Running costs by the 12 months the CIS operates, not the participants' 11:
    # 240 000 − 20 000 own revenue = 220 000, 80 / 20 state / gmina.
    assert r.koszty_biezace == pytest.approx(240_000)
    assert r.platnicy[CisPayer.BUDZET_PANSTWA] == pytest.approx(176_000)
    assert r.platnicy[CisPayer.GMINA] == pytest.approx(44_000)
    assert r.razem == pytest.approx(550_297.40)


def test_running_costs_follow_operating_months_not_participation() -> None:
    short = cis_cost(CisInput(uczestnicy=20, miesiace=4, miesiace_dzialania=12,
                              koszty_biezace_mies=38_000))
    long = cis_cost(CisInput(uczestnicy=20, miesiace=11, miesiace_dzialania=12,
                             koszty_biezace_mies=38_000))
    assert short.koszty_biezace == long.koszty_biezace == pytest.approx(456_000)
    assert long.swiadczenia == pytest.approx(short.swiadczenia * 11 / 4)
    with pytest.raises(ValidationError, match="nie może być dłuższe niż działanie CIS"):
        CisInput(uczestnicy=5, miesiace=11, miesiace_dzialania=6, koszty_biezace_mies=1)


def test_legal_amounts_carry_validity_and_warn_when_past() -> None:
    from kkz_xl.cis.params import validity_warnings

    p = cis_params(dt.date(2026, 12, 3))
    benefit = p.zasilek_dla_bezrobotnych
    assert benefit.od == dt.date(2026, 6, 1) and benefit.obowiazuje_do == dt.date(2027, 5, 31)
    assert "obowiązuje od 1 czerwca 2026" in benefit.validity()
    assert validity_warnings(dt.date(2026, 12, 3)) == []
    late = validity_warnings(dt.date(2027, 7, 1))
    assert len(late) == 1 and "zasiłek dla bezrobotnych" in late[0]
    assert "obowiązywała do 31 maja 2027" in late[0]
    assert cis_params(dt.date(2027, 7, 1)).zasilek_dla_bezrobotnych.wartosc == 1783.90


@pytest.mark.parametrize(("own", "ue", "state"), [(0, 0, 0), (5e4, 0.3, 0.8), (1e7, 0.5, 0.2)])
def test_shares_sum_to_total(own: float, ue: float, state: float) -> None:
    r = cis_cost(CisInput(uczestnicy=12, miesiace=9.5, koszty_biezace_mies=31_000,
                          przychody_wlasne=own, udzial_ue=ue, udzial_panstwa=state))
    assert sum(r.platnicy.values()) == pytest.approx(r.razem)
    assert sum(r.udzial(p) for p in CisPayer) == pytest.approx(1.0)
    assert all(v >= 0 for v in r.platnicy.values())


def test_own_revenue_beyond_running_costs_is_surplus_not_spent() -> None:
    r = cis_cost(CisInput(uczestnicy=5, miesiace=2, miesiace_dzialania=2,
                          koszty_biezace_mies=1_000, przychody_wlasne=5_000))
    assert r.platnicy[CisPayer.PRZYCHODY_WLASNE] == 2_000
    assert r.nadwyzka_przychodow == 3_000
    assert r.platnicy[CisPayer.GMINA] == 0


def test_bad_input_gives_polish_error() -> None:
    with pytest.raises(ValidationError) as err:
        CisInput(uczestnicy=0, miesiace=11, koszty_biezace_mies=1)
    from kkz_xl.model.validation import polish_validation_message
    assert "uczestnicy: oczekiwano liczby ≥ 1" in polish_validation_message(err.value)


def test_standard_2011_gives_4_plus_2_plus_2_contacts() -> None:
    s = standard_2011()
    assert s.contact_months() == [3, 6, 9, 12, 18, 24, 30, 36]
    assert s.miesiace == 36


def test_contact_dates_month_end_counted_from_graduation() -> None:
    dates = contact_dates(dt.date(2025, 8, 31), standard_2011())
    assert dates == [
        dt.date(2025, 11, 30), dt.date(2026, 2, 28), dt.date(2026, 5, 31), dt.date(2026, 8, 31),
        dt.date(2027, 2, 28), dt.date(2027, 8, 31), dt.date(2028, 2, 29), dt.date(2028, 8, 31),
    ]


def test_add_months_basic_and_leap() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 1, 15), 12) == dt.date(2026, 1, 15)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)


def test_configurable_schedule_and_plan() -> None:
    s = Schedule(fazy=[Phase(miesiace=6, co_ile_miesiecy=1), Phase(miesiace=12, co_ile_miesiecy=4)])
    assert s.contact_months() == [1, 2, 3, 4, 5, 6, 10, 14, 18]
    grads = [Graduate(id="a", imie_nazwisko="A", data_ukonczenia=dt.date(2025, 3, 31)),
             Graduate(id="b", imie_nazwisko="B", data_ukonczenia=dt.date(2025, 6, 30))]
    plan = monitoring_plan(grads, s)
    assert len(plan) == 18
    assert plan[0].data == dt.date(2025, 4, 30)
    assert plan[9].absolwent.id == "b" and plan[9].nr == 1


def test_phase_must_fit_interval() -> None:
    with pytest.raises(ValidationError, match="wielokrotnością"):
        Phase(miesiace=12, co_ile_miesiecy=5)


def test_cis_programme_defaults_from_parameter_base() -> None:
    base = next(p for p in default_base().issue("bezrobocie").programy if p.id == "cis")
    prog = cis_programme()
    assert prog["nazwa"] == base.nazwa
    assert prog["koszt_uczestnika"] == base.koszt_uczestnika.wartosc
    assert prog["skutecznosc"] == base.skutecznosc.wartosc
    # Payers by their Polish names, never keys.
    assert all(name in PAYER_LABELS.values() for name in prog["finansowanie_platnicy"])
    assert "zus_fp" not in prog["finansowanie_platnicy"]


def test_cis_programme_from_calculation_counts_public_payers_only() -> None:
    r = cis_cost(CisInput(uczestnicy=10, miesiace=11, koszty_biezace_mies=20_000,
                          przychody_wlasne=20_000, udzial_ue=0.5, udzial_panstwa=0.8))
    prog = cis_programme(kalkulacja=r)
    public = r.razem - r.platnicy[CisPayer.FUNDUSZE_UE] - r.platnicy[CisPayer.PRZYCHODY_WLASNE]
    assert prog["koszt_uczestnika"] == pytest.approx(public / 10)
    assert sum(prog["finansowanie"].values()) == pytest.approx(1.0)
    assert set(prog["finansowanie"]) == {"zus_fp", "gmina", "budzet_panstwa"}
    assert set(prog["finansowanie_platnicy"]) == {"ZUS/Fundusz Pracy", "gmina",
                                                  "budżet państwa"}


def test_cis_programme_rejects_bad_success_rate() -> None:
    with pytest.raises(InputError, match="skutecznosc"):
        cis_programme(skutecznosc=1.5)


def test_operating_months_default_a_year_or_longer_participation() -> None:
    assert CisInput(uczestnicy=1, miesiace=11, koszty_biezace_mies=1).miesiace_dzialania == 12
    assert CisInput(uczestnicy=1, miesiace=18, koszty_biezace_mies=1).miesiace_dzialania == 18
    assert CisInput(uczestnicy=1, miesiace=4, miesiace_dzialania=6,
                    koszty_biezace_mies=1).miesiace_dzialania == 6
