"""Submissions made the way gmina staff make them, for the registers' property tests.

:func:`make_submissions` writes a set of files for one register into a folder and returns
what it wrote: for each file, the rows and non-empty cells it put under the register's header
(counted here, independently of the reader), whether the file must be refused, and every
contact it wrote with the person it belongs to and whether that person gave a valid consent.

Kinds of mess (each file draws several): an Excel table with rows typed under it; a title
above the header; blank and hidden rows inside the data; a second register sheet; an
Instrukcja sheet; merged cells; formulas; a column without a header; header variants and
typos (``Koszt na uczestnika (zł)``, ``koszt_uczestnika``, ``Email``, ``Tel.``); numbers as
text (``4 800,50 zł``), dates as Excel serials, Word's curly quotes, non-breaking spaces, a
vertical tab; a sheet whose dimension says A1; a 40 000-character description; CSV in
UTF-8 (±BOM), Windows-1250, ISO-8859-2 or CP852 with a ``sep=`` line or a long first row;
JSON with snake_case keys; a JST and a header ``=HYPERLINK(…)``; contacts in „Uwagi”; a
programme's „Kontakt” holding an institution's mailbox or landline, or a person's address or
mobile;
consents valid, withdrawn later, dated in the future or contradicting each other on one
day; damaged, password-protected and fake .xls files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.table import Table

from kkz_xl.registers.schema import CATALOGUE, RegisterSchema
from kkz_xl.registers.text import fold

TODAY = dt.date.today()
PROGRAMMES = ["Klub Integracji Społecznej", "Asystent rodziny", "Mieszkanie treningowe",
              "Świetlica środowiskowa", "Centrum Integracji Społecznej", "Opieka wytchnieniowa"]
PEOPLE = ["Anna Kowalczyk", "Piotr Wiśniewski", "Ewa Łęcka", "Jan Żółtowski", "Ola Świątek",
          "Marek Nowak"]
JSTS = ["Bodzanów", "Chlewiska", "Łosice", "Radom", "Wyszków", "Gmina Żabia Wola"]
HYPERLINK = '=HYPERLINK("http://zlo.example","klik")'
VT_MARK = "VTMARK"  # replaced by Excel's escape of a vertical tab (_x000B_) in the package


@dataclass
class Sent:
    """One file as written: what the reader must find in it."""

    path: Path
    rows: int = 0
    cells: int = 0
    refused: bool = False
    # contact text → (person key, may the regional centre keep it)
    contacts: dict[str, tuple[tuple[str, str], bool]] = field(default_factory=dict)


@dataclass
class Statement:
    day: dt.date | None
    scope: str | None


def _variant(rng: random.Random, text: str) -> str:
    """Spellings of one name that must meet: case, spaces, NBSP, curly quotes, no letters."""
    how = rng.randrange(6)
    if how == 1:
        return text.upper()
    if how == 2:
        return f"  {text.lower()} "
    if how == 3:
        return fold(text).title() if rng.random() < 0.5 else text.replace(" ", "\u00a0")
    if how == 4:
        return text.replace(" ", "  ")
    if how == 5 and " " in text:
        first, rest = text.split(" ", 1)
        return f"„{first}” {rest}"
    return text


HEADER_VARIANTS: dict[str, list[str]] = {
    "nazwa": ["Nazwa programu", "nazwa programu", "Nazwa programmu", "NAZWA PROGRAMU"],
    "osoba": ["Imię i nazwisko", "Imie i nazwisko", "imię i nazwisko"],
    "jst": ["JST", "Gmina", "jst"],
    "kwestie": ["Kwestie", "Kwestia", "kwestie społeczne"],
    "koszt_uczestnika": ["Koszt na uczestnika [zł]", "Koszt na uczestnika (zł)",
                         "Koszt na uczestnika zł", "koszt na osobę"],
    "skutecznosc": ["Skuteczność", "Skutecznosc", "skuteczność"],
    "email": ["E-mail", "Email", "e-mail", "Adres e-mail", "Mail"],
    "telefon": ["Telefon", "Tel.", "Telefon kom.", "Nr telefonu"],
    "zgoda_data": ["Zgoda – data", "Data zgody", "Zgoda - data"],
    "zgoda_zakres": ["Zgoda – zakres", "Zakres zgody", "Zgoda - zakres"],
    "data_aktualizacji": ["Data aktualizacji", "data aktualizacji"],
    "opis": ["Opis", "opis"],
}
JSON_KEYS = {"nazwa": "nazwa_programu", "koszt_uczestnika": "koszt_uczestnika", "jst": "jst",
             "kwestie": "kwestie", "osoba": "imie_i_nazwisko", "email": "email",
             "telefon": "telefon", "zgoda_data": "zgoda_data", "zgoda_zakres": "zgoda_zakres",
             "opis": "opis", "skutecznosc": "skutecznosc", "data_aktualizacji":
             "data_aktualizacji"}


class Generator:
    """Draws rows and files; remembers every consent statement to know the truth."""

    def __init__(self, schema: RegisterSchema, rng: random.Random, folder: Path) -> None:
        self.schema, self.rng, self.folder = schema, rng, folder
        self.statements: dict[tuple[str, str], list[Statement]] = {}
        self.contacts: dict[str, tuple[str, str]] = {}  # contact → person key
        self.institutional: set[str] = set()  # contacts that are an institution's (Katalog)
        self.serial = 0

    # ------------------------------------------------------------------ rows

    def _contact(self, key: tuple[str, str], kind: str) -> str:
        """A person's e-mail or mobile ("email", "phone"), or an institution's mailbox or
        landline ("office", "landline": kept in ``institutional``)."""
        self.serial += 1
        if kind == "office":
            text = f"sekretariat{self.serial}@gops{self.serial}.example"
            self.institutional.add(text)
        elif kind == "landline":
            n = 1_000_000 + self.serial * 1_013 + self.rng.randrange(1000)
            text = f"+48 22 {str(n)[:3]} {str(n)[3:5]} {str(n)[5:7]}"
            self.institutional.add(text)
        elif kind == "email":
            text = f"osoba{self.serial}.{self.rng.randrange(10**4)}@gmina{self.serial}.example"
        else:
            n = 500_000_000 + self.serial * 1_013 + self.rng.randrange(1000)
            text = f"+48 {str(n)[:3]} {str(n)[3:6]} {str(n)[6:]}"
        self.contacts[text] = key
        return text

    def row(self, jst: str | None = None) -> dict[str, Any]:
        """One row keyed by schema field keys (values as staff type them); ``jst`` given when
        the row shares a merged JST cell with the row above."""
        rng, schema = self.rng, self.schema
        is_cat = schema is CATALOGUE
        name = rng.choice(PROGRAMMES if is_cat else PEOPLE)
        if jst is None:
            jst = rng.choice(JSTS)
            if rng.random() < 0.04:
                jst = HYPERLINK
        self.last_jst = jst
        key = (fold(name), fold(jst))
        row: dict[str, Any] = {schema.name_key: _variant(rng, name), "jst": _variant(rng, jst),
                               "kwestie": rng.choice(["bezrobocie", "ubostwo; bezdomnosc",
                                                      "Bezdomność", "bezrobocie, ubostwo"])}
        if is_cat:
            row["koszt_uczestnika"] = rng.choice([4800, "4 800,50 zł", 5100.0, "1200", None])
            row["skutecznosc"] = rng.choice([0.31, "31%", "0,4", None])
            if rng.random() < 0.3:
                row["opis"] = rng.choice(["Zajęcia – grupa „Razem”", "x\u00a0y", "=1+1",
                                          "Opis, z przecinkami, wieloma"])
            if rng.random() < 0.4:  # the realizator's contact: an institution's or a person's
                row["kontakt"] = ", ".join(self._contact(key, kind) for kind in rng.choice([
                    ["office"], ["landline"], ["office", "landline"], ["email"], ["phone"],
                    ["office", "phone"]]))
        else:
            if rng.random() < 0.6:
                row["email"] = self._contact(key, "email")
            if rng.random() < 0.5:
                row["telefon"] = self._contact(key, "phone")
            if rng.random() < 0.3:
                row["Uwagi"] = self.rng.choice([
                    f"dzwonić: {self._contact(key, 'phone')}, po 15",
                    f"prywatny {self._contact(key, 'email')}; tel. {self._contact(key, 'phone')}"])
            stmt = self._statement()
            if stmt is not None:
                self.statements.setdefault(key, []).append(stmt)
                row["zgoda_data"] = (stmt.day.isoformat() if stmt.day and rng.random() < 0.5
                                     else (stmt.day - dt.date(1899, 12, 30)).days if stmt.day
                                     else None)
                row["zgoda_zakres"] = stmt.scope
        if rng.random() < 0.3:
            row["data_aktualizacji"] = rng.choice([45292, "2024-06-01", "01.02.2025"])
        return {k: v for k, v in row.items() if v is not None}

    def _statement(self) -> Statement | None:
        pick = self.rng.random()
        past = TODAY - dt.timedelta(days=self.rng.randrange(1, 900))
        if pick < 0.3:
            return None
        if pick < 0.65:
            return Statement(past, self.rng.choice(["udostępnianie w sieci",
                                                    "tylko centrum regionalne"]))
        if pick < 0.8:
            return Statement(past, "wycofana")
        if pick < 0.9:
            return Statement(TODAY + dt.timedelta(days=30), "udostępnianie w sieci")
        return Statement(past, None)  # a date without a scope

    def shared(self, key: tuple[str, str]) -> bool:
        """A valid consent whose latest scope allows sharing."""
        if not self.valid(key):
            return False
        stmts = self.statements[key]
        latest = max(s.day for s in stmts if s.day)
        return {s.scope for s in stmts if s.day == latest} == {"udostępnianie w sieci"}

    def valid(self, key: tuple[str, str]) -> bool:
        """The rule the registers must follow: the latest dated statement wins; a future or
        incomplete statement, or two of one day that differ, leave no consent."""
        stmts = self.statements.get(key, [])
        if not stmts or any(s.day is None or s.scope is None or s.day > TODAY for s in stmts):
            return False
        latest = max(s.day for s in stmts if s.day)
        scopes = {s.scope for s in stmts if s.day == latest}
        return len(scopes) == 1 and scopes.pop() != "wycofana"

    # ------------------------------------------------------------------ files

    def headers(self, keys: list[str]) -> list[str]:
        return [self.rng.choice(HEADER_VARIANTS.get(k, [self.schema.header(k)]))
                if k in self.schema.by_key else k for k in keys]

    def _keys(self, rows: list[dict[str, Any]]) -> list[str]:
        keys: list[str] = []
        for r in rows:
            keys += [k for k in r if k not in keys]
        return keys

    def xlsx(self, name: str, n: int) -> Sent:
        rng = self.rng
        sent = Sent(self.folder / name)
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = self.schema.sheet
        sheets = [ws]
        if rng.random() < 0.4:
            sheets.append(wb.create_sheet(f"{self.schema.sheet} 2025"))
        if rng.random() < 0.5:
            ins = wb.create_sheet("Instrukcja", 0)
            for i in range(12):
                ins.append([f"Krok {i + 1}", "Nazwa programu; JST; Kwestie – wpisz dane"])
        vt = False
        for sheet_no, sh in enumerate(sheets):
            rows = [self.row()]
            merged_jst = rng.random() < 0.3  # rows 1 and 2 share one merged JST cell
            if merged_jst:
                rows.append(self.row(jst=self.last_jst))
            rows += [self.row() for _ in range(max(1, n // len(sheets)) - len(rows))]
            keys = self._keys(rows)
            top = 0
            if rng.random() < 0.5:
                sh.append([f"Rejestr – {rng.choice(JSTS)} (stan na 2025)"])
                sh.append([])
                top = 2
            extra = rng.random() < 0.4  # a column with data but no header
            own = rng.random() < 0.3  # an own column headed by a formula, cells with formulas
            sh.append(self.headers(keys) + ([None, None] if extra else [])
                      + ([HYPERLINK] if own else []))
            header_row = top + 1
            r = header_row
            written = 0
            for i, row in enumerate(rows):
                if rng.random() < 0.15:
                    sh.append([])  # a blank row inside the data
                    r += 1
                values = [row.get(k) for k in keys]
                if extra and rng.random() < 0.5:
                    values += [None, f"notatka {i}"]
                if own:
                    values += [None] * (len(keys) + 2 * extra - len(values))
                    values.append('=CONCATENATE("a","b")' if i % 2 else "40")
                if "opis" in keys and rng.random() < 0.1 and not vt:
                    at = keys.index("opis")
                    values[at] = f"pierwszy{VT_MARK}drugi"
                    vt = True
                if "opis" in keys and rng.random() < 0.05:
                    values[keys.index("opis")] = "długi opis " * 4000  # 44 000 characters
                if rng.random() < 0.1 and keys[-1] not in (None,):
                    at = rng.randrange(len(keys))
                    if values[at] is None and keys[at] == "Uwagi":
                        values[at] = '=CONCATENATE("a","b")'
                sh.append(values)
                r += 1
                written += 1
                sent.rows += 1
                sent.cells += sum(v is not None and str(v).strip() != "" for v in values)
                if rng.random() < 0.1:
                    sh.row_dimensions[r].hidden = True
            # Merged cells: the JST of two consecutive rows, typed once.
            jcol = keys.index("jst") + 1
            if written >= 2 and merged_jst:
                a = header_row + 1
                if all(sh.cell(a + d, 1).value is not None for d in (0, 1)) and \
                        sh.cell(a + 1, jcol).value is not None:
                    sh.cell(a + 1, jcol).value = None
                    sent.cells -= 1  # counted again, as the merged range's, below
                    sh.merge_cells(start_row=a, start_column=jcol, end_row=a + 1, end_column=jcol)
            if sheet_no == 0 and top == 0 and rng.random() < 0.5 and written >= 2:
                # An Excel table over part of the rows; the rest typed under it.
                last = header_row + rng.randrange(1, written)
                from openpyxl.utils import get_column_letter
                if all(sh.cell(rr, 1).value is not None or any(
                        sh.cell(rr, c).value is not None for c in range(1, len(keys) + 1))
                       for rr in range(header_row + 1, last + 1)):
                    table = Table(displayName=self.schema.table,
                                  ref=f"A{header_row}:{get_column_letter(len(keys))}{last}")
                    table._initialise_columns()
                    for tc, head in zip(table.tableColumns, [sh.cell(header_row, c).value
                                                             for c in range(1, len(keys) + 1)],
                                        strict=True):
                        tc.name = str(head)
                    heads = [str(sh.cell(header_row, c).value) for c in range(1, len(keys) + 1)]
                    if len(set(heads)) == len(heads):
                        sh.add_table(table)
        wb.save(sent.path)
        self._recount_merged(sent)
        wrong_dimension = rng.random() < 0.2  # as some programs write it: <dimension ref="A1"/>
        if vt or wrong_dimension:
            self._patch(sent.path, vt, wrong_dimension)
        return sent

    def _recount_merged(self, sent: Sent) -> None:
        """A merged range's value belongs to every row it spans: count it so."""
        wb = openpyxl.load_workbook(sent.path)
        for ws in wb.worksheets:
            for rng_ in ws.merged_cells.ranges:
                sent.cells += (rng_.max_row - rng_.min_row + 1) * (
                    rng_.max_col - rng_.min_col + 1) - 1

    @staticmethod
    def _patch(path: Path, vt: bool, wrong_dimension: bool) -> None:
        """Excel's escape of a vertical tab; a sheet dimension that says "A1"."""
        data = io.BytesIO(path.read_bytes())
        with zipfile.ZipFile(data) as zin, zipfile.ZipFile(path, "w",
                                                           zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                part = zin.read(info.filename)
                if vt:
                    part = part.replace(VT_MARK.encode(), b"_x000B_")
                if wrong_dimension and info.filename.startswith("xl/worksheets/sheet"):
                    part = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', part)
                zout.writestr(info, part)

    def csv(self, name: str, n: int) -> Sent:
        rng = self.rng
        sent = Sent(self.folder / name)
        rows = [self.row() for _ in range(n)]
        if "opis" in self.schema.by_key and rows:
            rows[0]["opis"] = "Długi opis, z przecinkami, " * 160  # a 4 KB first row
        if rng.random() < 0.3 and rows:
            rows[-1]["opis" if "opis" in self.schema.by_key else "Uwagi"] = "a\x0bb"
        keys = self._keys(rows)
        extra = HYPERLINK if rng.random() < 0.3 else None
        heads = self.headers(keys) + ([extra] if extra else [])
        delimiter = rng.choice([";", ","])
        encoding = rng.choice(["utf-8", "utf-8-sig", "cp1250", "iso-8859-2", "cp852"])
        buf = io.StringIO()
        if rng.random() < 0.4:
            buf.write(f"sep={delimiter}\r\n")
        writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(heads)
        for row in rows:
            values = [row.get(k) for k in keys] + (["tak"] if extra else [])
            writer.writerow(["" if v is None else v for v in values])
            sent.rows += 1
            sent.cells += sum(v is not None and str(v).strip() != "" for v in values)
        text = buf.getvalue()
        if encoding not in ("utf-8", "utf-8-sig"):
            text = text.replace("„", '"').replace("”", '"').replace("\u00a0", " ")
        sent.path.write_bytes(text.encode(encoding, errors="replace"))
        return sent

    def json(self, name: str, n: int) -> Sent:
        sent = Sent(self.folder / name)
        rows = [self.row() for _ in range(n)]
        records = [{JSON_KEYS.get(k, k): v for k, v in r.items()} for r in rows]
        sent.rows = len(records)
        sent.cells = sum(1 for r in records for v in r.values() if str(v).strip())
        sent.path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        return sent

    def broken(self, name: str, kind: str) -> Sent:
        sent = Sent(self.folder / name, refused=True)
        if kind == "damaged":
            good = self.folder / "_tmp.xlsx"
            openpyxl.Workbook().save(good)
            sent.path.write_bytes(good.read_bytes()[:300])
            good.unlink()
        elif kind == "protected":
            sent.path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
                                  + "EncryptedPackage".encode("utf-16-le") + b"\0" * 500)
        else:
            sent.path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 700)
        return sent


def make_submissions(folder: Path, schema: RegisterSchema, seed: int, files: int = 5,
                     rows: int = 6) -> tuple[list[Sent], Generator]:
    """Write ``files`` messy submissions (and sometimes a broken one) into ``folder``."""
    rng = random.Random(seed)
    gen = Generator(schema, rng, folder)
    out: list[Sent] = []
    for f in range(files):
        kind = rng.choice(["xlsx", "xlsx", "csv", "json"])
        n = rng.randrange(1, rows + 1)
        name = f"gmina{f}.{kind}"
        out.append(getattr(gen, kind)(name, n))
    if rng.random() < 0.5:
        kind = rng.choice(["damaged", "protected", "xls"])
        out.append(gen.broken(f"zly_{kind}.{'xls' if kind == 'xls' else 'xlsx'}", kind))
    for sent in out:
        for contact, key in gen.contacts.items():
            sent.contacts[contact] = (key, gen.valid(key))
    return out, gen
