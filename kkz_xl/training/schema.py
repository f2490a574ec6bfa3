"""System Szkoleń: training modules, sessions, participants and their attendance/completion.

A participant may be a leader of the Sieć Liderów (``lider_id`` = the leader's ``ID`` in the
leaders' register); a leader's completed trainings are derived from here.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kkz_xl.errors import InputError
from kkz_xl.model.validation import polish_validation_message
from kkz_xl.polish import fmt_date

Id = str
_ID = r"^[A-Za-z0-9_.-]{1,30}$"


class Form(StrEnum):
    WARSZTAT = "warsztat"
    E_LEARNING = "e-learning"
    DORADZTWO = "doradztwo"


class Tool(StrEnum):
    """The KKZ instruments a module can teach."""

    KALKULATOR = "kalkulator"
    DYFUZOR = "dyfuzor"
    KATALOG = "katalog"
    GENERATOR_SRPS = "generator_srps"
    SIEC_LIDEROW = "siec_liderow"


TOOL_LABELS: dict[Tool, str] = {
    Tool.KALKULATOR: "Kalkulator Społeczny (KKZ)",
    Tool.DYFUZOR: "Dyfuzor Innowacji Społecznych",
    Tool.KATALOG: "Katalog Innowacji Społecznych",
    Tool.GENERATOR_SRPS: "Generator Strategii (Modelowa SRPS)",
    Tool.SIEC_LIDEROW: "Sieć Liderów Innowacji Społecznych",
}


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Module(_Row):
    id: Id = Field(pattern=_ID)
    temat: str = Field(min_length=3, max_length=200)
    godziny: float = Field(gt=0, le=200)
    forma: Form
    narzedzie: Tool


# Plausible session dates: the KKZ training programme cannot predate 2010, and a session is
# not planned more than two years ahead (a 1925 or a 2035 is a typing error).
EARLIEST_SESSION = dt.date(2010, 1, 1)
PLAN_AHEAD_DAYS = 2 * 365


class Session(_Row):
    id: Id = Field(pattern=_ID)
    modul: Id
    data: dt.date
    miejsce: str = Field(min_length=2, max_length=200)
    prowadzacy: str = Field(min_length=2, max_length=200)
    limit_miejsc: int | None = Field(default=None, ge=1, le=1000)

    @model_validator(mode="after")
    def _plausible_date(self) -> Session:
        latest = dt.date.today() + dt.timedelta(days=PLAN_AHEAD_DAYS)
        if not EARLIEST_SESSION <= self.data <= latest:
            raise ValueError(
                f"sesja {self.id}: data {fmt_date(self.data)} jest nieprawdopodobna (dozwolone "
                f"od {fmt_date(EARLIEST_SESSION)} do {fmt_date(latest)}); sprawdź rok")
        return self


class Participant(_Row):
    id: Id = Field(pattern=_ID)
    imie_nazwisko: str = Field(min_length=3, max_length=120)
    jst: str = Field(min_length=2, max_length=120)
    instytucja: str = Field(default="", max_length=200)
    funkcja: str = Field(default="", max_length=120)
    lider_id: Id | None = None


class Attendance(_Row):
    sesja: Id
    uczestnik: Id
    obecny: bool = False
    ukonczyl: bool = False

    @model_validator(mode="after")
    def _completed_means_present(self) -> Attendance:
        if self.ukonczyl and not self.obecny:
            raise ValueError(f"{self.uczestnik} w sesji {self.sesja}: ukończenie wymaga obecności")
        return self


class TrainingRegister(_Row):
    """The whole register, checked for consistency (ids, references, capacity)."""

    moduly: list[Module] = []
    sesje: list[Session] = []
    uczestnicy: list[Participant] = []
    udzialy: list[Attendance] = []

    @model_validator(mode="after")
    def _consistent(self) -> TrainingRegister:
        problems: list[str] = []
        for what, ids in (("modułów", [m.id for m in self.moduly]),
                          ("sesji", [s.id for s in self.sesje]),
                          ("uczestników", [p.id for p in self.uczestnicy])):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                problems.append(f"powtórzone id {what}: {', '.join(dup)}")
        modules = {m.id for m in self.moduly}
        sessions = {s.id: s for s in self.sesje}
        people = {p.id for p in self.uczestnicy}
        for s in self.sesje:
            if s.modul not in modules:
                problems.append(f"sesja {s.id}: nieznany moduł {s.modul}")
        pairs = [(a.sesja, a.uczestnik) for a in self.udzialy]
        for a in self.udzialy:
            if a.sesja not in sessions:
                problems.append(f"udział {a.uczestnik}: nieznana sesja {a.sesja}")
            if a.uczestnik not in people:
                problems.append(f"sesja {a.sesja}: nieznany uczestnik {a.uczestnik}")
        for pair in sorted({p for p in pairs if pairs.count(p) > 1}):
            problems.append(f"uczestnik {pair[1]} zapisany dwa razy na sesję {pair[0]}")
        for s in self.sesje:
            n = sum(1 for a in self.udzialy if a.sesja == s.id)
            if s.limit_miejsc is not None and n > s.limit_miejsc:
                problems.append(f"sesja {s.id}: {n} zapisanych, limit miejsc {s.limit_miejsc}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def module(self, module_id: str) -> Module:
        return next(m for m in self.moduly if m.id == module_id)

    def session(self, session_id: str) -> Session:
        for s in self.sesje:
            if s.id == session_id:
                return s
        known = ", ".join(s.id for s in self.sesje)
        raise InputError("sesja", f"nieznane id sesji „{session_id}”; dostępne: {known}")

    def participant(self, participant_id: str) -> Participant:
        return next(p for p in self.uczestnicy if p.id == participant_id)


def validated(data: Any, where: str) -> TrainingRegister:
    """The register from parsed data; every problem one Polish :class:`InputError`."""
    try:
        return TrainingRegister.model_validate(data)
    except ValidationError as err:
        raise InputError(where, "błędy w rejestrze szkoleń:\n" + polish_validation_message(err)
                         ) from None
