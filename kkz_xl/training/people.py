"""One person, one record: participants typed twice under two ids are found and merged.

Two records are the same person when their names and JSTs agree after normalising: case,
whitespace, diacritics and quotes ignored (``registers.text.fold``), the JST without its kind
("Gmina Bodzanów" = "Bodzanów", ``registers.text.jst_core``). The register holds no PESEL, so
name + JST is the identity; the merge keeps the first record's id and fills its empty fields
from the others, and every merge is reported. A person then has one attendance per session
(present / completed if any record says so) and so at most one certificate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kkz_xl.polish import collation_key
from kkz_xl.registers.text import fold, jst_core
from kkz_xl.training.schema import Attendance, Participant, TrainingRegister


def person_key(p: Participant) -> tuple[str, str]:
    """The identity of a participant: normalised name and JST."""
    return fold(p.imie_nazwisko), jst_core(p.jst)


def name_sort_key(full_name: str) -> tuple[bytes, bytes]:
    """Polish alphabetical order by surname (the last word), then the full name."""
    parts = full_name.split()
    return collation_key(parts[-1] if parts else ""), collation_key(full_name)


@dataclass(frozen=True)
class Duplicate:
    """Records of one person: ``kept`` stays, ``merged`` are folded into it."""

    kept: Participant
    merged: tuple[Participant, ...]
    sessions_twice: tuple[str, ...]  # sessions where the person was enrolled more than once

    def message(self) -> str:
        ids = ", ".join(p.id for p in self.merged)
        text = (f"osoba {self.kept.imie_nazwisko} ({self.kept.jst}) wpisana jako {self.kept.id} "
                f"i {ids} – połączono w {self.kept.id}")
        if self.sessions_twice:
            text += f"; dwa zapisy na sesję {', '.join(self.sessions_twice)} liczone jako jeden"
        return text


def duplicates(reg: TrainingRegister) -> list[Duplicate]:
    """Groups of participant records that are one person (first record kept)."""
    groups: dict[tuple[str, str], list[Participant]] = defaultdict(list)
    for p in reg.uczestnicy:
        groups[person_key(p)].append(p)
    out = []
    for people in groups.values():
        if len(people) < 2:
            continue
        ids = {p.id for p in people}
        per_session: dict[str, int] = defaultdict(int)
        for a in reg.udzialy:
            if a.uczestnik in ids:
                per_session[a.sesja] += 1
        twice = tuple(s for s, n in per_session.items() if n > 1)
        out.append(Duplicate(people[0], tuple(people[1:]), twice))
    return out


def merge_duplicates(reg: TrainingRegister) -> tuple[TrainingRegister, list[str]]:
    """The register with each person once, and a Polish message per merge."""
    found = duplicates(reg)
    if not found:
        return reg, []
    alias = {m.id: d.kept.id for d in found for m in d.merged}
    fill: dict[str, Participant] = {}
    for d in found:
        data = d.kept.model_dump()
        for other in d.merged:
            for key, value in other.model_dump().items():
                if data.get(key) in (None, "") and value not in (None, ""):
                    data[key] = value
        fill[d.kept.id] = Participant(**data)
    people = [fill.get(p.id, p) for p in reg.uczestnicy if p.id not in alias]
    merged: dict[tuple[str, str], Attendance] = {}
    for a in reg.udzialy:
        key = (a.sesja, alias.get(a.uczestnik, a.uczestnik))
        prev = merged.get(key)
        merged[key] = Attendance(sesja=key[0], uczestnik=key[1],
                                 obecny=a.obecny or (prev is not None and prev.obecny),
                                 ukonczyl=a.ukonczyl or (prev is not None and prev.ukonczyl))
    clean = TrainingRegister(moduly=reg.moduly, sesje=reg.sesje, uczestnicy=people,
                             udzialy=list(merged.values()))
    return clean, [d.message() for d in found]


def earlier_completion(reg: TrainingRegister, session_id: str, participant_id: str
                       ) -> str | None:
    """The id of an earlier session of the same module this person completed, if any."""
    session = reg.session(session_id)
    for a in reg.udzialy:
        if a.uczestnik != participant_id or not a.ukonczyl or a.sesja == session_id:
            continue
        other = reg.session(a.sesja)
        if other.modul == session.modul and (other.data, other.id) < (session.data, session.id):
            return other.id
    return None


def sorted_by_name(people: list[Participant]) -> list[Participant]:
    return sorted(people, key=lambda p: name_sort_key(p.imie_nazwisko))


__all__ = ["Duplicate", "duplicates", "earlier_completion", "merge_duplicates", "name_sort_key",
           "person_key", "sorted_by_name"]
