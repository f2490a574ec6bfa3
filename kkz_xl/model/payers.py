"""The payers of the model: who bears the cost of a dependent person, in a fixed order.

The order is a contract: Excel's ``koszt_roczny`` and ``finansowanie`` rows list payers in it.
"""

from __future__ import annotations

from enum import StrEnum


class Payer(StrEnum):
    GMINA = "gmina"
    POWIAT = "powiat"
    BUDZET_PANSTWA = "budzet_panstwa"
    NFZ = "nfz"
    ZUS_FP = "zus_fp"


PAYERS: tuple[Payer, ...] = tuple(Payer)
PAYER_LABELS: dict[Payer, str] = {
    Payer.GMINA: "gmina",
    Payer.POWIAT: "powiat",
    Payer.BUDZET_PANSTWA: "budżet państwa",
    Payer.NFZ: "NFZ",
    Payer.ZUS_FP: "ZUS/Fundusz Pracy",
}
N_PAYERS = len(PAYERS)
#: The one payer whose gain (net fiscal effect) from a person entering work may be negative: the
#: state budget pays the JST's PIT shares, computed from the worker's income rather than from the
#: tax, and at the minimum wage they exceed the worker's PIT (``kkz_xl.params.gains``).
SIGNED_GAIN_PAYER = Payer.BUDZET_PANSTWA


def payer_index(payer: Payer | str) -> int:
    """Position of ``payer`` in the contract order."""
    return PAYERS.index(Payer(payer))
