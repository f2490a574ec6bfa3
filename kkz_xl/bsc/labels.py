"""Perspectives, directions, categories and traffic lights of the BSC with their Polish labels
(defined once: workbook, CLI, service card and Excel functions use these)."""

from __future__ import annotations

from enum import StrEnum


class Perspective(StrEnum):
    KLIENT = "klient"
    FINANSE = "finanse"
    PROCESY = "procesy"
    ROZWOJ = "rozwoj"


PERSPECTIVE_LABELS: dict[Perspective, str] = {
    Perspective.KLIENT: "klient (obywatel)",
    Perspective.FINANSE: "finanse",
    Perspective.PROCESY: "procesy wewnętrzne",
    Perspective.ROZWOJ: "uczenie się i rozwój",
}


class Direction(StrEnum):
    WYZEJ = "wyzej"
    NIZEJ = "nizej"


DIRECTION_LABELS: dict[Direction, str] = {
    Direction.WYZEJ: "im więcej, tym lepiej",
    Direction.NIZEJ: "im mniej, tym lepiej",
}


class Category(StrEnum):
    A = "A"
    B = "B"


CATEGORY_LABELS: dict[Category, str] = {
    Category.A: "A – sieć podstawowa",
    Category.B: "B – sieć uzupełniająca",
}


class Light(StrEnum):
    ZIELONE = "zielone"
    ZOLTE = "żółte"
    CZERWONE = "czerwone"


LIGHT_COLOURS: dict[Light, str] = {
    Light.ZIELONE: "C6EFCE",
    Light.ZOLTE: "FFEB9C",
    Light.CZERWONE: "FFC7CE",
}
COMMON_TYPE_LABEL = "wszystkie"
