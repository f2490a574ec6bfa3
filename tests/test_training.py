"""System Szkoleń: register checks, report per JST, leaders, documents, workbook round trip."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as hs
from pydantic import ValidationError

from kkz_xl.errors import InputError
from kkz_xl.training import demo
from kkz_xl.training.leaders import leader_names
from kkz_xl.training.reports import completions, jst_summary, leader_trainings, unknown_leaders
from kkz_xl.training.schema import Attendance, TrainingRegister
from kkz_xl.training.storage import load_register, sample_register, save_register
from kkz_xl.training.workbook import read_training_workbook, write_training_workbook


def _data() -> dict:
    return sample_register().model_dump(mode="json")


def test_completion_requires_presence() -> None:
    with pytest.raises(ValidationError, match="ukończenie wymaga obecności"):
        Attendance(sesja="S1", uczestnik="U1", obecny=False, ukonczyl=True)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["sesje"][0].update(modul="M9"), "sesja S1: nieznany moduł M9"),
    (lambda d: d["udzialy"].append({"sesja": "S1", "uczestnik": "U9"}), "nieznany uczestnik U9"),
    (lambda d: d["udzialy"].append(dict(d["udzialy"][0])), "zapisany dwa razy"),
    (lambda d: d["sesje"][2].update(limit_miejsc=1), "sesja S3: 2 zapisanych, limit miejsc 1"),
    (lambda d: d["uczestnicy"].append(dict(d["uczestnicy"][0])), "powtórzone id uczestników"),
])
def test_register_consistency_messages(change, message: str) -> None:
    data = _data()
    change(data)
    with pytest.raises(ValidationError, match=message):
        TrainingRegister.model_validate(data)


def test_report_per_jst_counts_only_completed() -> None:
    reg = sample_register()
    rows = completions(reg, "bodzanów")
    assert {r.uczestnik for r in rows} == {"Anna Kowalczyk", "Ewa Nowicka"}
    assert len(rows) == 5
    summary = jst_summary(reg)
    assert summary["Bodzanów"]["Kalkulator Społeczny (KKZ)"] == 2
    # Katarzyna Zielińska was absent from S1 and did not complete S2: not trained.
    assert "Wyszków" not in summary


def test_leader_trainings_and_link_to_leaders_register() -> None:
    reg = sample_register()
    trainings = leader_trainings(reg)
    assert len(trainings["L-001"]) == 3 and "L-003" not in trainings
    names = leader_names()
    assert names["L-001"] == "Anna Kowalczyk"
    assert unknown_leaders(reg, set(names)) == []
    assert unknown_leaders(reg, {"L-001"}) and "L-002" in unknown_leaders(reg, {"L-001"})[0]


def test_yaml_save_is_atomic_with_backup(tmp_path: Path) -> None:
    path = tmp_path / "szkolenia.yaml"
    save_register(sample_register(), path)
    save_register(sample_register(), path)
    assert load_register(path) == sample_register()
    assert len(list((tmp_path / ".kopie").iterdir())) == 1


def test_bad_yaml_gives_polish_error(tmp_path: Path) -> None:
    path = tmp_path / "zly.yaml"
    path.write_text("moduly:\n  - {id: M1, temat: ab, godziny: -1, forma: wyklad, narzedzie: x}\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_register(path)
    text = str(err.value)
    assert "moduly[1].godziny: oczekiwano liczby > 0" in text
    assert "moduly[1].forma: dozwolone wartości" in text


def test_workbook_round_trip_and_protection(tmp_path: Path) -> None:
    path = write_training_workbook(tmp_path / "Szkolenia_KKZ.xlsx", sample_register())
    assert read_training_workbook(path) == sample_register()
    ws = openpyxl.load_workbook(path)["Udział"]
    assert ws.protection.sheet and ws["C4"].protection.locked is False
    assert ws["C4"].value == "tak"


def test_workbook_edit_is_read_back_and_checked(tmp_path: Path) -> None:
    path = write_training_workbook(tmp_path / "s.xlsx", sample_register())
    wb = openpyxl.load_workbook(path)
    wb["Udział"]["C4"] = "nie"  # U1 absent from S1 but marked completed
    wb.save(path)
    with pytest.raises(InputError, match="ukończenie wymaga obecności"):
        read_training_workbook(path)


def test_demo_documents(tmp_path: Path) -> None:
    paths = demo(tmp_path)
    names = [p.name for p in paths]
    assert names[:2] == ["Szkolenia_KKZ.xlsx", "Lista_obecnosci_S1.docx"]
    assert sorted(names[2:]) == ["Zaswiadczenie_S1_U1.docx", "Zaswiadczenie_S1_U2.docx",
                                 "Zaswiadczenie_S1_U3.docx"]  # U4 was absent
    doc = Document(str(paths[1]))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Katarzyna Zielińska" in cells and "Anna Kowalczyk" in cells
    assert {"Title", "Heading 1"} <= {p.style.name for p in doc.paragraphs if p.text.strip()}
    cert = "\n".join(p.text for p in Document(str(paths[2])).paragraphs)
    assert "Anna Kowalczyk" in cert and "{{" not in cert


def test_ampersand_survives_rendering(tmp_path: Path) -> None:
    data = _data()
    data["sesje"][0]["prowadzacy"] = "Kowalski & Syn <firma>"
    from kkz_xl.training.documents import write_attendance_list
    out = write_attendance_list(TrainingRegister.model_validate(data), "S1", tmp_path / "l.docx")
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "Kowalski & Syn <firma>" in text


# ------------------------------------------------------------ a register you can trust

def _with_twin(name: str = "anna  KOWALCZYK", jst: str = "Gmina Bodzanów") -> dict:
    """U1 typed again as U9 (other spelling) and enrolled in S1 again: one person."""
    data = _data()
    data["uczestnicy"].append({"id": "U9", "imie_nazwisko": name, "jst": jst,
                               "instytucja": "", "funkcja": "kierownik GOPS"})
    data["udzialy"].append({"sesja": "S1", "uczestnik": "U9", "obecny": True, "ukonczyl": True})
    return data


def test_same_person_twice_is_merged_and_gets_one_certificate(tmp_path: Path) -> None:
    from kkz_xl.training.documents import certificate_holders, write_certificates
    from kkz_xl.training.people import duplicates, merge_duplicates

    reg = TrainingRegister.model_validate(_with_twin())
    found = duplicates(reg)
    assert [(d.kept.id, [m.id for m in d.merged], d.sessions_twice) for d in found] == [
        ("U1", ["U9"], ("S1",))]
    merged, notes = merge_duplicates(reg)
    assert "U1 i U9 – połączono w U1" in notes[0] and "sesję S1" in notes[0]
    assert [a.uczestnik for a in merged.udzialy if a.sesja == "S1"].count("U1") == 1
    assert "U9" not in {p.id for p in merged.uczestnicy}
    holders, _ = certificate_holders(reg, "S1")
    assert [p.id for p in holders].count("U1") == 1 and "U9" not in {p.id for p in holders}
    paths = write_certificates(reg, "S1", tmp_path)
    assert sorted(p.name for p in paths) == ["Zaswiadczenie_S1_U1.docx",
                                             "Zaswiadczenie_S1_U2.docx",
                                             "Zaswiadczenie_S1_U3.docx"]


def test_different_person_same_name_other_jst_is_not_merged() -> None:
    from kkz_xl.training.people import duplicates

    reg = TrainingRegister.model_validate(_with_twin(jst="Wyszków"))
    assert duplicates(reg) == []


@given(copies=hs.lists(hs.tuples(hs.sampled_from(["Anna Kowalczyk", "anna kowalczyk",
                                                  " Anna  Kowalczyk ", "ANNA KOWALCZYK"]),
                                 hs.sampled_from(["Bodzanów", "Gmina Bodzanów", "bodzanow"]),
                                 hs.sampled_from(["S1", "S2", "S3"]), hs.booleans()),
                       min_size=1, max_size=6))
def test_duplicates_never_get_two_certificates(copies: list) -> None:
    from kkz_xl.training.documents import certificate_holders

    data = _data()
    data["sesje"][2]["limit_miejsc"] = None
    for i, (name, jst, session, done) in enumerate(copies):
        data["uczestnicy"].append({"id": f"X{i}", "imie_nazwisko": name, "jst": jst})
        data["udzialy"].append({"sesja": session, "uczestnik": f"X{i}", "obecny": done,
                                "ukonczyl": done})
    reg = TrainingRegister.model_validate(data)
    for session in ("S1", "S2", "S3"):
        people = certificate_holders(reg, session)[0]
        keys = [(p.imie_nazwisko.split()[-1].casefold(), p.id) for p in people]
        assert len([k for k in keys if k[0] == "kowalczyk"]) <= 1, keys


def test_no_silent_sample_and_explicit_przyklad(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kkz_xl.cli.main import app

    runner = CliRunner()
    result = runner.invoke(app, ["szkolenia", "zaswiadczenia", "S1", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "--przyklad" in result.output
    assert not list(tmp_path.iterdir())
    result = runner.invoke(app, ["szkolenia", "zaswiadczenia", "S1", "--przyklad", "-o",
                                 str(tmp_path)])
    assert result.exit_code == 0 and "Zapisano 3 zaświadczenia" in result.output
    result = runner.invoke(app, ["szkolenia", "sprawdz", "--przyklad"])
    assert "3 moduły, 3 sesje, 4 uczestnicy, 8 zapisów" in result.output


def test_sprawdz_reports_duplicates_with_exit_1(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kkz_xl.cli.main import app

    path = tmp_path / "s.yaml"
    import yaml
    path.write_text(yaml.safe_dump(_with_twin(), allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(app, ["szkolenia", "sprawdz", str(path)])
    assert result.exit_code == 1
    assert "połączono w U1" in result.output and "1 przypadek" in result.output


@pytest.mark.parametrize(("text", "message"), [
    ("2025-13-45", "oczekiwano daty RRRR-MM-DD, otrzymano „2025-13-45”"),
    ("1925-03-12", "data 12 marca 1925\u00a0r. jest nieprawdopodobna"),
    ("2035-03-12", "data 12 marca 2035\u00a0r. jest nieprawdopodobna"),
])
def test_impossible_and_implausible_dates_refused(tmp_path: Path, text: str,
                                                  message: str) -> None:
    path = tmp_path / "s.yaml"
    source = (Path(__file__).parents[1] / "kkz_xl/training/sample/szkolenia.yaml").read_text(
        "utf-8")
    path.write_text(source.replace("2025-03-12", text), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_register(path)
    assert message in str(err.value)


def test_unknown_jst_reported_with_exit_2() -> None:
    from typer.testing import CliRunner

    from kkz_xl.cli.main import app

    result = CliRunner().invoke(app, ["szkolenia", "raport", "--przyklad", "--jst", "Płock"])
    assert result.exit_code == 2 and "nie ma uczestników z JST „Płock”" in result.output
    ok = CliRunner().invoke(app, ["szkolenia", "raport", "--przyklad", "--jst",
                                  "Gmina Bodzanów"])
    assert ok.exit_code == 0 and "Kowalczyk" in ok.output


def test_attendance_list_polish_order_and_fit_for_signing(tmp_path: Path) -> None:
    from docx.shared import Cm

    from kkz_xl.training.documents import write_attendance_list

    data = _data()
    data["sesje"][0]["limit_miejsc"] = None
    for i, name in enumerate(["Łucja Żak", "Zofia Zając", "Ćwik Cezary", "Ewa Śliwa",
                              "Jan Szary", "Ola Źrebiec", "Ida Lis", "Piotr Cebula"]):
        data["uczestnicy"].append({"id": f"N{i}", "imie_nazwisko": name, "jst": "Bodzanów"})
        data["udzialy"].append({"sesja": "S1", "uczestnik": f"N{i}"})
    out = write_attendance_list(TrainingRegister.model_validate(data), "S1", tmp_path / "l.docx")
    table = Document(str(out)).tables[0]
    names = [row.cells[1].text for row in table.rows[1:]]
    surnames = [n.split()[-1] for n in names]
    # Polish order by surname: Ć after C, Ł after L, Ś after S, Ź and Ż after Z.
    assert surnames == ["Cebula", "Cezary", "Kowalczyk", "Lis", "Nowicka", "Szary", "Śliwa",
                        "Wiśniewski", "Zając", "Zielińska", "Źrebiec", "Żak"]
    rows = table.rows[1:]
    assert all(r.height is not None and r.height >= Cm(1.0) - 1 for r in rows)
    widths = [c.width for c in table.columns]
    assert widths[0] < Cm(1.5) and widths[-1] == max(widths)


def test_printed_workbook_stops_at_the_data(tmp_path: Path) -> None:
    path = write_training_workbook(tmp_path / "s.xlsx", sample_register())
    wb = openpyxl.load_workbook(path)
    assert wb["Uczestnicy"].print_area == "'Uczestnicy'!$A$1:$F$7"  # title, header, 4 people
    assert wb["Udział"].print_area.endswith("$D$11")


def test_polish_collation_by_icu() -> None:
    from kkz_xl.polish import collation_key

    names = ["Żak", "Zając", "Ćwik", "Cebula", "Łukasz", "Lis", "Śliwa", "Szary", "Źrebiec",
             "ewa", "Ąbel", "Adam"]
    assert sorted(names, key=collation_key) == [
        "Adam", "Ąbel", "Cebula", "Ćwik", "ewa", "Lis", "Łukasz", "Szary", "Śliwa", "Zając",
        "Źrebiec", "Żak"]


def test_jst_summary_meets_one_jst_written_two_ways() -> None:
    data = _data()
    data["uczestnicy"][2]["jst"] = "Gmina Bodzanów"  # Ewa Nowicka, same gmina as Anna Kowalczyk
    summary = jst_summary(TrainingRegister.model_validate(data))
    assert [j for j in summary if "Bodzanów" in j] == ["Bodzanów"]
    assert summary["Bodzanów"]["Kalkulator Społeczny (KKZ)"] == 2
