"""The ``kkz`` command as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kkz_xl.cli.main import app

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"


def test_oblicz_prints_issues_totals_and_writes(tmp_path: Path) -> None:
    out = tmp_path / "w.json"
    result = runner.invoke(app, ["oblicz", str(SAMPLE), "--losowania", "300", "-w", str(out),
                                 "--budzet"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Gmina Przykładowa" in result.output
    assert "Razem" in result.output and "Kto płaci" in result.output
    assert "85214" in result.output
    assert out.exists()


def test_bad_scenario_is_a_polish_error_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "zly.yaml"
    bad.write_text("jst: {nazwa: G, teryt: '1'}\nkwestie: []\n", encoding="utf-8")
    result = runner.invoke(app, ["oblicz", str(bad)])
    assert result.exit_code == 2
    assert "Błąd" in result.output and "Traceback" not in result.output
    missing = runner.invoke(app, ["oblicz", str(tmp_path / "brak.yaml")])
    assert missing.exit_code == 2 and "nie znaleziono pliku" in missing.output


def test_parametry_lists_sources() -> None:
    result = runner.invoke(app, ["parametry", "sieroctwo", "--zrodla"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "85508" in result.output and "stopień" in result.output
    unknown = runner.invoke(app, ["parametry", "nic"])
    assert unknown.exit_code == 2 and "nieznany kod kwestii" in unknown.output


def test_oblicz_many_jst_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    import openpyxl

    second = tmp_path / "druga.yaml"
    second.write_text(SAMPLE.read_text(encoding="utf-8").replace("Gmina Przykładowa", "Gmina Druga")
                      .replace("1499012", "1499022"), encoding="utf-8")
    bad = tmp_path / "zla.yaml"
    bad.write_text("jst: {nazwa: Zła, teryt: '1'}\nkwestie: []\n", encoding="utf-8")
    out = tmp_path / "region.xlsx"
    result = runner.invoke(app, ["oblicz", str(SAMPLE), str(bad), str(second), "--losowania",
                                 "200", "-w", str(out)])
    assert result.exit_code == 1
    assert "Gmina Przykładowa" in result.output and "Gmina Druga" in result.output
    assert "Nie udało się: 1 z 3" in result.output
    assert "jst.teryt: niepoprawny format" in result.output
    wb = openpyxl.load_workbook(out)
    jst = [row[0] for row in wb["JST"].iter_rows(min_row=2, values_only=True)]
    assert jst == ["Gmina Przykładowa", "Gmina Druga"]
    assert wb["Kwestie"].max_row == 1 + 20  # 10 issues per JST


def test_files_of_the_wrong_kind_get_polish_errors(tmp_path: Path) -> None:
    empty = tmp_path / "pusty.yaml"
    empty.write_text("", encoding="utf-8")
    binary = tmp_path / "binarny.yaml"
    binary.write_bytes(bytes(range(128, 256)))
    broken = tmp_path / "uszkodzony.xlsm"
    broken.write_bytes(b"not a zip")
    cases = [
        (["oblicz", str(tmp_path)], "oczekiwano pliku scenariusza"),
        (["oblicz", str(empty)], "plik jest pusty"),
        (["oblicz", str(binary)], "nie jest tekstem w kodowaniu UTF-8"),
        (["oblicz", str(broken)], "jest uszkodzony albo nie jest skoroszytem Excela"),
        (["raport", str(empty)], "oczekiwano skoroszytu Kalkulatora KKZ"),
        (["model-ogolny", str(binary)], "nie jest tekstem w kodowaniu UTF-8"),
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and "Traceback" not in result.output, args


def test_unexpected_errors_are_short_and_polish(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug shows its type and a Polish hint, not a traceback; KKZ_DEBUG shows everything."""
    import kkz_xl.cli.calc as calc

    def boom(*_: object, **__: object) -> None:
        raise ZeroDivisionError("dzielenie przez zero")

    monkeypatch.setattr(calc, "load_scenario", boom)
    result = runner.invoke(app, ["oblicz", str(SAMPLE)])
    assert result.exit_code == 3
    assert "Nieoczekiwany błąd programu (ZeroDivisionError" in result.output
    assert "Traceback" not in result.output
    debug = runner.invoke(app, ["oblicz", str(SAMPLE)], env={"KKZ_DEBUG": "1"})
    assert isinstance(debug.exception, ZeroDivisionError)


def test_oblicz_shows_the_npv_at_the_base_sensitivity_rates() -> None:
    from kkz_xl.engine.run import run_scenario
    from kkz_xl.model.scenario import Scenario
    from kkz_xl.params.base import default_base
    from kkz_xl.polish import fmt_money, fmt_percent

    result = runner.invoke(app, ["oblicz", str(SAMPLE), "--losowania", "0"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "przy stopach" in result.output and "stopa dyskontowa" in result.output
    scenario = Scenario.load(SAMPLE)
    rates = default_base().sensitivity_rates
    for rate in rates:
        at_rate = run_scenario(scenario.model_copy(update={"rate": rate}), monte_carlo_draws=0,
                               with_tornado=False).totals.npv
        assert fmt_percent(rate, 1) in result.output
        assert fmt_money(at_rate, 0) in result.output, rate
