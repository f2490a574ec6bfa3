"""The budget paragraf (§) of each programme: ``data/klasyfikacja.yaml`` (the rozdział is in
each issue file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field

from kkz_xl.params.schema import Grade, _Strict
from kkz_xl.storage.datafile import load_shipped

Paragraf = str


class Classification(_Strict):
    paragrafy: dict[str, str] = Field(description="paragraf → its name in the regulation")
    domyslny: str = Field(pattern=r"^\d{4}$")
    programy: dict[str, str] = Field(description="programme id → paragraf")
    zrodlo: str = Field(min_length=3)
    stopien: Grade

    def programme(self, programme_id: str | None) -> str:
        """The paragraf of a programme of the base (the default for one of the JST's own)."""
        return self.programy.get(programme_id or "", self.domyslny)

    def name(self, paragraf: str) -> str:
        return self.paragrafy.get(paragraf, "")


@lru_cache(maxsize=1)
def classification() -> Classification:
    path = Path(__file__).resolve().parent / "data" / "klasyfikacja.yaml"
    loaded = load_shipped(path, Classification)
    unknown = {p for p in [loaded.domyslny, *loaded.programy.values()]
               if p not in loaded.paragrafy}
    if unknown:
        raise ValueError(f"klasyfikacja.yaml: paragrafy bez nazwy: {', '.join(sorted(unknown))}")
    return loaded
