"""Word → PDF through LibreOffice's UNO API, with every index (the table of contents) updated.

``soffice --convert-to pdf`` exports fields as they were saved, so the table of contents that
Word fills on opening stays a placeholder. This script starts one headless LibreOffice, and for
each document: loads it hidden, updates all indexes (twice: the filled table can move headings
to later pages), exports ``writer_pdf_Export`` and closes it. The ``.docx`` is never saved.

It runs under the Python that has the ``uno`` module (LibreOffice's own, or the system's with
python3-uno), not in the project's environment, so it imports nothing from ``kkz_xl``. It is
called by :func:`kkz_xl.office.render.to_pdf_many`; its output is one JSON line per document
(``{"docx": …, "pdf": …}`` or ``{"docx": …, "error": …}``), errors in English for the caller to
word in Polish.

Usage: ``python3 lo_convert.py SOFFICE PROFILE_URL OUT_DIR DOCX...``
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import uno  # first: it registers the importer of the com.sun.star modules
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

WORD_FILTER = "MS Word 2007 XML"
CONNECT_SECONDS = 60.0  # LibreOffice's first start with a fresh profile takes a few seconds


def _props(**values: object) -> tuple:
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


def _connect(pipe: str, office: subprocess.Popen) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if office.poll() is not None:
                raise RuntimeError(f"LibreOffice exited with code {office.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError("LibreOffice did not accept a connection") from None
            time.sleep(0.1)


def _convert(desktop: object, docx: Path, out_dir: Path) -> Path:
    # A .docx is read as Word or not at all: type detection would open a damaged file as
    # plain text and export its bytes as a PDF.
    word = {"FilterName": WORD_FILTER} if docx.suffix.lower() == ".docx" else {}
    doc = desktop.loadComponentFromURL(  # type: ignore[attr-defined]
        uno.systemPathToFileUrl(str(docx.resolve())), "_blank", 0,
        _props(Hidden=True, ReadOnly=True, UpdateDocMode=0, **word))
    if doc is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        if hasattr(doc, "getDocumentIndexes"):
            indexes = doc.getDocumentIndexes()
            for _ in range(2):  # the filled table may push headings to later pages
                for i in range(indexes.getCount()):
                    indexes.getByIndex(i).update()
                doc.refresh()
        pdf = out_dir / (docx.stem + ".pdf")
        doc.storeToURL(uno.systemPathToFileUrl(str(pdf.resolve())),
                       _props(FilterName="writer_pdf_Export"))
        return pdf
    finally:
        doc.close(True)


def main(argv: list[str]) -> int:
    soffice, profile_url, out_dir, *docs = argv
    pipe = f"kkz-{os.getpid()}"
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile_url}", "--headless", "--invisible",
         "--nologo", "--norestore", "--nodefault", "--nolockcheck",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        desktop = _connect(pipe, office)
        for name in docs:
            try:
                pdf = _convert(desktop, Path(name), Path(out_dir))
                print(json.dumps({"docx": name, "pdf": str(pdf)}), flush=True)
            except Exception as err:  # one document's failure is reported, the others go on
                print(json.dumps({"docx": name, "error": f"{type(err).__name__}: {err}"}),
                      flush=True)
        with contextlib.suppress(Exception):  # the bridge closes as LibreOffice quits
            desktop.terminate()  # type: ignore[attr-defined]
        office.wait(timeout=30)
    finally:
        if office.poll() is None:
            office.kill()
            office.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
