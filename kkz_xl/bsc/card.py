"""The service card (karta usługi) in Word: the template built from code and its context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kkz_xl.bsc.funding import FundingResult
from kkz_xl.bsc.labels import CATEGORY_LABELS, DIRECTION_LABELS, PERSPECTIVE_LABELS, Perspective
from kkz_xl.bsc.network import Network, ServiceCard, service_card
from kkz_xl.office.docx_build import a4_document, loop_table, save_template, template_path
from kkz_xl.office.render import render_docx
from kkz_xl.polish import fmt_date, fmt_money, fmt_number, fmt_percent

TEMPLATE_NAME = "karta_uslugi.docx"
NO_DATA = "brak danych"


def funding_note(money: FundingResult) -> str:
    """Why the subsidy is what it is (card, CLI)."""
    if money.oplaty_ponad_limit:
        return ("Opłaty użytkowników same sięgają limitu udziału w kosztach: dotacja nie "
                "przysługuje.")
    if money.ograniczona:
        return ("Dotację ograniczył limit udziału w kosztach: dotacja i opłaty użytkowników "
                "razem nie przekraczają limitu.")
    return "Limit udziału w kosztach (dotacja i opłaty razem) nie ogranicza dotacji."


def build_card_template(path: Path) -> Path:
    """Write ``karta_uslugi.docx`` (docxtpl tags, heading styles, A4)."""
    doc = a4_document()
    doc.add_heading("Karta usługi społecznej", level=0)
    doc.add_paragraph("{{ siec }} – {{ region }}, rok {{ rok }}")
    doc.add_heading("{{ nazwa }}", level=1)
    rows = (("Identyfikator", "{{ id }}"), ("Typ usługi", "{{ typ }}"),
            ("Realizator", "{{ realizator }}"), ("JST", "{{ jst }}"),
            ("Kategoria sieci", "{{ kategoria }}"), ("Etaty", "{{ etaty }}"),
            ("Miejsca", "{{ miejsca }}"), ("Opis", "{{ opis }}"))
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for r, (label, tag) in enumerate(rows):
        table.rows[r].cells[0].paragraphs[0].add_run(label).bold = True
        table.rows[r].cells[1].paragraphs[0].add_run(tag)
    doc.add_heading("Finansowanie według kryteriów regionalnych", level=1)
    for label, tag in (("Koszty usługi", "koszty"), ("Opłaty użytkowników", "oplaty"),
                       ("Podstawa (etaty × koszt na etat − opłaty)", "podstawa"),
                       ("Współczynnik kategorii", "wspolczynnik"),
                       ("Limit udziału w kosztach (dotacja i opłaty razem)", "limit"),
                       ("Limit dotacji (limit udziału − opłaty)", "limit_dotacji"),
                       ("Dotacja", "dotacja"),
                       ("Wkład własny realizatora (koszty − dotacja − opłaty)", "wklad")):
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(f"{label}: ")
        p.add_run(f"{{{{ {tag} }}}}").bold = tag == "dotacja"
    doc.add_paragraph("{{ uwaga_limit }}")
    doc.add_heading("Karta wyników (BSC)", level=1)
    doc.add_paragraph("Wynik ogółem: {{ wynik }} – światło: {{ swiatlo }}.")
    doc.add_paragraph("{{ uwaga_braki }}")
    loop_table(doc, ("Perspektywa", "Wynik"), "p", "perspektywy",
               ("{{ p.nazwa }}", "{{ p.wynik }}"), widths=(9, 4))
    doc.add_heading("Wskaźniki", level=2)
    loop_table(doc, ("Perspektywa", "Wskaźnik", "Kierunek", "Cel", "Wartość", "Wynik", "Światło"),
               "w", "wskazniki",
               ("{{ w.perspektywa }}", "{{ w.nazwa }}", "{{ w.kierunek }}", "{{ w.cel }}",
                "{{ w.wartosc }}", "{{ w.wynik }}", "{{ w.swiatlo }}"),
               widths=(2.7, 4.3, 2.3, 2.0, 2.0, 1.9, 1.8))
    doc.add_paragraph()
    doc.add_paragraph("Sporządzono: {{ data }}")
    return save_template(doc, path)


def card_context(net: Network, card: ServiceCard, today: Any) -> dict[str, Any]:
    """Everything the template shows, already formatted the Polish way."""
    s, money = card.usluga, card.finansowanie
    limit_share = money.limit / money.koszty
    return {
        "siec": net.nazwa, "region": net.region, "rok": net.rok,
        "id": s.id, "nazwa": s.nazwa, "typ": s.typ, "realizator": s.realizator, "jst": s.jst,
        "kategoria": CATEGORY_LABELS[s.kategoria], "etaty": fmt_number(s.etaty, 2),
        "miejsca": "–" if s.miejsca is None else str(s.miejsca), "opis": s.opis or "–",
        "koszty": fmt_money(s.koszty), "oplaty": fmt_money(s.oplaty),
        "podstawa": fmt_money(money.podstawa), "wspolczynnik": fmt_number(money.wspolczynnik, 2),
        "limit": f"{fmt_money(money.limit)} ({fmt_percent(limit_share, 0)} kosztów)",
        "limit_dotacji": fmt_money(money.limit_dotacji), "dotacja": fmt_money(money.dotacja),
        "wklad": f"{fmt_money(money.wklad_wlasny)} ({fmt_percent(money.udzial_wkladu)} "
                 f"kosztów; wymagane co najmniej {fmt_percent(1 - limit_share, 0)})",
        "uwaga_limit": funding_note(money),
        "wynik": NO_DATA if card.wynik is None else fmt_percent(card.wynik),
        "swiatlo": NO_DATA if card.swiatlo is None else card.swiatlo.value,
        "uwaga_braki": ("Wskaźniki " + card.missing_note() + ".") if card.brakujace
        else "Wszystkie wskaźniki mają wartości.",
        "perspektywy": [
            {"nazwa": PERSPECTIVE_LABELS[p],
             "wynik": NO_DATA if card.perspektywy[p] is None
             else fmt_percent(card.perspektywy[p] or 0.0)}
            for p in Perspective
        ],
        "wskazniki": [
            {"perspektywa": PERSPECTIVE_LABELS[r.wskaznik.perspektywa],
             "nazwa": r.wskaznik.nazwa, "kierunek": DIRECTION_LABELS[r.wskaznik.kierunek],
             "cel": f"{fmt_number(r.wskaznik.cel, 1)} {r.wskaznik.jednostka}".strip(),
             "wartosc": NO_DATA if r.wartosc is None
             else f"{fmt_number(r.wartosc, 1)} {r.wskaznik.jednostka}".strip(),
             "wynik": "pominięty" if r.wynik is None else fmt_percent(r.wynik),
             "swiatlo": "–" if r.swiatlo is None else r.swiatlo.value}
            for r in card.wskazniki
        ],
        "data": fmt_date(today),
    }


def write_card(net: Network, service_id: str, out: Path, today: Any) -> Path:
    """Render the card of one service to ``out`` (.docx)."""
    card = service_card(net, net.service(service_id))
    template = template_path(TEMPLATE_NAME, build_card_template)
    return render_docx(template, card_context(net, card, today), out)
