"""Closing the loop of the graduate monitoring: read back the monitoring workbook staff filled
in, summarise outcomes per cohort and contact month, and turn the observed success rate into a
sourced, dated input of the calculator.

Counting rule (also in the guide): at contact month *m* a graduate is *due* when the planned
date has passed or a contact was entered. Among the contacts entered, *usamodzielnieni* are
those employed, running their own business or in a social co-operative (how NIK counts CIS
success); *brak kontaktu* counts as not self-reliant; contacts not yet entered are left out of
the rate and reported as "niewpisane po terminie". The success rate for the calculator is
usamodzielnieni / contacts entered at the chosen month (default 12).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from pydantic import BaseModel, ConfigDict, ValidationError

from kkz_xl.cis.financing import CisInput
from kkz_xl.cis.labels import (
    EMPLOYED_SITUATIONS,
    GRADUATE_SITUATIONS,
    GRADUATES_HEADER,
    INPUT_LABELS,
    LOST_CONTACT,
    SELF_RELIANT_SITUATIONS,
    SHEET_CALC,
    SHEET_GRADUATES,
    SHEET_TRACKING,
    TRACKING_HEADER,
)
from kkz_xl.cis.monitoring import Graduate, Schedule, add_months
from kkz_xl.errors import InputError
from kkz_xl.model.validation import polish_validation_message
from kkz_xl.office.zip_limits import check_archive
from kkz_xl.polish import fmt_date, fmt_percent, plural
from kkz_xl.registers.values import parse_date, parse_text

HEADER_ROW = 3
_SITUATIONS = {s.casefold(): s for s in GRADUATE_SITUATIONS}


class ContactEntry(BaseModel):
    """What staff typed for one contact of one graduate."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    absolwent: str
    miesiac: int
    data_kontaktu: dt.date | None = None
    forma: str | None = None
    sytuacja: str | None = None
    uwagi: str | None = None

    @property
    def filled(self) -> bool:
        return any(v not in (None, "") for v in (self.data_kontaktu, self.forma, self.sytuacja,
                                                 self.uwagi))


@dataclass
class FilledMonitoring:
    """A filled monitoring workbook, read back: every row placed or reported."""

    absolwenci: list[Graduate]
    wpisy: list[ContactEntry]
    kalkulator: CisInput | None = None
    problemy: list[str] = field(default_factory=list)
    nowi: list[str] = field(default_factory=list)  # graduates without rows in Monitoring
    miesiace: list[int] = field(default_factory=list)  # contact months of the sheet's rows

    def entries_by_key(self) -> dict[tuple[str, int], ContactEntry]:
        return {(e.absolwent, e.miesiac): e for e in self.wpisy if e.filled}


def _columns(ws: Any, header: tuple[str, ...], where: str) -> dict[str, int]:
    row = [str(c.value).strip() if c.value is not None else "" for c in ws[HEADER_ROW]]
    missing = [h for h in header if h not in row]
    if missing:
        raise InputError(where, f"brak kolumn {', '.join(f'„{h}”' for h in missing)} w wierszu "
                                f"{HEADER_ROW} (czy to skoroszyt monitoringu CIS z kkz?)")
    return {h: row.index(h) for h in header}


def _cell(row: tuple[Any, ...], i: int) -> Any:
    return row[i] if i < len(row) else None


def _read_graduates(ws: Any, where: str, problems: list[str]) -> list[Graduate]:
    col = _columns(ws, GRADUATES_HEADER, where)
    out: list[Graduate] = []
    seen: set[str] = set()
    for r, row in enumerate(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True),
                            start=HEADER_ROW + 1):
        gid = parse_text(_cell(row, col["id absolwenta"]))
        name = parse_text(_cell(row, col["imię i nazwisko"]))
        raw_date = _cell(row, col["data ukończenia"])
        if gid is None and name is None and raw_date in (None, ""):
            continue
        try:
            day = parse_date(raw_date)
        except ValueError as err:
            problems.append(f"{SHEET_GRADUATES}, wiersz {r}: data ukończenia – {err}; "
                            "absolwenta pominięto")
            continue
        if gid is None or name is None or day is None:
            problems.append(f"{SHEET_GRADUATES}, wiersz {r}: brak id, imienia i nazwiska lub "
                            "daty ukończenia; absolwenta pominięto")
            continue
        if gid in seen:
            problems.append(f"{SHEET_GRADUATES}, wiersz {r}: powtórzone id {gid}; pominięto")
            continue
        seen.add(gid)
        out.append(Graduate(id=gid, imie_nazwisko=name, data_ukonczenia=day))
    return out


def _read_entries(ws: Any, where: str, graduates: dict[str, Graduate], today: dt.date,
                  problems: list[str]) -> tuple[list[ContactEntry], set[str], set[int]]:
    col = _columns(ws, TRACKING_HEADER, where)
    entries: list[ContactEntry] = []
    listed: set[str] = set()
    months: set[int] = set()
    for r, row in enumerate(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True),
                            start=HEADER_ROW + 1):
        gid = parse_text(_cell(row, col["id absolwenta"]))
        if gid is None:
            continue
        listed.add(gid)
        try:
            month = int(float(_cell(row, col["miesiąc po ukończeniu"])))
        except (TypeError, ValueError):
            problems.append(f"{SHEET_TRACKING}, wiersz {r}: brak miesiąca po ukończeniu; "
                            "wiersz pominięto")
            continue
        if isinstance(_cell(row, col["kontakt nr"]), int | float):  # a planned row
            months.add(month)
        where_row = f"{SHEET_TRACKING}, wiersz {r} ({gid}, miesiąc {month})"
        try:
            day = parse_date(_cell(row, col["data kontaktu"]))
        except ValueError as err:
            problems.append(f"{where_row}: data kontaktu – {err}; datę pominięto")
            day = None
        situation = parse_text(_cell(row, col["sytuacja absolwenta"]))
        if situation is not None:
            known = _SITUATIONS.get(" ".join(situation.split()).casefold())
            if known is None:
                problems.append(f"{where_row}: nieznana sytuacja „{situation}” (dozwolone: "
                                f"{', '.join(GRADUATE_SITUATIONS)}); zachowano w uwagach")
            situation = known
        notes = parse_text(_cell(row, col["uwagi"]))
        if situation is None and (raw := parse_text(_cell(row, col["sytuacja absolwenta"]))):
            notes = f"{notes + '; ' if notes else ''}sytuacja: {raw}"
        grad = graduates.get(gid)
        if grad is None:
            problems.append(f"{where_row}: absolwenta {gid} nie ma w arkuszu {SHEET_GRADUATES}; "
                            "wpis zachowano")
        elif day is not None and day < grad.data_ukonczenia:
            problems.append(f"{where_row}: data kontaktu {fmt_date(day)} przed datą ukończenia "
                            f"{fmt_date(grad.data_ukonczenia)}")
        if day is not None and day > today:
            problems.append(f"{where_row}: data kontaktu {fmt_date(day)} jest w przyszłości")
        entries.append(ContactEntry(absolwent=gid, miesiac=month, data_kontaktu=day,
                                    forma=parse_text(_cell(row, col["forma kontaktu"])),
                                    sytuacja=situation, uwagi=notes))
    return entries, listed, months


def _read_calculator(ws: Any, where: str) -> CisInput:
    by_label = {v: k for k, v in INPUT_LABELS.items()}
    fields: dict[str, Any] = {}
    for row in ws.iter_rows(min_row=HEADER_ROW + 1, max_col=2, values_only=True):
        key = by_label.get(str(row[0]).strip()) if row[0] else None
        if key and row[1] not in (None, ""):
            fields[key] = row[1]
    try:
        return CisInput.model_validate(fields)
    except ValidationError as err:
        raise InputError(f"{where}: {SHEET_CALC}", "\n" + polish_validation_message(err)) from None


def read_monitoring_workbook(path: Path, today: dt.date | None = None) -> FilledMonitoring:
    """Read a ``CIS_Finansowanie.xlsx`` / monitoring workbook filled in by staff."""
    path = Path(path)
    check_archive(path)
    today = today or dt.date.today()
    wb = openpyxl.load_workbook(path, data_only=True, read_only=False)
    for name in (SHEET_GRADUATES, SHEET_TRACKING):
        if name not in wb.sheetnames:
            raise InputError(str(path), f"brak arkusza „{name}” (czy to skoroszyt monitoringu "
                                        "CIS z kkz?)")
    problems: list[str] = []
    graduates = _read_graduates(wb[SHEET_GRADUATES], f"{path}: {SHEET_GRADUATES}", problems)
    by_id = {g.id: g for g in graduates}
    entries, listed, months = _read_entries(wb[SHEET_TRACKING], f"{path}: {SHEET_TRACKING}", by_id,
                                    today, problems)
    calc = _read_calculator(wb[SHEET_CALC], str(path)) if SHEET_CALC in wb.sheetnames else None
    new = [g.id for g in graduates if g.id not in listed]
    return FilledMonitoring(graduates, entries, calc, problems, new, sorted(months))


@dataclass(frozen=True)
class OutcomeRow:
    """Outcomes of one cohort at one contact month."""

    rocznik: int
    miesiac: int
    absolwenci: int
    termin_minal: int
    wpisane: int
    zatrudnieni: int
    usamodzielnieni: int
    brak_kontaktu: int
    niewpisane: int

    @property
    def udzial(self) -> float | None:
        """Self-reliant among the contacts entered (None when none is entered)."""
        return self.usamodzielnieni / self.wpisane if self.wpisane else None

    def cells(self) -> tuple[Any, ...]:
        return (self.rocznik, self.miesiac, self.absolwenci, self.termin_minal, self.wpisane,
                self.zatrudnieni, self.usamodzielnieni, self.udzial, self.brak_kontaktu,
                self.niewpisane)


def outcomes(graduates: list[Graduate], entries: dict[tuple[str, int], ContactEntry],
             schedule: Schedule | Sequence[int], today: dt.date) -> list[OutcomeRow]:
    """Per cohort (year of graduation) and contact month (of ``schedule``, or the months
    given), with an ``ogółem`` cohort 0."""
    months = schedule.contact_months() if isinstance(schedule, Schedule) else list(schedule)
    rows: list[OutcomeRow] = []
    cohorts: dict[int, list[Graduate]] = defaultdict(list)
    for g in graduates:
        cohorts[g.data_ukonczenia.year].append(g)
    groups = [(year, cohorts[year]) for year in sorted(cohorts)]
    if len(groups) > 1:
        groups.append((0, graduates))
    for year, people in groups:
        for month in months:
            n = due = entered = employed = self_reliant = lost = 0
            for g in people:
                n += 1
                e = entries.get((g.id, month))
                entered_here = e is not None and e.sytuacja is not None
                if add_months(g.data_ukonczenia, month) > today and not entered_here:
                    continue
                due += 1
                if not entered_here:
                    continue
                entered += 1
                assert e is not None and e.sytuacja is not None
                employed += e.sytuacja in EMPLOYED_SITUATIONS
                self_reliant += e.sytuacja in SELF_RELIANT_SITUATIONS
                lost += e.sytuacja == LOST_CONTACT
            rows.append(OutcomeRow(year, month, n, due, entered, employed, self_reliant, lost,
                                   due - entered))
    return rows


class SuccessRate(BaseModel):
    """The observed success rate as a sourced, dated input of the calculator."""

    model_config = ConfigDict(frozen=True)

    wartosc: float
    n: int
    miesiac: int
    data: dt.date
    zrodlo: str
    stopien: int


def success_rate(rows: list[OutcomeRow], nazwa: str, today: dt.date, month: int = 12
                 ) -> SuccessRate:
    """Self-reliant share at ``month`` over all cohorts; a Polish error when nothing entered."""
    at = [r for r in rows if r.miesiac == month]
    if not at:
        months = sorted({r.miesiac for r in rows})
        raise InputError("--miesiac", f"harmonogram nie ma kontaktu w miesiącu {month}; "
                                      f"miesiące kontaktów: {', '.join(map(str, months))}")
    total = next((r for r in at if r.rocznik == 0), at[0])
    if not total.wpisane:
        raise InputError("monitoring", f"brak wpisanych kontaktów w miesiącu {month} po "
                                       "ukończeniu – skuteczności nie da się jeszcze policzyć")
    value = total.usamodzielnieni / total.wpisane
    grade = 3 if total.wpisane >= 30 else 4
    people = plural(total.wpisane, "absolwenta", "absolwentów", "absolwentów")
    who = nazwa if nazwa.upper().startswith(("CIS", "CENTRUM")) else f"CIS {nazwa}"
    small = f"; mała próba (n = {total.wpisane})" if total.wpisane < 10 else ""
    source = (f"monitoring {who}, {today.isoformat()}: "
              f"{total.usamodzielnieni} z {people} "
              f"usamodzielnionych {month} mies. po ukończeniu ({fmt_percent(value)}; brak "
              "kontaktu liczony jako brak usamodzielnienia; udział absolwentów, nie wszystkich "
              f"uczestników{small})")
    return SuccessRate(wartosc=value, n=total.wpisane, miesiac=month, data=today, zrodlo=source,
                       stopien=grade)
