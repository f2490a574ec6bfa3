"""The shipped parameter base: every issue file loads, is sourced, graded and classified.

Expected figures come from the specs (`parameters.md`, `domain.md`) and from the law, not from
the data files themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from kkz_xl.model.payers import Payer
from kkz_xl.params.base import DATA, ParameterBase, issue_order, load_base
from kkz_xl.params.cis_cost import cis_place_cost
from kkz_xl.params.schema import CostItem, IssueParams, Money, Probability

# Działy of the budget classification (rozporządzenie MF z 2.03.2010 r. w sprawie szczegółowej
# klasyfikacji dochodów, wydatków, przychodów i rozchodów...) where the cost of a social issue
# can legitimately sit:
#   852 Pomoc społeczna — benefits, DPS, ośrodki wsparcia, OPS, usługi opiekuńcze, CIS,
#       pomoc dla cudzoziemców;
#   853 Pozostałe zadania w zakresie polityki społecznej — rehabilitacja zawodowa i społeczna
#       osób niepełnosprawnych (85311), powiatowe urzędy pracy;
#   851 Ochrona zdrowia — przeciwdziałanie narkomanii i alkoholizmowi (85153, 85154);
#   855 Rodzina — wspieranie rodziny (asystent), piecza zastępcza, placówki (since 2017);
#   754 Bezpieczeństwo publiczne — straż gminna/miejska interventions (homelessness, addiction);
#   755 Wymiar sprawiedliwości — więziennictwo (75512);
#   700 Gospodarka mieszkaniowa — lokale socjalne and flats of housing programmes;
#   801 Oświata i wychowanie, 854 Edukacyjna opieka wychowawcza — school and after-school
#       support for children of families in difficulty;
#   756 Dochody od osób prawnych, od osób fizycznych... — the JST's revenue side: its shares of
#       PIT (75621 gminy, 75622 powiaty), where a fiscal gain (korzyść) is booked.
ALLOWED_DZIALY = {"852", "853", "851", "855", "754", "755", "700", "801", "854", "756"}

# Payers whose money is outside the JST / state budget classification.
OFF_BUDGET = {Payer.NFZ, Payer.ZUS_FP}

# art. 7 of the Social Assistance Act, point per issue, in the KKZ order (domain.md).
ART7_POINT = {
    "bezrobocie": 4, "ubostwo": 1, "niepelnosprawnosc": 5, "bezdomnosc": 3, "bezradnosc": 9,
    "sieroctwo": 2, "choroba": 6, "uzaleznienia": 13, "zaklad_karny": 12, "cudzoziemcy": 11,
}

# Words as they look when Polish diacritics are lost (checked outside web addresses).
ASCII_FOLDED = ("spoleczn", "zasilk", "zasilek", "swiadcz", "osrod", "zalozen", "zastepcz",
                "koszt utrzymania dziecka w niezawodowej", "wiezien", "uzaleznien")
URL = re.compile(r"https?://\S+")


@pytest.fixture(scope="module")
def base() -> ParameterBase:
    return load_base()


def _issues(base: ParameterBase) -> Iterator[IssueParams]:
    yield from base.issues.values()


def _cost_items(base: ParameterBase) -> Iterator[tuple[str, CostItem]]:
    for issue in _issues(base):
        for item in issue.koszty + issue.korzysci:
            yield f"{issue.kod}.{item.id}", item


def _money(base: ParameterBase) -> Iterator[tuple[str, Money]]:
    yield from _cost_items(base)
    for issue in _issues(base):
        for prog in issue.programy:
            yield f"{issue.kod}.{prog.id}.koszt_uczestnika", prog.koszt_uczestnika


def _probabilities(base: ParameterBase) -> Iterator[tuple[str, Probability]]:
    for issue in _issues(base):
        yield f"{issue.kod}.odplyw", issue.odplyw
        yield f"{issue.kod}.nawroty", issue.nawroty
        for prog in issue.programy:
            yield f"{issue.kod}.{prog.id}.skutecznosc", prog.skutecznosc
            yield f"{issue.kod}.{prog.id}.zasieg", prog.zasieg


def _sourced(base: ParameterBase) -> Iterator[tuple[str, Money | Probability]]:
    yield from _money(base)
    yield from _probabilities(base)


def _share(profile: list[float] | None, year: int) -> float:
    """The profile's multiplier in ``year`` (0-based); the last value repeats."""
    if profile is None:
        return 1.0
    return profile[min(year, len(profile) - 1)]


def _item(base: ParameterBase, code: str, item_id: str) -> CostItem:
    return next(c for c in base.issue(code).koszty if c.id == item_id)


# --- structure -------------------------------------------------------------------------------

CODES = issue_order(load_base())


def test_every_issue_file_loads_in_the_kkz_order(base: ParameterBase) -> None:
    files = [f.name.removesuffix(".yaml") for f in (DATA / "issues").iterdir()
             if f.name.endswith(".yaml")]
    assert sorted(base.issues) == sorted(files)
    # The KKZ issues keep the original calculator's order (domain.md); others may follow.
    kkz = [c for c in base.issues if c in ART7_POINT]
    assert kkz == [c for c in ART7_POINT if c in base.issues]
    positions = [i.kolejnosc for i in base.issues.values()]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


@pytest.mark.parametrize("code", [c for c in CODES if c in ART7_POINT])
def test_issue_cites_its_point_of_art_7(base: ParameterBase, code: str) -> None:
    assert re.search(rf"art\. 7 pkt {ART7_POINT[code]}\b", base.issue(code).podstawa)


@pytest.mark.parametrize("code", CODES)
def test_each_issue_has_costs_programme_and_sane_rates(base: ParameterBase, code: str) -> None:
    issue = base.issue(code)
    assert issue.koszty and issue.programy
    assert all(c.wartosc > 0 for c in issue.koszty)
    for prog in issue.programy:
        assert prog.koszt_uczestnika.wartosc > 0
        assert 0 < prog.skutecznosc.wartosc <= 1
        assert 0 < prog.zasieg.wartosc <= 1
        assert sum(prog.finansowanie.values()) == pytest.approx(1.0)


# --- sources and grades ----------------------------------------------------------------------

def test_every_value_has_a_source_and_a_grade(base: ParameterBase) -> None:
    for where, value in _sourced(base):
        assert len(value.zrodlo.strip()) >= 10, where
        assert 1 <= value.stopien <= 5, where


def test_assumptions_are_said_to_be_assumptions(base: ParameterBase) -> None:
    """Grade 5 means 'no source gives this figure': the text must say so."""
    for where, value in _sourced(base):
        if value.stopien == 5:
            assert "założeni" in value.zrodlo.lower(), where


def test_every_assumption_says_why_no_source_exists(base: ParameterBase) -> None:
    """Grade 5 carries ``uzasadnienie_zalozenia``: why no public figure was found and what a
    gmina can check locally instead."""
    general = [(f"general.{k}", getattr(base.general, k)) for k in type(base.general).model_fields]
    for where, value in [*_sourced(base), *general]:
        if value.stopien == 5:
            assert value.uzasadnienie_zalozenia, where
            assert len(value.uzasadnienie_zalozenia) >= 40, where


def test_graded_figures_name_where_they_come_from(base: ParameterBase) -> None:
    """A figure graded 1-4 points to an address, a legal act or the project's spec table."""
    reference = re.compile(r"https?://|M\.P\.|Dz\.U\.|\bart\. \d|domain\.md")
    for where, value in _sourced(base):
        if value.stopien <= 4:
            assert reference.search(value.zrodlo), where


def test_text_keeps_polish_diacritics(base: ParameterBase) -> None:
    texts: list[tuple[str, str]] = []
    for issue in _issues(base):
        texts += [(issue.kod, issue.nazwa), (issue.kod, issue.opis), (issue.kod, issue.podstawa)]
        texts += [(f"{issue.kod}.{c.id}", c.nazwa) for c in issue.koszty + issue.korzysci]
        texts += [(f"{issue.kod}.{p.id}", p.nazwa) for p in issue.programy]
    texts += [(where, value.zrodlo) for where, value in _sourced(base)]
    for where, text in texts:
        plain = URL.sub("", text).lower()
        folded = [w for w in ASCII_FOLDED if w in plain]
        assert not folded, f"{where}: {folded}"


# --- budget classification -------------------------------------------------------------------

def test_every_rozdzial_sits_in_an_allowed_dzial(base: ParameterBase) -> None:
    codes = [(w, c.rozdzial) for w, c in _cost_items(base)]
    codes += [(f"{i.kod}.{p.id}", p.rozdzial) for i in _issues(base) for p in i.programy]
    for where, rozdzial in codes:
        if rozdzial is None:
            continue
        assert re.fullmatch(r"\d{5}", rozdzial), where
        assert rozdzial[:3] in ALLOWED_DZIALY, where


def test_budget_payers_have_a_rozdzial_and_off_budget_payers_none(base: ParameterBase) -> None:
    for where, item in _cost_items(base):
        if item.platnik in OFF_BUDGET:
            assert item.rozdzial is None, where
        else:
            assert item.rozdzial is not None, where


@pytest.mark.parametrize(("code", "item_id", "rozdzial"), [
    ("choroba", "dps", "85202"),
    ("niepelnosprawnosc", "zasilek_staly", "85216"),
    ("niepelnosprawnosc", "uslugi_opiekuncze", "85228"),
    ("bezdomnosc", "schroniska_noclegownie", "85203"),
    ("sieroctwo", "piecza_udzial_gminy", "85508"),
    ("cudzoziemcy", "ipi_swiadczenia", "85231"),
    ("zaklad_karny", "pobyt_w_zakladzie_karnym", "75512"),
])
def test_key_lines_are_in_their_rozdzial(base: ParameterBase, code: str, item_id: str,
                                          rozdzial: str) -> None:
    assert _item(base, code, item_id).rozdzial == rozdzial


# --- money years and price index ------------------------------------------------------------

def test_all_money_is_at_the_base_price_year(base: ParameterBase) -> None:
    for where, value in _money(base):
        assert value.rok_cen == base.price_year == 2025, where


def test_cpi_factor_2015_to_2025_matches_the_spec_table(base: ParameterBase) -> None:
    assert base.price_factor(2015, 2025) == pytest.approx(1.566, abs=0.001)
    assert base.price_factor(2018, 2025) == pytest.approx(1.521, abs=0.001)
    assert base.price_factor(2023, 2025) == pytest.approx(1.073, abs=0.001)


@pytest.mark.parametrize(("code", "item_id", "amount", "from_year"), [
    # 271 mln zł (2018, NIK) / 30 330 homeless persons (2019 count)
    ("bezdomnosc", "schroniska_noclegownie", 271e6 / 30_330, 2018),
    # 500 h of usługi opiekuńcze at 37.77 zł/h (2023)
    ("choroba", "uslugi_opiekuncze", 500 * 37.77, 2023),
    # prisoner 6 466.66 zł a month (2024)
    ("zaklad_karny", "pobyt_w_zakladzie_karnym", 6466.66 * 12, 2024),
])
def test_indexed_amounts_follow_the_cpi_series(base: ParameterBase, code: str, item_id: str,
                                               amount: float, from_year: int) -> None:
    expected = amount * base.price_factor(from_year, base.price_year)
    assert _item(base, code, item_id).wartosc == pytest.approx(expected, rel=0.002)


# --- time-varying shares ---------------------------------------------------------------------

def test_foster_care_shares_split_the_full_cost_between_gmina_and_powiat(
        base: ParameterBase) -> None:
    issue = base.issue("sieroctwo")
    gmina = [c for c in issue.koszty if c.platnik is Payer.GMINA]
    powiat = [c for c in issue.koszty if c.platnik is Payer.POWIAT]
    assert len(gmina) == len(powiat) == 1
    assert gmina[0].wartosc == powiat[0].wartosc
    # art. 191 ust. 8-9 u.w.r.: the gmina pays 10 %, 30 %, then 50 % from the 3rd year.
    assert [_share(gmina[0].profil, t) for t in range(5)] == pytest.approx(
        [0.1, 0.3, 0.5, 0.5, 0.5])
    for year in range(base.horizon):
        total = _share(gmina[0].profil, year) + _share(powiat[0].profil, year)
        assert total == pytest.approx(1.0), year


def test_integration_programme_costs_stop_after_its_twelve_months(base: ParameterBase) -> None:
    issue = base.issue("cudzoziemcy")
    ipi = [c for c in issue.koszty if c.id.startswith("ipi_")]
    after = [c for c in issue.koszty if c.id.endswith("_po_ipi")]
    assert ipi and after
    for year in range(base.horizon):
        assert all(_share(c.profil, year) == (1.0 if year == 0 else 0.0) for c in ipi)
        assert all(_share(c.profil, year) == (0.0 if year == 0 else 1.0) for c in after)


# --- spot checks of figures that parameters.md marks [S] -------------------------------------

def test_dps_cost_is_the_sourced_7000_a_month(base: ParameterBase) -> None:
    dps = _item(base, "choroba", "dps")
    assert dps.wartosc == pytest.approx(7000 * 12)
    assert dps.platnik is Payer.GMINA
    assert dps.stopien <= 3


def test_foster_care_is_priced_at_the_real_family_institution_mix(base: ParameterBase) -> None:
    line = _item(base, "sieroctwo", "piecza_udzial_powiatu")
    # parameters.md §11: 56 240 children in family care vs 16 572 in institutions (2022);
    # the allowance 1 517 zł (M.P. 2024 poz. 230), an institution about 8 300 zł a month.
    family = 56_240 / (56_240 + 16_572)
    expected = (family * 1517 + (1 - family) * 8300) * 12
    assert line.wartosc == pytest.approx(expected, abs=1.0)
    assert 36_000 < line.wartosc < 38_000  # the audit's ≈ 36 900 zł per child-year
    assert line.stopien <= 3
    text = line.zrodlo
    assert "1 002" in text and "12 024" in text  # rodzina spokrewniona named as the alternative
    assert "placówka opiekuńczo-wychowawcza" in text.lower()


def test_placement_risk_of_helpless_families_is_shared_with_the_gmina(
        base: ParameterBase) -> None:
    issue = base.issue("bezradnosc")
    care = _item(base, "sieroctwo", "piecza_udzial_powiatu").wartosc
    lines = {c.platnik: c.wartosc for c in issue.koszty if c.rozdzial == "85508"}
    assert set(lines) == {Payer.GMINA, Payer.POWIAT}
    # 4.5 % of families with a child in care, at the mix; the gmina's 10/30/50 % over an
    # average stay of five years: (0.1 + 0.3 + 3 × 0.5) / 5 = 38 %.
    assert sum(lines.values()) == pytest.approx(0.045 * care, abs=2.0)
    assert lines[Payer.GMINA] / sum(lines.values()) == pytest.approx(0.38, abs=0.002)


def test_cis_success_is_consistent_with_nik_gross_rate(base: ParameterBase) -> None:
    issue = base.issue("bezrobocie")
    q = issue.odplyw.wartosc
    cis = next(p for p in issue.programy if p.id == "cis")
    # A participant leaves with probability q + s(1 − q): that must be NIK's gross 38.2 %.
    assert q + cis.skutecznosc.wartosc * (1 - q) == pytest.approx(0.382, abs=0.001)
    # The świadczenie integracyjne is refunded from Fundusz Pracy: not all on the gmina.
    assert 0 < cis.finansowanie[Payer.ZUS_FP] < 1
    assert "Funduszu Pracy" in (cis.finansowanie_zrodlo or "")


def test_prison_cost_uses_the_sourced_return_rates(base: ParameterBase) -> None:
    prison = _item(base, "zaklad_karny", "pobyt_w_zakladzie_karnym")
    assert prison.platnik is Payer.BUDZET_PANSTWA
    assert prison.profil == pytest.approx([0.13, 0.094])
    assert prison.stopien <= 3
    relapse = base.issue("zaklad_karny").nawroty
    # 38.9 % within 5 years at a constant hazard
    assert relapse.wartosc == pytest.approx(1 - (1 - 0.389) ** 0.2, abs=0.001)
    assert relapse.stopien <= 3


def test_cis_cost_and_kis_success_keep_their_nik_figures(base: ParameterBase) -> None:
    """A CIS place: the świadczenie integracyjne (120 % of the 1 721,90 zł benefit, domain.md)
    for its months with contributions from Fundusz Pracy, plus the running costs left of NIK's
    23 500 zł (2011-12) once that era's świadczenie (100 % of ≈ 780 zł) is taken out."""
    progs = {p.id: p for p in base.issue("bezrobocie").programy}
    c = cis_place_cost()
    assert (c.benefit, c.multiplier, c.price_year) == (1721.90, 1.20, base.price_year)
    running = (23_500 - 780 * c.months * 1.355) * base.price_factor(2012, 2025)
    assert c.running == pytest.approx(running, rel=0.01)
    fp = 1721.90 * 1.2 * c.months * (1 + c.contributions)
    for code, pid in (("bezrobocie", "cis"), ("zaklad_karny", "cis_po_zwolnieniu")):
        prog = next(p for p in base.issue(code).programy if p.id == pid)
        assert prog.koszt_uczestnika.wartosc == pytest.approx(fp + c.running, abs=0.01)
        assert prog.finansowanie[Payer.ZUS_FP] == pytest.approx(fp / (fp + c.running))
        assert prog.finansowanie[Payer.GMINA] == pytest.approx(c.running / (fp + c.running))
        assert prog.koszt_uczestnika.stopien == 4 and prog.powtarzaj
    assert progs["cis"].koszt_uczestnika.stopien <= 4
    # NIK's gross 16.9 % for KIS: a participant leaves with q + s(1 − q) (as for CIS).
    q = base.issue("bezrobocie").odplyw.wartosc
    assert q + progs["kis"].skutecznosc.wartosc * (1 - q) == pytest.approx(0.169, abs=0.0005)
    assert progs["kis"].skutecznosc.stopien <= 3


def test_fiscal_gains_are_never_assumptions(base: ParameterBase) -> None:
    """A gain per self-reliant person enters only with a source (no invented gains)."""
    for issue in _issues(base):
        for gain in issue.korzysci:
            assert gain.stopien <= 4, f"{issue.kod}.{gain.id}"


def test_a_cis_priced_programme_refuses_a_typed_cost() -> None:
    """The CIS place's cost has one home (cis.yaml): a programme cannot also type its own."""
    from pydantic import ValidationError

    from kkz_xl.params.schema import Programme

    prob = {"wartosc": 0.3, "jednostka": "u", "rok": 2025, "zrodlo": "test", "stopien": 5}
    ok = Programme.model_validate({"id": "cis", "nazwa": "CIS", "koszt_z_cis": True,
                                   "skutecznosc": prob, "zasieg": prob})
    assert ok.koszt_uczestnika.wartosc == round(cis_place_cost().total, 2)
    with pytest.raises(ValidationError, match="koszt_z_cis"):
        Programme.model_validate({"id": "cis", "nazwa": "CIS", "koszt_z_cis": True,
                                  "skutecznosc": prob, "zasieg": prob,
                                  "finansowanie": {"gmina": 1.0}})


def test_every_programme_says_why_it_repeats_or_not(base: ParameterBase) -> None:
    """Continuing services enrol every year (the strategy's frame has money in each year);
    a one-off programme says why it is one-off (IPI: once, up to 12 months, art. 92 u.p.s.)."""
    for issue in base.issues.values():
        for prog in issue.programy:
            assert prog.powtarzaj_zrodlo and len(prog.powtarzaj_zrodlo) >= 30, prog.id
            assert ("Usługa ciągła" in prog.powtarzaj_zrodlo) == prog.powtarzaj, prog.id
    once = [p.id for i in base.issues.values() for p in i.programy if not p.powtarzaj]
    assert once == ["ipi_jezyk_praca"]
