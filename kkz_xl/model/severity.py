"""A scenario's issue on a shipped multi-state model (severity levels, duration states): the
inputs of the general form, resolved from the model file and the JST's own figures.

How a scenario's inputs map onto the model (docs/metoda.md, "Poziomy nasilenia"):
- ``osoby`` is the whole group, split by state with the model's documented default split
  (``podzial``) unless ``osoby_wg_stanow`` gives the persons per state (they must add up to
  ``osoby``); ``naplyw`` (new persons a year) is split by the model's ``naplyw_do``;
- ``program`` picks one of the model's programmes (default: the first); ``skutecznosc``,
  ``zasieg``, ``koszt_uczestnika``, ``powtarzaj``, ``finansowanie`` and ``nazwa_programu``
  replace the programme's values; ``zasieg`` is the share of each enrollable state's persons
  enrolled in a programme year, and ``skutecznosc`` scales the transitions the programme changes;
- ``korzysci`` (or, by default, the issue's gains in the parameter base) count for every person
  in the model's gain states;
- ``koszty``, ``odplyw`` and ``nawroty`` belong to the two-state form: an issue that gives them
  without ``model: wielostanowy`` is computed in the two-state form (its own figures are never
  dropped); with ``model: wielostanowy`` they are an error naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kkz_xl.errors import InputError
from kkz_xl.model.inputs import GainLine
from kkz_xl.model.payers import N_PAYERS, Payer, payer_index
from kkz_xl.params.base import ParameterBase
from kkz_xl.params.state_models import StateModelParams, StateProgramme, shipped_models
from kkz_xl.polish import plural

Array = NDArray[np.float64]
MULTI_STATE = "wielostanowy"
TWO_STATE = "dwustanowy"
TWO_STATE_ONLY = ("koszty", "odplyw", "nawroty")
SPLIT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class StateLine:
    """A cost (or gain) line of a multi-state issue: who pays, where in the budget."""

    name: str
    payer: Payer
    rozdzial: str | None
    gain: bool
    # Yearly multipliers of the line (year 1, 2, …; the last one repeats), e.g. the JST's PIT
    # shares that arrive after a two-year lag; None: the same every year.
    profile: tuple[float, ...] | None = None


def line_profiles(lines: tuple[StateLine, ...] | list[StateLine], years: int) -> Array:
    """``(T, L)``: each line's multiplier in each year of the horizon."""
    out = np.ones((years, len(lines)))
    for j, line in enumerate(lines):
        if line.profile:
            prof = line.profile
            out[:, j] = [prof[min(t, len(prof) - 1)] for t in range(years)]
    return out


@dataclass(frozen=True)
class StateInputs:
    """Everything the engine needs for one issue on a multi-state model (one scenario).

    Edges ``k`` are the off-diagonal transitions ``edge_from[k] → edge_to[k]`` with yearly
    probabilities ``edge_values[k]`` (zero for transitions only a programme opens). Whoever
    takes none of a state's edges goes to ``next_state`` (itself, or the next duration state).
    ``amounts[j, l]``: yearly amount of line ``l`` for one person in state ``j`` (negative for a
    gain). ``effects``: (edge, "zapobiega" | "wyprowadza") changed by the programme.
    """

    code: str
    name: str  # the model's title (the general form's name)
    unit: str
    state_ids: tuple[str, ...]
    state_names: tuple[str, ...]
    self_reliant: tuple[bool, ...]
    initial: Array  # (S,)
    inflow_split: Array  # (S,)
    inflow: float
    edge_from: tuple[int, ...]
    edge_to: tuple[int, ...]
    edge_values: Array  # (E,)
    next_state: tuple[int, ...]
    lines: tuple[StateLine, ...]
    amounts: Array  # (S, L)
    enrollable: Array  # (S,) 1.0 where the programme can enrol
    effects: tuple[tuple[int, str], ...]
    programme_id: str
    programme_name: str
    programme_rozdzial: str | None
    programme_cost: float
    success: float
    coverage: float
    repeat: bool
    financing: dict[Payer, float]
    from_base: tuple[str, ...]
    issue_name: str = ""  # the issue's name in the parameter base (results, documents)
    # Transitions that are one sourced parameter (the same value and source, e.g. the exits
    # from each year in care) form a group: drawn together in Monte Carlo, one tornado row.
    edge_group: tuple[int, ...] = ()

    def groups(self) -> tuple[int, ...]:
        """The group of every edge (each edge its own group when none are given)."""
        return self.edge_group or tuple(range(len(self.edge_values)))

    def group_edges(self, g: int) -> list[int]:
        return [k for k, grp in enumerate(self.groups()) if grp == g]

    def group_label(self, g: int) -> str:
        edges = self.group_edges(g)
        more = len(edges) - 1
        if not more:
            return self.edge_label(edges[0])
        return f"{self.edge_label(edges[0])} (i {plural(more, 'inne', 'inne', 'innych')})"

    @property
    def persons(self) -> float:
        return float(self.initial.sum())

    @property
    def states(self) -> int:
        return len(self.state_ids)

    def edge_label(self, k: int) -> str:
        return f"{self.state_names[self.edge_from[k]]} → {self.state_names[self.edge_to[k]]}"

    def line_payer(self) -> Array:
        out = np.zeros((len(self.lines), N_PAYERS))
        for j, line in enumerate(self.lines):
            out[j, payer_index(line.payer)] = 1.0
        return out

    def financing_row(self) -> Array:
        out = np.zeros(N_PAYERS)
        for payer, share in self.financing.items():
            out[payer_index(payer)] = share
        return out


def has_state_model(code: str) -> bool:
    return code in shipped_models()


def uses_state_model(issue: object) -> bool:
    """Whether a scenario's issue is computed on its shipped multi-state model (the default
    where one exists); ``model: dwustanowy`` or the two-state form's own figures keep the
    two-state form."""
    choice = getattr(issue, "model", None)
    if choice == TWO_STATE or not has_state_model(issue.code):  # type: ignore[attr-defined]
        return False
    if choice == MULTI_STATE:
        return True
    return not any(getattr(issue, attr) is not None
                   for attr in ("costs", "exit_rate", "relapse"))


def _programme(model: StateModelParams, own: str | None, field: str,
               base: ParameterBase) -> StateProgramme:
    if own is None:
        return model.programy[0]
    for p in model.programy:
        if p.id == own:
            return p
    two_state = [p.id for p in base.issue(model.kod).programy]
    hint = (f" (program {own!r} jest dostępny w postaci dwustanowej: model: dwustanowy)"
            if own in two_state else "")
    raise InputError(field, f"nieznany program {own!r} modelu wielostanowego; "
                     f"dostępne: {', '.join(p.id for p in model.programy)}{hint}")


def resolve_states(issue: object, base: ParameterBase, price_year: int,
                   where: str = "kwestia", *, conservative: bool | None = None,
                   runner: str = "gmina") -> StateInputs:
    """The multi-state inputs of a scenario's issue (``IssueScenario``) on its shipped model.

    ``conservative``: the variant of the base's derived fiscal gains (None: the base's
    default); ``runner``: the JST's kind – in a powiat's scenario the powiat runs the
    programme, so the base's gmina share of its financing is the powiat's (as in the
    two-state form)."""
    i = issue
    model = shipped_models()[i.code]  # type: ignore[attr-defined]

    def field(name: str) -> str:
        return f"{where}.{name}" if where else name

    for key, attr in zip(TWO_STATE_ONLY, ("costs", "exit_rate", "relapse"), strict=True):
        if getattr(i, attr) is not None:
            raise InputError(field(key), "pole postaci dwustanowej; w modelu "
                             "wielostanowym koszty i przejścia są w pliku modelu – usuń je "
                             "albo wybierz model: dwustanowy")
    ids = model.state_ids()
    index = {s: k for k, s in enumerate(ids)}
    n = len(ids)
    from_base: list[str] = []

    def money(amount: float, year: int) -> float:
        return amount * base.price_factor(year, price_year)

    # The group, by state.
    own_split = getattr(i, "persons_by_state", None)
    initial = np.zeros(n)
    if own_split:
        for state, count in own_split.items():
            if state not in index:
                raise InputError(field("osoby_wg_stanow"), f"nieznany stan {state!r}; "
                                 f"stany modelu: {', '.join(ids)}")
            initial[index[state]] = count
        if abs(initial.sum() - i.persons) > SPLIT_TOLERANCE * max(1.0, i.persons):
            raise InputError(field("osoby_wg_stanow"), f"suma osób w stanach "
                             f"({initial.sum():g}) różni się od osoby ({i.persons:g})")
    else:
        from_base.append("osoby_wg_stanow")
        for state, share in model.podzial.wartosc.items():
            initial[index[state]] = share * i.persons
    inflow_split = np.zeros(n)
    for state, share in model.naplyw_do.wartosc.items():
        inflow_split[index[state]] = share

    # Transitions: the model's, then those only a programme opens (probability 0 without it).
    prog = _programme(model, i.programme, field("program"), base)
    pairs = [(index[t.z], index[t.do]) for t in model.przejscia]
    values = [t.wartosc for t in model.przejscia]
    keys: list[object] = [(t.wartosc, t.zrodlo) for t in model.przejscia]
    effects: list[tuple[int, str]] = []
    for eff in prog.zmienia:
        pair = (index[eff.z], index[eff.do])
        if pair not in pairs:
            pairs.append(pair)
            values.append(0.0)
            keys.append(pair)
        effects.append((pairs.index(pair), eff.rodzaj))
    order = list(dict.fromkeys(keys))
    group = tuple(order.index(key) for key in keys)
    next_state = tuple(index[s.nastepny] if s.nastepny else k for k, s in enumerate(model.stany))

    # Cost lines per state, then gain lines (negative) on the gain states.
    lines: list[StateLine] = []
    columns: list[Array] = []
    for c in model.koszty:
        col = np.zeros(n)
        for state, mult in c.stany.items():
            col[index[state]] = money(c.wartosc, c.rok_cen) * mult
        lines.append(StateLine(c.nazwa, c.platnik, c.rozdzial, False))
        columns.append(col)
    gains: list[GainLine] | None = i.gains
    if gains is None:
        from_base.append("korzysci")
        gains = [GainLine(nazwa=g.nazwa, platnik=g.platnik, kwota=money(g.wartosc, g.rok_cen),
                          rozdzial=g.rozdzial, profil=g.profil)
                 for g in base.gains(i.code, conservative)]
    gain_states = [index[s] for s in model.gain_states()]
    for g in gains:
        col = np.zeros(n)
        col[gain_states] = -g.amount
        lines.append(StateLine(g.name, g.payer, g.rozdzial, True,
                               tuple(g.profile) if g.profile else None))
        columns.append(col)

    def pick(name: str, own: object, default: object) -> object:
        if own is None:
            from_base.append(name)
            return default
        return own

    financing = dict(pick("finansowanie", i.financing, dict(prog.finansowanie)))  # type: ignore[arg-type]
    if runner == "powiat" and i.financing is None and Payer.GMINA in financing:
        share = financing.pop(Payer.GMINA)
        financing[Payer.POWIAT] = financing.get(Payer.POWIAT, 0.0) + share
    enrollable = np.zeros(n)
    enrollable[[index[s] for s in prog.objeci]] = 1.0
    return StateInputs(
        code=model.kod, name=model.nazwa, unit=model.jednostka, state_ids=tuple(ids),
        state_names=tuple(model.state_names()),
        self_reliant=tuple(s in model.samodzielne for s in ids),
        initial=initial, inflow_split=inflow_split, inflow=float(i.inflow),
        edge_from=tuple(p[0] for p in pairs), edge_to=tuple(p[1] for p in pairs),
        edge_values=np.array(values, dtype=float), next_state=next_state,
        lines=tuple(lines), amounts=np.stack(columns, axis=1), enrollable=enrollable,
        effects=tuple(effects), programme_id=prog.id,
        programme_name=str(pick("nazwa_programu", i.programme_name, prog.nazwa)),
        programme_rozdzial=prog.rozdzial,
        programme_cost=float(pick("koszt_uczestnika", i.programme_cost,  # type: ignore[arg-type]
                                  money(prog.koszt_uczestnika.wartosc,
                                        prog.koszt_uczestnika.rok_cen))),
        success=float(pick("skutecznosc", i.success, prog.skutecznosc.wartosc)),  # type: ignore[arg-type]
        coverage=float(pick("zasieg", i.coverage, prog.zasieg.wartosc)),  # type: ignore[arg-type]
        repeat=bool(pick("powtarzaj", i.repeat, prog.powtarzaj)),
        financing=financing,
        from_base=tuple(from_base), issue_name=base.issue(model.kod).nazwa, edge_group=group,
    )


def matrices(inp: StateInputs, edges: Array, success: Array, coverage: Array
             ) -> tuple[Array, Array]:
    """Yearly transition matrices ``(..., S, S)`` without and with the programme.

    Without: each edge's probability (scaled down together if drawn values leave a state with
    more than 1), the rest to the state's next state. With, for an enrolled share ``e`` of each
    enrollable state: ``zapobiega`` keeps ``s`` of the edge's probability on the path;
    ``wyprowadza`` moves ``s`` of what stays on the path along the edge (shared equally when a
    state has several such edges); ``M^A = e·M^P + (1 − e)·M^Z`` row by row.
    """
    p = np.asarray(edges, dtype=float)
    s = np.asarray(success, dtype=float)[..., None]
    e = np.asarray(coverage, dtype=float)[..., None]
    n = inp.states
    batch = np.broadcast_shapes(p.shape[:-1], s.shape[:-1], e.shape[:-1])
    off = np.zeros((*batch, n, n))
    for k, (i, j) in enumerate(zip(inp.edge_from, inp.edge_to, strict=True)):
        off[..., i, j] += p[..., k]
    out = off.sum(-1)
    off = off / np.maximum(out, 1.0)[..., None]

    def close(m: Array) -> Array:
        full = m.copy()
        rest = 1.0 - m.sum(-1)
        for i, nxt in enumerate(inp.next_state):
            full[..., i, nxt] += rest[..., i]
        return full

    prog = off.copy()
    for k, kind in inp.effects:
        if kind == "zapobiega":
            i, j = inp.edge_from[k], inp.edge_to[k]
            prog[..., i, j] = prog[..., i, j] * (1.0 - s[..., 0])
    stay = 1.0 - prog.sum(-1)
    lead = [k for k, kind in inp.effects if kind == "wyprowadza"]
    for k in lead:
        i, j = inp.edge_from[k], inp.edge_to[k]
        share = sum(1 for m in lead if inp.edge_from[m] == i)
        prog[..., i, j] = prog[..., i, j] + s[..., 0] * stay[..., i] / share
    trans_z = close(off)
    mix = (e * inp.enrollable)[..., None]  # (..., S, 1)
    trans_a = mix * close(prog) + (1.0 - mix) * trans_z
    return trans_z, trans_a
