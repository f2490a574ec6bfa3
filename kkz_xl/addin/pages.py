"""The add-in's own page and icons.

``taskpane.html`` is the shared runtime Office keeps open: it loads Office.js and the
custom-functions script, and shows the accountant the connection state, the functions and a
field for the access token (stored in the add-in's local storage, sent as a bearer token).
"""

from __future__ import annotations

import functools
import io
from html import escape

from PIL import Image, ImageDraw, ImageFont

#: Microsoft's hosted Office.js; add-ins must load it from here.
OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"
ICON_SIZES = (16, 32, 64, 80)
BRAND = (31, 78, 121)

_TASKPANE = """<!DOCTYPE html>
<html lang="pl">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=Edge">
<title>Kalkulator Kosztów Zaniechania</title>
<script src="{office_js}"></script>
<script src="xlwings/custom-functions-code.js"></script>
<style>
 body {{ font-family: "Segoe UI", Calibri, sans-serif; margin: 12px; color: #222; }}
 h1 {{ font-size: 16px; color: #1f4e79; }}
 code {{ font-size: 12px; }}
 li {{ margin-bottom: 4px; }}
 .ok {{ color: #2e7d32; }} .blad {{ color: #c62828; }}
</style>
</head>
<body>
<h1>Kalkulator Kosztów Zaniechania</h1>
<p>Serwer: <code>{base_url}</code> – <span id="stan">sprawdzanie…</span></p>
<p>Funkcje wpisuje się w komórce jako <code>={namespace}.KKZ_…(…)</code>,
np. <code>={namespace}.KKZ_NPV(0,05; A1:A5)</code>.</p>
<details>
<summary>Token dostępu</summary>
<p>Jeśli administrator serwera ustawił token, wklej go tutaj (zapisuje się tylko
w tym dodatku, na tym komputerze).</p>
<input id="token" type="password" size="30" autocomplete="off">
<button id="zapisz" type="button">Zapisz</button> <span id="tokenstan"></span>
</details>
<h2 style="font-size:14px">Dostępne funkcje</h2>
<ul id="funkcje"></ul>
<script>
(function () {{
  var stan = document.getElementById("stan");
  fetch("xlwings/custom-functions-meta.json").then(function (r) {{
    if (!r.ok) {{ throw new Error("HTTP " + r.status); }}
    return r.json();
  }}).then(function (meta) {{
    stan.textContent = "połączono";
    stan.className = "ok";
    var lista = document.getElementById("funkcje");
    meta.functions.forEach(function (f) {{
      var li = document.createElement("li");
      var name = document.createElement("code");
      name.textContent = f.name + "(" + f.parameters.map(function (p) {{
        return p.optional ? "[" + p.name + "]" : p.name;
      }}).join("; ") + ")";
      li.appendChild(name);
      li.appendChild(document.createTextNode(" – " + f.description));
      lista.appendChild(li);
    }});
  }}).catch(function (e) {{
    stan.textContent = "brak połączenia (" + e.message + ")";
    stan.className = "blad";
  }});
  var pole = document.getElementById("token");
  try {{ pole.value = localStorage.getItem("kkzServerToken") || ""; }} catch (e) {{}}
  document.getElementById("zapisz").addEventListener("click", function () {{
    if (!/^[\x21-\x7e]*$/.test(pole.value)) {{
      document.getElementById("tokenstan").textContent = "token może zawierać tylko znaki "
        + "ASCII bez spacji i polskich liter – wklej token otrzymany od administratora";
      return;
    }}
    try {{
      if (pole.value) {{ localStorage.setItem("kkzServerToken", pole.value); }}
      else {{ localStorage.removeItem("kkzServerToken"); }}
      document.getElementById("tokenstan").textContent = "zapisano";
    }} catch (e) {{
      document.getElementById("tokenstan").textContent = "nie można zapisać: " + e.message;
    }}
  }});
}})();
</script>
</body>
</html>
"""


def taskpane_html(base_url: str, namespace: str) -> str:
    """The task pane for this server."""
    return _TASKPANE.format(
        office_js=OFFICE_JS, base_url=escape(base_url), namespace=escape(namespace.upper())
    )


@functools.cache
def icon_png(size: int) -> bytes:
    """A square "KKZ" icon of ``size`` pixels (sizes in :data:`ICON_SIZES`)."""
    if size not in ICON_SIZES:
        raise ValueError(f"icon size {size} not served")
    image = Image.new("RGB", (size, size), BRAND)
    if size >= 32:
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=size // 3)
        box = draw.textbbox((0, 0), "KKZ", font=font)
        x = (size - (box[2] - box[0])) / 2 - box[0]
        y = (size - (box[3] - box[1])) / 2 - box[1]
        draw.text((x, y), "KKZ", fill=(255, 255, 255), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
