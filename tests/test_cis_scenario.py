"""The CIS's observed success (and its own financing) written into a JST scenario by
``kkz cis wyniki|program --do-scenariusza``: the rest of the file and its comments kept, the
source noted beside the value, and ``kkz oblicz`` computing with it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kkz_xl.cis.programme import cis_programme, rounded_shares, scenario_edit
from kkz_xl.cli.main import app
from kkz_xl.engine.run import run_scenario
from kkz_xl.model.scenario import Scenario
from kkz_xl.model.scenario_edit import NOTE_MARK, set_programme
from tests.test_cis_monitoring import filled  # noqa: F401 - the filled monitoring workbook

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
runner = CliRunner()
ONE_LINE = "  - {kod: bezrobocie, osoby: 120, naplyw: 10}"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """The sample gmina with the author's comment on the bezrobocie line and one under it."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert ONE_LINE in text
    path = tmp_path / "gmina.yaml"
    path.write_text(text.replace(ONE_LINE, ONE_LINE + "  # dane z PUP, 2025\n"
                                 "  # dalej kwestie bez CIS"), encoding="utf-8")
    return path


def _issue(path: Path, code: str = "bezrobocie") -> object:
    return next(i for i in Scenario.load(path).issues if i.code == code)


def test_wyniki_writes_the_observed_success_and_financing_into_the_scenario(
        filled: Path, scenario: Path) -> None:  # noqa: F811 - the imported fixture
    original = scenario.read_text(encoding="utf-8")
    res = runner.invoke(app, ["cis", "wyniki", str(filled), "--nazwa", "CIS Przykładowo",
                              "--do-scenariusza", str(scenario)])
    assert res.exit_code == 0, res.output
    text = scenario.read_text(encoding="utf-8")
    issue = _issue(scenario)
    # The netted observed rate, the CIS's own cost and financing, the base's CIS programme.
    assert issue.programme == "cis" and 0 < issue.success < 1
    assert issue.financing is not None and abs(sum(issue.financing.values()) - 1) < 1e-9
    assert issue.programme_cost is not None and issue.programme_cost > 0
    assert "kwestia bezrobocie" in res.output and "Koszt zaniechania (NPV)" in res.output
    assert "z kalkulacji tego CIS" in res.output and "Zapisano" in res.output
    # The source, date and grade beside the value; the author's comments and other issues kept.
    assert f"# {NOTE_MARK} skuteczność" in text and "monitoring CIS Przykładowo" in text
    assert "stopień" in text
    for line in original.splitlines():
        if line != ONE_LINE + "  # dane z PUP, 2025":
            assert line in text, line
    assert "kod: bezrobocie  # dane z PUP, 2025" in text
    assert text.index("# dalej kwestie bez CIS") > text.index(f"# {NOTE_MARK}")
    # Again: the note is replaced, not repeated; the values are the same.
    res = runner.invoke(app, ["cis", "wyniki", str(filled), "--nazwa", "CIS Przykładowo",
                              "--do-scenariusza", str(scenario)])
    assert res.exit_code == 0, res.output
    again = scenario.read_text(encoding="utf-8")
    assert again.count(f"# {NOTE_MARK} skuteczność") == 1 and _issue(scenario) == issue


def test_kkz_oblicz_computes_with_the_written_cis(filled: Path, scenario: Path,  # noqa: F811
                                                  tmp_path: Path) -> None:
    before = run_scenario(Scenario.load(scenario), monte_carlo_draws=0).issue("bezrobocie")
    res = runner.invoke(app, ["cis", "wyniki", str(filled), "--do-scenariusza", str(scenario)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "wynik.json"
    res = runner.invoke(app, ["oblicz", str(scenario), "--losowania", "0", "--wynik", str(out)])
    assert res.exit_code == 0, res.output
    row = next(r for r in json.loads(out.read_text(encoding="utf-8"))["Podsumowanie"]
               if r["kod"] == "bezrobocie")
    issue = _issue(scenario)
    after = run_scenario(Scenario.load(scenario), monte_carlo_draws=0).issue("bezrobocie")
    # What kkz oblicz reports is the calculation with the CIS written in, not the old one.
    assert row["koszt zaniechania (NPV)"] == pytest.approx(after.npv)
    assert after.npv != pytest.approx(before.npv)
    assert row["program"] == issue.programme_name
    resolved = next(r for r in Scenario.load(scenario).resolve() if r.code == "bezrobocie")
    assert resolved.inputs.success == issue.success
    assert resolved.inputs.programme_cost == issue.programme_cost
    assert {"skutecznosc", "koszt_uczestnika", "finansowanie"}.isdisjoint(resolved.from_base)


def test_without_a_calculation_only_success_is_written(scenario: Path) -> None:
    prog = cis_programme()
    edit = scenario_edit(prog)
    assert edit["cost"] is None and edit["financing"] is None and edit["programme"] == "cis"
    set_programme(scenario, **edit)
    resolved = next(r for r in Scenario.load(scenario).resolve() if r.code == "bezrobocie")
    # The base's CIS cost stays indexed to the scenario's price year; only success is the JST's.
    assert "koszt_uczestnika" in resolved.from_base and "skutecznosc" not in resolved.from_base


def test_a_block_entry_keeps_its_own_comment_on_the_success_line(tmp_path: Path) -> None:
    path = Path(shutil.copy(SAMPLE, tmp_path / "s.yaml"))
    text = path.read_text(encoding="utf-8").replace(
        ONE_LINE, "  - kod: bezrobocie\n    osoby: 120\n    skutecznosc: 0.2  # z 2024\n"
                  "    # notatka pod spodem\n    naplyw: 10")
    path.write_text(text, encoding="utf-8")
    for _ in range(2):
        set_programme(path, "bezrobocie", "CIS", None, 0.3, note="źródło testowe")
    out = path.read_text(encoding="utf-8")
    assert "skutecznosc: 0.3  # z 2024" in out and "# notatka pod spodem" in out
    assert out.count(f"# {NOTE_MARK} źródło testowe") == 1 and "naplyw: 10" in out
    assert _issue(path).success == 0.3


def test_a_scenario_without_the_issue_is_refused_and_left_untouched(
        filled: Path, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "s.yaml"
    path.write_text("jst: {nazwa: Gmina X, teryt: '1499012', rodzaj: gmina}\nkwestie:\n"
                    "  - {kod: ubostwo, osoby: 10}\n", encoding="utf-8")
    original = path.read_bytes()
    res = runner.invoke(app, ["cis", "wyniki", str(filled), "--do-scenariusza", str(path)])
    assert res.exit_code == 2 and "nie zawiera kwestii 'bezrobocie'" in res.output
    assert "--fragment" in res.output and "scenariusza nie zmieniono" in res.output
    assert path.read_bytes() == original


def test_rounded_shares_still_add_up_to_one() -> None:
    shares = rounded_shares({"gmina": 1 / 3, "zus_fp": 1 / 3, "budzet_panstwa": 1 / 3})
    assert sum(shares.values()) == pytest.approx(1, abs=1e-12)
    assert all(len(str(v).split(".")[1]) <= 4 for v in shares.values())


def test_program_from_a_plan_writes_its_cost_and_financing(scenario: Path,
                                                           tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    assert runner.invoke(app, ["cis", "przyklad", str(plan)]).exit_code == 0
    res = runner.invoke(app, ["cis", "program", str(plan), "--do-scenariusza", str(scenario)])
    assert res.exit_code == 0, res.output
    issue = _issue(scenario)
    expected = scenario_edit(cis_programme(kalkulacja=_plan_cost(plan)))
    assert issue.programme_cost == expected["cost"]
    assert {str(k): v for k, v in issue.financing.items()} == expected["financing"]
    refused = runner.invoke(app, ["cis", "program", str(plan), "--json", "--do-scenariusza",
                                  str(scenario)])
    assert refused.exit_code == 2 and "nie łącz z --json" in refused.output


def _plan_cost(plan: Path) -> object:
    from kkz_xl.cis.financing import cis_cost
    from kkz_xl.cis.plan_file import load_plan

    return cis_cost(load_plan(plan).kalkulator)


def test_a_json_scenario_gets_the_values_without_comments(filled: Path,  # noqa: F811
                                                          tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(Scenario.load(SAMPLE).dump(), ensure_ascii=False, indent=2),
                    encoding="utf-8")
    res = runner.invoke(app, ["cis", "wyniki", str(filled), "--do-scenariusza", str(path)])
    assert res.exit_code == 0, res.output
    assert "komentarzu" not in res.output
    entry = next(i for i in json.loads(path.read_text(encoding="utf-8"))["kwestie"]
                 if i["kod"] == "bezrobocie")
    assert entry["program"] == "cis" and entry["skutecznosc"] == _issue(path).success
    assert sum(entry["finansowanie"].values()) == pytest.approx(1)
