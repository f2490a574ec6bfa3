"""Properties of the Dyfuzor merge: the result does not depend on the order of the files, merging
again changes nothing, and nothing sent is dropped."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kkz_xl.registers.merge import display, merge_registers
from kkz_xl.registers.register import Register
from kkz_xl.registers.schema import CATALOGUE, Merge
from kkz_xl.registers.text import fold

H = CATALOGUE.header
NAMES = ["Klub Integracji Społecznej", "Asystent rodziny", "Mieszkanie treningowe"]
JSTS = ["Bodzanów", "Chlewiska", "Łosice"]


def variant(text: str, how: int) -> str:
    """Spellings staff produce: case, extra spaces, no Polish letters."""
    return [text, text.upper(), f"  {text.lower()} ", fold(text), text.replace(" ", "  ")][how]


row_strategy = st.fixed_dictionaries({
    H("nazwa"): st.tuples(st.sampled_from(NAMES), st.integers(0, 4)).map(lambda t: variant(*t)),
    H("jst"): st.tuples(st.sampled_from(JSTS), st.integers(0, 4)).map(lambda t: variant(*t)),
    H("kwestie"): st.lists(st.sampled_from(["bezrobocie", "ubostwo", "Bezdomność"]),
                           min_size=1, max_size=2).map("; ".join),
    H("koszt_uczestnika"): st.sampled_from([None, 1000, 1000.0, "1 000 zł", 2500]),
    H("status"): st.sampled_from([None, "zakończony", "W realizacji"]),
    H("data_aktualizacji"): st.sampled_from([None, 45292, "2024-06-01", dt.date(2023, 1, 1)]),
    "Uwagi gminy": st.sampled_from([None, "ok", "=1+1"]),
})
files_strategy = st.lists(st.lists(row_strategy, min_size=0, max_size=5), min_size=1, max_size=4)


def registers(files: list[list[dict[str, object]]]) -> list[Register]:
    return [Register(CATALOGUE, [*CATALOGUE.headers, "Uwagi gminy"], [dict(r) for r in rows],
                     source=f"gmina{i}.xlsx", received=dt.date(2025, 1, 1 + i))
            for i, rows in enumerate(files)]


def snapshot(regs: list[Register]) -> tuple[object, object]:
    result = merge_registers(regs).register
    return result.rows, result.conflicts


@settings(max_examples=60, deadline=None)
@given(files_strategy, st.randoms(use_true_random=False))
def test_merge_does_not_depend_on_file_order(files, rnd) -> None:
    # Each file keeps its own name: only the order of sending changes.
    regs = registers(files)
    order = sorted(range(len(regs)), key=lambda _: rnd.random())
    assert snapshot(regs) == snapshot([regs[i] for i in order])


@settings(max_examples=60, deadline=None)
@given(files_strategy)
def test_merge_is_idempotent(files) -> None:
    regs = registers(files)
    merged = merge_registers(regs).register
    assert snapshot(regs + registers(files)) == (merged.rows, merged.conflicts)
    again = merge_registers([merged]).register
    assert (again.rows, again.conflicts) == (merged.rows, merged.conflicts)


@settings(max_examples=60, deadline=None)
@given(files_strategy)
def test_nothing_sent_is_dropped(files) -> None:
    regs = registers(files)
    result = merge_registers(regs)
    out = result.register
    sent = {reg.ref(i) for reg in regs for i in range(len(reg.rows))}
    trails = [r[H("pochodzenie")].split("; ") for r in out.rows]
    # Every sent row is named by exactly one regional row.
    assert sorted(s for t in trails for s in t) == sorted(sent)
    assert result.input_rows == len(sent)
    keys = {(fold(r[H("nazwa")]), fold(r[H("jst")])) for reg in regs for r in reg.rows}
    assert len(out.rows) == len(keys)
    # Every sent value is in its regional row or on the conflicts sheet.
    by_key = {(fold(r[H("nazwa")]), fold(r[H("jst")])): r for r in out.rows}
    conflicts = {(c.key, c.column, c.value) for c in out.conflicts}
    for reg in regs:
        for row in reg.rows:
            key = (fold(row[H("nazwa")]), fold(row[H("jst")]))
            merged = by_key[key]
            for header, value in row.items():
                col = CATALOGUE.by_header.get(header)
                if value is None or (col is not None and col.merge != Merge.VALUE):
                    continue
                typed = col.parse(value) if col is not None else value
                assert (display(merged[header]) == display(typed)
                        or (key, header, display(typed)) in conflicts)
            sent_codes = set(CATALOGUE.by_key["kwestie"].parse(row[H("kwestie")]))
            assert sent_codes <= set(merged[H("kwestie")])
