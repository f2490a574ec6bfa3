"""Attendance lists and certificates from Word templates built by code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from kkz_xl.documents.render import render_docx
from kkz_xl.office.docx_build import a4_document, loop_table, save_template, template_path
from kkz_xl.polish import fmt_date, fmt_number
from kkz_xl.training.schema import TOOL_LABELS, TrainingRegister

ATTENDANCE_TEMPLATE = "lista_obecnosci.docx"
CERTIFICATE_TEMPLATE = "certyfikat.docx"


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
               widths=(1.2, 4.6, 3.2, 4.0, 4.0))
    doc.add_paragraph()
    doc.add_paragraph("Podpis prowadzącego: ……………………………………")
    return save_template(doc, path)


def build_certificate_template(path: Path) -> Path:
    doc = a4_document()
    doc.add_heading("Zaświadczenie o ukończeniu szkolenia", level=0).alignment = (
        WD_ALIGN_PARAGRAPH.CENTER)
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
    doc.add_paragraph("{{ miejsce }}, {{ data }}\t\t……………………………………\n\t\t\t\t\t{{ prowadzacy }}")
    return save_template(doc, path)


def _session_context(reg: TrainingRegister, session_id: str) -> dict[str, Any]:
    s = reg.session(session_id)
    m = reg.module(s.modul)
    return {"temat": m.temat, "data": fmt_date(s.data), "miejsce": s.miejsce,
            "prowadzacy": s.prowadzacy, "forma": m.forma.value,
            "godziny": fmt_number(m.godziny, 1), "narzedzie": TOOL_LABELS[m.narzedzie]}


def attendance_context(reg: TrainingRegister, session_id: str) -> dict[str, Any]:
    ctx = _session_context(reg, session_id)
    enrolled = [reg.participant(a.uczestnik) for a in reg.udzialy if a.sesja == session_id]
    enrolled.sort(key=lambda p: p.imie_nazwisko.split()[-1])
    ctx["uczestnicy"] = [{"lp": i, "imie_nazwisko": p.imie_nazwisko, "jst": p.jst,
                          "instytucja": p.instytucja} for i, p in enumerate(enrolled, start=1)]
    return ctx


def write_attendance_list(reg: TrainingRegister, session_id: str, out: Path) -> Path:
    template = template_path(ATTENDANCE_TEMPLATE, build_attendance_template)
    return render_docx(template, attendance_context(reg, session_id), out)


def write_certificates(reg: TrainingRegister, session_id: str, out_dir: Path) -> list[Path]:
    """One certificate per participant who completed the session."""
    base = _session_context(reg, session_id)
    session = reg.session(session_id)
    template = template_path(CERTIFICATE_TEMPLATE, build_certificate_template)
    paths = []
    for a in reg.udzialy:
        if a.sesja != session_id or not a.ukonczyl:
            continue
        p = reg.participant(a.uczestnik)
        ctx = dict(base, imie_nazwisko=p.imie_nazwisko, instytucja=p.instytucja or p.jst,
                   opis=f"({base['forma']}, {base['godziny']} godz.)",
                   numer=f"KKZ/{session.data:%Y}/{session.id}/{p.id}")
        out = Path(out_dir) / f"Certyfikat_{session.id}_{p.id}.docx"
        paths.append(render_docx(template, ctx, out))
    return paths

