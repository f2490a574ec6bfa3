"""The CIS parameters shipped with the package (``data/cis.yaml``), each with its source."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from kkz_xl.storage.datafile import load_shipped


class CisValue(BaseModel):
    """One sourced value of the CIS parameter file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    wartosc: float = Field(ge=0)
    jednostka: str
    rok: int = Field(ge=1990, le=2100)
    od: dt.date
    zrodlo: str = Field(min_length=3)
    stopien: int = Field(ge=1, le=5)


class CisParams(BaseModel):
    """Legal amounts and rates used by the CIS calculator."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zasilek_dla_bezrobotnych: CisValue
    mnoznik_swiadczenia: CisValue
    stopa_skladek: CisValue
    udzial_panstwa_propozycja: CisValue


@cache
def cis_params() -> CisParams:
    """The shipped CIS parameters, loaded and validated once."""
    return load_shipped(resources.files("kkz_xl.cis") / "data" / "cis.yaml", CisParams)
