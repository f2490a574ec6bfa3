"""The CIS outcome report in Word: graduates' outcomes per cohort and contact month, the
success rate handed to the calculator, and the problems found in the filled sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kkz_xl.cis.outcomes import OutcomeRow, SuccessRate
from kkz_xl.office.docx_build import a4_document, loop_table, save_template, template_path
from kkz_xl.office.render import render_docx
from kkz_xl.polish import fmt_date, fmt_percent, plural

TEMPLATE_NAME = "raport_cis.docx"


def build_report_template(path: Path) -> Path:
    """Write ``raport_cis.docx`` (docxtpl tags, heading styles, A4 landscape for the table)."""
    doc = a4_document(landscape=True)
    doc.add_heading("Wyniki absolwentów Centrum Integracji Społecznej", level=0)
    doc.add_paragraph("{{ nazwa }} – stan na {{ data }}; {{ liczba_absolwentow }}.")
    doc.add_heading("Wyniki według rocznika i miesiąca kontaktu", level=1)
    doc.add_paragraph(
        "Usamodzielnieni: zatrudnieni (umowa o pracę lub inna umowa), prowadzący własną "
        "działalność lub pracujący w spółdzielni socjalnej. Udział liczony wśród kontaktów "
        "wpisanych; brak kontaktu liczy się jako brak usamodzielnienia, a kontakty niewpisane "
        "po terminie są pominięte i podane osobno. Miesiące kontaktu, których termin jeszcze "
        "nie nadszedł dla nikogo z rocznika, pominięto.")
    loop_table(doc, ("Rocznik", "Miesiąc", "Absolwenci", "Termin minął", "Wpisane",
                     "Zatrudnieni", "Usamodzielnieni", "Udział", "Brak kontaktu",
                     "Niewpisane"), "w", "wiersze",
               ("{{ w.rocznik }}", "{{ w.miesiac }}", "{{ w.absolwenci }}", "{{ w.termin }}",
                "{{ w.wpisane }}", "{{ w.zatrudnieni }}", "{{ w.usamodzielnieni }}",
                "{{ w.udzial }}", "{{ w.brak_kontaktu }}", "{{ w.niewpisane }}"),
               widths=(2.6, 2.0, 2.4, 2.4, 2.2, 2.6, 3.2, 2.2, 2.6, 2.6))
    doc.add_heading("Skuteczność dla kalkulatora KKZ", level=1)
    doc.add_paragraph("{{ skutecznosc }}")
    doc.add_heading("Uwagi do wypełnionego arkusza", level=1)
    doc.add_paragraph("{{ brak_uwag }}")
    doc.add_paragraph("{%p for u in uwagi %}")
    doc.add_paragraph("{{ u }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    return save_template(doc, path)


def report_context(nazwa: str, rows: list[OutcomeRow], n_graduates: int,
                   rate: SuccessRate | None, problems: list[str], today: dt.date,
                   net: float | None = None) -> dict[str, Any]:
    return {
        "nazwa": nazwa, "data": fmt_date(today),
        "liczba_absolwentow": plural(n_graduates, "absolwent", "absolwentów", "absolwentów"),
        "wiersze": [
            {"rocznik": "ogółem" if r.rocznik == 0 else str(r.rocznik), "miesiac": r.miesiac,
             "absolwenci": r.absolwenci, "termin": r.termin_minal, "wpisane": r.wpisane,
             "zatrudnieni": r.zatrudnieni, "usamodzielnieni": r.usamodzielnieni,
             "udzial": "–" if r.udzial is None else fmt_percent(r.udzial),
             "brak_kontaktu": r.brak_kontaktu, "niewpisane": r.niewpisane}
            for r in rows if r.termin_minal  # contact months not yet due are left out
        ],
        "skutecznosc": (
            f"Usamodzielnieni (brutto): {fmt_percent(rate.wartosc)} – {rate.zrodlo}. Stopień "
            f"wiarygodności {rate.stopien} (1 – statystyka oficjalna … 5 – założenie)."
            + ("" if net is None else
               f" Skuteczność w kalkulatorze (netto, bez odpływu samoistnego): "
               f"{fmt_percent(net)}.") if rate is not None
            else "Brak wpisanych kontaktów w wybranym miesiącu – skuteczności nie policzono."),
        "brak_uwag": "Brak uwag." if not problems else
        plural(len(problems), "uwaga", "uwagi", "uwag") + ":",
        "uwagi": problems,
    }


def write_report(out: Path, nazwa: str, rows: list[OutcomeRow], n_graduates: int,
                 rate: SuccessRate | None, problems: list[str], today: dt.date,
                 net: float | None = None) -> Path:
    template = template_path(TEMPLATE_NAME, build_report_template)
    context = report_context(nazwa, rows, n_graduates, rate, problems, today, net)
    return render_docx(template, context, out)
