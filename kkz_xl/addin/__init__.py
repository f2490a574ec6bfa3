"""The Excel add-in: the Office.js custom-functions server and the classic xlwings settings.

Nothing is imported here on purpose: importing xlwings fixes, once per process, whether its
UDF decorators are the server ones (see :mod:`kkz_xl.addin.server_mode`).
"""
