"""System Szkoleń: register checks, report per JST, leaders, documents, workbook round trip."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from docx import Document
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
    assert sorted(names[2:]) == ["Certyfikat_S1_U1.docx", "Certyfikat_S1_U2.docx",
                                 "Certyfikat_S1_U3.docx"]  # U4 was absent
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
