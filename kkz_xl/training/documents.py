"""Attendance lists and certificates from Word templates built by code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table

from kkz_xl.office.docx_build import a4_document, loop_table, save_template, template_path
from kkz_xl.office.render import render_docx
from kkz_xl.polish import fmt_date, fmt_number
from kkz_xl.training.people import earlier_completion, merge_duplicates, sorted_by_name
from kkz_xl.training.schema import TOOL_LABELS, Participant, TrainingRegister

ATTENDANCE_TEMPLATE = "lista_obecnosci.docx"
CERTIFICATE_TEMPLATE = "zaswiadczenie.docx"
CERTIFICATE_TITLE = "Zaświadczenie o ukończeniu szkolenia"
CERTIFICATE_FILE_PREFIX = "Zaswiadczenie"  # the document's one name, in its file name too
# Attendance list columns (cm, 17 cm of A4 between 2 cm margins): a narrow Lp., a wide Podpis;
# a signing row at least 10 mm high.
ATTENDANCE_WIDTHS = (1.0, 4.6, 3.0, 3.4, 5.0)
SIGNING_ROW_CM = 1.0


def build_attendance_template(path: Path) -> Path:
    doc = a4_document()
    doc.add_heading("Lista obecności", level=0)
    doc.add_heading("{{ temat }}", level=1)
    for label, tag in (("Data", "data"), ("Miejsce", "miejsce"), ("Prowadzący", "prowadzacy"),
                       ("Forma", "forma"), ("Liczba godzin", "godziny"),
                       ("Narzędzie KKZ", "narzedzie")):
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(f"{{{{ {tag} }}}}")
    loop_table(doc, ("Lp.", "Imię i nazwisko", "JST", "Instytucja", "Podpis"), "u", "uczestnicy",
               ("{{ u.lp }}", "{{ u.imie_nazwisko }}", "{{ u.jst }}", "{{ u.instytucja }}", ""),
               widths=ATTENDANCE_WIDTHS)
    _fit_for_signing(doc.tables[-1])
    doc.add_paragraph()
    doc.add_paragraph("Podpis prowadzącego: ……………………………………")
    return save_template(doc, path)


def _fit_for_signing(table: Table) -> None:
    """A data row high enough to sign in (docxtpl repeats that row with its height); the
    column widths are fixed by ``loop_table``."""
    row = table.rows[2]
    row.height = Cm(SIGNING_ROW_CM)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for cell in row.cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def build_certificate_template(path: Path) -> Path:
    doc = a4_document()
    doc.add_heading(CERTIFICATE_TITLE, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, size, bold in (("System Szkoleń Kalkulatora Kosztów Zaniechania", 12, False),
                             ("{{ imie_nazwisko }}", 22, True), ("{{ instytucja }}", 12, False),
                             ("ukończył(a) szkolenie", 12, False), ("{{ temat }}", 16, True),
                             ("{{ opis }}", 11, False)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
    doc.add_heading("Zakres", level=1)
    doc.add_paragraph("Narzędzie KKZ: {{ narzedzie }}. Forma: {{ forma }}. "
                      "Liczba godzin: {{ godziny }}.")
    doc.add_paragraph("Nr zaświadczenia: {{ numer }}")
    doc.add_paragraph()
    doc.add_paragraph("{{ miejsce }}, {{ data }}")
    # The signature block on the right: the line, the trainer's name under it, centred on it.
    for text, size in (("……………………………………", 11), ("{{ prowadzacy }}", 11),
                       ("(podpis prowadzącego)", 9)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.left_indent = Cm(9)
        p.paragraph_format.space_after = Pt(0)
        p.add_run(text).font.size = Pt(size)
    return save_template(doc, path)


def _session_context(reg: TrainingRegister, session_id: str) -> dict[str, Any]:
    s = reg.session(session_id)
    m = reg.module(s.modul)
    return {"temat": m.temat, "data": fmt_date(s.data), "miejsce": s.miejsce,
            "prowadzacy": s.prowadzacy, "forma": m.forma.value,
            "godziny": fmt_number(m.godziny, 1), "narzedzie": TOOL_LABELS[m.narzedzie]}


def attendance_context(reg: TrainingRegister, session_id: str) -> dict[str, Any]:
    ctx = _session_context(reg, session_id)
    reg, _notes = merge_duplicates(reg)  # one signing line per person
    enrolled = sorted_by_name([reg.participant(a.uczestnik) for a in reg.udzialy
                               if a.sesja == session_id])
    ctx["uczestnicy"] = [{"lp": i, "imie_nazwisko": p.imie_nazwisko, "jst": p.jst,
                          "instytucja": p.instytucja} for i, p in enumerate(enrolled, start=1)]
    return ctx


def write_attendance_list(reg: TrainingRegister, session_id: str, out: Path) -> Path:
    template = template_path(ATTENDANCE_TEMPLATE, build_attendance_template)
    return render_docx(template, attendance_context(reg, session_id), out)


def certificate_holders(reg: TrainingRegister, session_id: str
                        ) -> tuple[list[Participant], list[str]]:
    """Who gets a certificate for the session: each person once (records of one person merged
    first), only those who completed it, and not again for a module already certified in an
    earlier session. Returns the people (Polish order) and the reasons for those left out."""
    reg, notes = merge_duplicates(reg)
    people = []
    for a in reg.udzialy:
        if a.sesja != session_id or not a.ukonczyl:
            continue
        p = reg.participant(a.uczestnik)
        earlier = earlier_completion(reg, session_id, p.id)
        if earlier is not None:
            notes.append(f"{p.imie_nazwisko} ({p.id}) ukończył(a) ten moduł już w sesji "
                         f"{earlier} – zaświadczenie z tamtej sesji, drugiego nie wystawiono")
            continue
        people.append(p)
    return sorted_by_name(people), notes


def write_certificates(reg: TrainingRegister, session_id: str, out_dir: Path) -> list[Path]:
    """One certificate per person who completed the session (see :func:`certificate_holders`)."""
    base = _session_context(reg, session_id)
    session = reg.session(session_id)
    template = template_path(CERTIFICATE_TEMPLATE, build_certificate_template)
    paths = []
    for p in certificate_holders(reg, session_id)[0]:
        ctx = dict(base, imie_nazwisko=p.imie_nazwisko, instytucja=p.instytucja or p.jst,
                   opis=f"({base['forma']}, {base['godziny']} godz.)",
                   numer=f"KKZ/{session.data:%Y}/{session.id}/{p.id}")
        out = Path(out_dir) / f"{CERTIFICATE_FILE_PREFIX}_{session.id}_{p.id}.docx"
        paths.append(render_docx(template, ctx, out))
    return paths

