"""kkz-xl: the Kalkulator Kosztów Zaniechania (cost of inaction) model for Polish local governments."""

__version__ = "0.1.0"
