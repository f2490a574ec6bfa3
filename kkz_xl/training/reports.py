"""Who is trained for what: the report per JST and each leader's completed trainings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kkz_xl.errors import InputError
from kkz_xl.polish import collation_key
from kkz_xl.registers.text import fold, jst_core
from kkz_xl.training.people import merge_duplicates, name_sort_key
from kkz_xl.training.schema import TOOL_LABELS, TrainingRegister

REPORT_HEADER = ("JST", "uczestnik", "instytucja", "id lidera", "narzędzie KKZ", "moduł",
                 "forma", "godziny", "data")


@dataclass(frozen=True)
class Completion:
    jst: str
    uczestnik: str
    instytucja: str
    lider_id: str | None
    narzedzie: str
    modul: str
    forma: str
    godziny: float
    data: object

    def row(self) -> tuple[object, ...]:
        return (self.jst, self.uczestnik, self.instytucja, self.lider_id or "", self.narzedzie,
                self.modul, self.forma, self.godziny, self.data)


def completions(reg: TrainingRegister, jst: str | None = None) -> list[Completion]:
    """Completed trainings (``ukonczyl``), in Polish order of JST and person, then date;
    optionally one JST only (matched without its kind: "Gmina Bodzanów" = "Bodzanów").
    Records of one person are merged first (:mod:`kkz_xl.training.people`)."""
    reg, _notes = merge_duplicates(reg)
    sessions = {s.id: s for s in reg.sesje}
    out = []
    for a in reg.udzialy:
        if not a.ukonczyl:
            continue
        person = reg.participant(a.uczestnik)
        if jst and jst_core(person.jst) != jst_core(jst):
            continue
        session = sessions[a.sesja]
        module = reg.module(session.modul)
        out.append(Completion(person.jst, person.imie_nazwisko, person.instytucja,
                              person.lider_id, TOOL_LABELS[module.narzedzie], module.temat,
                              module.forma.value, module.godziny, session.data))
    return sorted(out, key=lambda c: (collation_key(c.jst), name_sort_key(c.uczestnik),
                                      str(c.data)))


def known_jst(reg: TrainingRegister) -> list[str]:
    """The JSTs of the register's participants, in Polish order."""
    return sorted({p.jst for p in reg.uczestnicy}, key=collation_key)


def check_jst(reg: TrainingRegister, jst: str) -> None:
    """A Polish error when no participant comes from ``jst`` (the known ones listed)."""
    if not any(jst_core(p.jst) == jst_core(jst) for p in reg.uczestnicy):
        raise InputError("--jst", f"w rejestrze nie ma uczestników z JST „{jst}”; JST w "
                                  f"rejestrze: {', '.join(known_jst(reg)) or 'brak'}")


def jst_summary(reg: TrainingRegister) -> dict[str, dict[str, int]]:
    """JST → KKZ tool → number of distinct persons trained in it. One JST written two ways
    ("Gmina Bodzanów", "Bodzanów") is one entry, under the first spelling met."""
    people: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    names: dict[str, str] = {}
    for c in completions(reg):
        key = jst_core(c.jst)
        names.setdefault(key, c.jst)
        people[key][c.narzedzie].add(fold(c.uczestnik))
    return {names[k]: {t: len(p) for t, p in tools.items()}
            for k, tools in sorted(people.items(), key=lambda kv: collation_key(names[kv[0]]))}


def leader_trainings(reg: TrainingRegister) -> dict[str, list[str]]:
    """Leader id → completed trainings as ``Temat (RRRR-MM-DD)`` (for „Ukończone szkolenia”)."""
    out: dict[str, list[str]] = defaultdict(list)
    for c in completions(reg):
        if c.lider_id:
            out[c.lider_id].append(f"{c.modul} ({c.data})")
    return dict(out)


def unknown_leaders(reg: TrainingRegister, leader_ids: set[str]) -> list[str]:
    """Polish messages for participants linked to a leader id absent from the leaders' register."""
    return [f"uczestnik {p.id} ({p.imie_nazwisko}): brak lidera {p.lider_id} w rejestrze Liderów"
            for p in reg.uczestnicy if p.lider_id and p.lider_id not in leader_ids]
