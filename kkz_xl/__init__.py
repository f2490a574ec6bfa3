"""kkz-xl: the Kalkulator Kosztów Zaniechania (cost of inaction) model for Polish JST."""

__version__ = "0.1.0"
