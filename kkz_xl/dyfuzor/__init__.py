"""Dyfuzor online: the regional Katalog and Sieć Liderów as web pages of ``kkz serwer``.

Gminas search the regional catalogue and send their registers through a browser; the regional
centre sees every submission's reconciliation before accepting it. The registers stay
workbooks (merged by :mod:`kkz_xl.registers`); the history of who sent what, when and what was
decided is kept in an SQLite database beside them.
"""
