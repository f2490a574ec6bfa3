"""Registers on messy submissions (tests/messy_registers.py): every row and cell a file
brings is accounted for (placed, joined, in conflicts, refused with a reason; lost = 0), the
reader finds exactly what the generator wrote, rounds are idempotent, and no output file holds
a contact of a person without a valid consent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.registers.consent import EMAIL_RE, PHONE_RE
from kkz_xl.registers.reading import detect_encoding, read_register
from kkz_xl.registers.schema import SCHEMAS
from tests.messy_registers import make_submissions

runner = CliRunner()
COUNT_KEYS = ("komorki_umieszczone", "komorki_polaczone", "komorki_konflikty",
              "komorki_odrzucone")


def merge(folder: Path, kind: str, seed: int) -> tuple[list, object, Path, dict, object]:
    sent, gen = make_submissions(folder, SCHEMAS[kind], seed)
    out, js = folder / "region.xlsx", folder / "uzgodnienie.json"
    res = runner.invoke(app, [kind, "scal", *(str(s.path) for s in sent), "--wynik", str(out),
                              "--uzgodnienie", str(js)])
    assert js.exists(), res.output
    return sent, gen, out, json.loads(js.read_text(encoding="utf-8")), res


def check_balance(sent: list, data: dict, res: object) -> None:
    by_file = {f["plik"]: f for f in data["pliki"]}
    for s in sent:
        f = by_file[s.path.name]
        if s.refused:
            assert f["status"] == "odrzucony" and f["powod"], f
            continue
        # The reader found exactly what the generator wrote under the header …
        assert (f["wiersze_we"], f["komorki_we"]) == (s.rows, s.cells), (s.path.name, f)
        # … and every cell went somewhere.
        assert f["komorki_utracone"] == 0 and f["wiersze_utracone"] == 0, f["utracone"]
        assert f["komorki_we"] == sum(f[k] for k in COUNT_KEYS)
        assert f["wiersze_we"] == f["wiersze_umieszczone"] + f["wiersze_polaczone"]
    assert data["uzgodnione"] is True
    assert res.exit_code == (1 if any(s.refused for s in sent) else 0), res.output


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), kind=st.sampled_from(sorted(SCHEMAS)))
@example(seed=55, kind="liderzy")  # notes differing only in a masked phone (see below)
def test_every_sent_cell_is_placed_or_reported(tmp_path_factory, seed: int, kind: str) -> None:
    folder = tmp_path_factory.mktemp("messy")
    sent, gen, out, data, res = merge(folder, kind, seed)
    check_balance(sent, data, res)
    # The regional register holds no contact of a person without a valid consent (the
    # Katalog records none: only an institution's contacts stay).
    keep = (gen.institutional if kind == "katalog" else
            {c for c, key in gen.contacts.items() if gen.valid(key)})
    assert scan(out, keep, set(gen.contacts)) == []
    wb = openpyxl.load_workbook(out)
    assert "Uzgodnienie" in wb.sheetnames
    # Text stays text: no cell of any sheet is a formula (headers and JST names included).
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row), ws.title
    # The next round with the same files, and the regional register merged alone, change
    # nothing.
    schema = SCHEMAS[kind]
    before = read_register(out, schema)
    for files in ([str(s.path) for s in sent], [str(out)]):
        again = runner.invoke(app, [kind, "scal", *files, "--wynik", str(out)])
        assert "UTRACONE" not in again.output, again.output
        after = read_register(out, schema)
        assert after.rows == before.rows
        assert [(c, c.decision) for c in after.conflicts] == [(c, c.decision)
                                                            for c in before.conflicts]


@pytest.mark.parametrize(("day", "scope"), [("2025-12-31", "wycofana"),
                                           ("2024-11-11", "tylko centrum regionalne")])
def test_values_that_differ_only_in_masked_contacts_are_no_conflict(
        tmp_path: Path, day: str, scope: str) -> None:
    """A leader sent twice, then withdrawn (or with two statements of one day: disputed): the
    contacts go, so the notes that differed only in their phone numbers leave nothing to
    decide, and the next rounds (the same files again, the regional register alone) keep the
    register as it is."""
    head = "Imię i nazwisko,JST,E-mail,Uwagi,Zgoda – data,Zgoda – zakres\n"
    files = []
    for name, mail, phone, when, what in (
            ("a", "jan@a.example", "+48 500 014 029", "2024-11-11", "udostępnianie w sieci"),
            ("b", "jan@b.example", "+48 500 039 018", day, scope)):
        path = tmp_path / f"{name}.csv"
        path.write_text(head + f"Jan Nowak,Radom,{mail},\"dzwonić: {phone}, po 15\",{when},"
                        f"{what}\n", encoding="utf-8")
        files.append(str(path))
    out = tmp_path / "region.xlsx"
    res = runner.invoke(app, ["liderzy", "scal", *files, "--wynik", str(out)])
    assert res.exit_code == 0, res.output
    schema = SCHEMAS["liderzy"]
    before = read_register(out, schema)
    row = before.rows[0]
    assert row["Uwagi"] == "dzwonić: [usunięto kontakt bez zgody], po 15"
    assert row[schema.header("email")] is None
    assert "Uwagi" not in (row[schema.header("konflikty")] or "")
    assert {c.column for c in before.conflicts} <= {schema.header("zgoda_data"),
                                                    schema.header("zgoda_zakres")}
    assert scan(out, set(), {"jan@a.example", "jan@b.example", "+48 500 014 029",
                             "+48 500 039 018"}) == []
    for again in (files, [str(out)]):
        res = runner.invoke(app, ["liderzy", "scal", *again, "--wynik", str(out)])
        assert res.exit_code == 0, res.output
        after = read_register(out, schema)
        assert after.rows == before.rows and after.conflicts == before.conflicts


def _texts(path: Path) -> str:
    """Every text an output file holds (all sheets, the document's paragraphs and tables)."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path)
        return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows()
                         for c in row if c.value is not None)
    if path.suffix == ".docx":
        document = docx.Document(str(path))
        parts = [p.text for p in document.paragraphs]
        parts += [cell.text for t in document.tables for r in t.rows for cell in r.cells]
        return "\n".join(parts)
    raw = path.read_bytes()
    return raw.decode(detect_encoding(raw))


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)[-9:]


def scan(path: Path, allowed: set[str], known: set[str]) -> list[str]:
    """Contacts in ``path`` that are not ``allowed`` (an e-mail nobody sent counts too;
    phone-like numbers count when they are a generated phone)."""
    text = _texts(path)
    allowed_digits = {_digits(c) for c in allowed}
    known_digits = {_digits(c) for c in known}
    bad = [e for e in EMAIL_RE.findall(text) if e not in allowed]
    bad += [p for p in PHONE_RE.findall(text)
            if _digits(p) in known_digits and _digits(p) not in allowed_digits]
    return bad


@pytest.mark.parametrize("seed", [11, 12, 13, 14])
def test_no_output_holds_a_contact_without_valid_consent(tmp_path: Path, seed: int) -> None:
    from kkz_xl.documents.batch import template_for
    from kkz_xl.documents.strategy import strategy_context
    from kkz_xl.engine.run import run_scenario
    from kkz_xl.model.scenario import Scenario
    from kkz_xl.office.render import render_docx
    from kkz_xl.registers.schema import LEADERS
    from tests.test_documents import scenario_data

    sent, gen, region, _, _ = merge(tmp_path, "liderzy", seed)
    known = set(gen.contacts)
    keep = {c for c, key in gen.contacts.items() if gen.valid(key)}
    share = {c for c, key in gen.contacts.items() if gen.shared(key)}
    outputs: dict[Path, set[str]] = {region: keep}
    for flag, allowed in (([], set()), (["--z-kontaktami"], share), (["--anonimowo"], set())):
        for suffix in (".csv", ".json", ".xlsx"):
            out = tmp_path / f"eksport{'_'.join(flag)}{suffix}"
            res = runner.invoke(app, ["liderzy", "eksportuj", str(region), str(out), *flag])
            assert res.exit_code == 0, res.output
            outputs[out] = allowed
    # The Word strategy names only leaders who consented to sharing (all put in its JST).
    scenario = Scenario.model_validate(scenario_data())
    rows = read_register(region, LEADERS).rows
    for row in rows:
        row[LEADERS.header("jst")] = scenario.jst.name
    context = strategy_context(scenario, run_scenario(scenario, monte_carlo_draws=0),
                               liderzy_rows=rows, with_charts=False)
    outputs[render_docx(template_for("gmina"), context, tmp_path / "strategia.docx")] = share
    leaks = {p.name: found for p, allowed in outputs.items()
             if (found := scan(p, allowed, known))}
    assert leaks == {}
    # The scan can fail: the sources do hold contacts without consent.
    unconsented = known - keep
    if unconsented:
        assert any(scan(s.path, keep, known) for s in sent if not s.refused)
