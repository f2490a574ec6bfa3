"""The Dyfuzor in a real browser: headless Chromium (Debian's chromium and chromedriver)
driven by Selenium against ``kkz serwer --katalog … --liderzy …`` started as a user starts it.

A gmina worker searches the catalogue, opens a programme, signs in with her token, sends a
messy register and reads the reconciliation; the centre accepts it. The pages are also looked
at on a phone's width (no sideways scrolling) and by keyboard (the skip link comes first).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import string
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kkz_xl.dyfuzor.store import Store
from kkz_xl.registers.reading import read_register
from kkz_xl.registers.schema import CATALOGUE
from tests.addin_server import running_server
from tests.dyfuzor_helpers import programme, regional_folder, submission_xlsx

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOTS = os.environ.get("KKZ_SCREENSHOTS")
PREFIX = "/kkz"
PUBLIC = "https://kkz.example" + PREFIX  # a folder: keep the pages as PNG to look at

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        pytest.fail("chromium and chromedriver are required when CI is set", pytrace=False)
    pytest.skip("no chromium/chromedriver (scripts/install-system-deps.sh)",
                allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Store]]:
    settings = regional_folder(tmp_path_factory.mktemp("dyfuzor"))
    kkz = Path(sys.executable).with_name("kkz")
    # As a regional centre runs it: behind a reverse proxy, under a path prefix.
    command = [str(kkz), "serwer", "--adres", PUBLIC, "--katalog", str(settings.katalog),
               "--liderzy", str(settings.liderzy), "--dane", str(settings.dane)]
    # Generous: on a loaded 2-core machine the server's imports alone take tens of seconds.
    with running_server(timeout=180, command=command) as server:
        yield server.url + PREFIX, settings.katalog, Store(settings.database)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--lang=pl-PL",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_window_size(1280, 900)
    try:
        yield driver
    finally:
        driver.quit()


def _navigate(driver: object, action: object) -> None:
    """Do ``action`` (a click, Enter in a form) and wait until the next page has loaded."""
    page = driver.find_element(By.TAG_NAME, "html")  # type: ignore[attr-defined]
    action()  # type: ignore[operator]
    WebDriverWait(driver, 60).until(expected_conditions.staleness_of(page))
    WebDriverWait(driver, 60).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def _shot(driver: object, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(SCREENSHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


def test_a_gmina_finds_a_programme_and_sends_her_register(served, browser, tmp_path) -> None:
    url, katalog, store = served
    d = browser
    d.get(url + "/dyfuzor")
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "pl"
    # Keyboard first: the first Tab lands on the skip link.
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert d.switch_to.active_element.text == "Przejdź do treści"
    Select(d.find_element(By.ID, "kwestia")).select_by_value("bezrobocie")
    _navigate(d, lambda: d.find_element(By.ID, "tekst").send_keys(Keys.ENTER))
    rows = d.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert rows and "Znaleziono" in d.find_element(By.TAG_NAME, "main").text
    for label in d.find_elements(By.CSS_SELECTOR, "form.filters label"):
        assert d.find_element(By.ID, label.get_attribute("for")).is_displayed()
    _shot(d, "1-wyszukiwanie")
    _navigate(d, rows[0].find_element(By.TAG_NAME, "a").click)
    main = d.find_element(By.TAG_NAME, "main").text
    assert "Koszt na uczestnika" in main and "@" not in main  # no contact for a visitor
    _shot(d, "2-program")

    token = store.issue_token("Gmina Jastrząb")
    d.get(url + "/dyfuzor/wyslij")
    assert "/logowanie" in d.current_url
    _navigate(d, lambda: d.find_element(By.ID, "token").send_keys(token + Keys.ENTER))
    assert d.current_url.endswith("/dyfuzor/wyslij")
    messy = tmp_path / "Katalog gminy Jastrząb.xlsx"
    messy.write_bytes(submission_xlsx(
        [programme("Klub Integracji Społecznej", "Gmina Jastrząb"),
         programme("=HYPERLINK(\"http://zla.example\")", "Gmina Jastrząb"),
         programme("Klub Integracji Społecznej", "Gmina Jastrząb")],
        extra_header="Uwagi gminy"))
    d.find_element(By.ID, "plik").send_keys(str(messy))
    _navigate(d, d.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click)
    main = d.find_element(By.TAG_NAME, "main").text
    assert "Uzgodnienie" in main and "centrum regionalne zdecyduje" in main
    balance = {r.find_element(By.TAG_NAME, "th").text: r.find_element(By.TAG_NAME, "td").text
               for r in d.find_elements(By.CSS_SELECTOR, "table tbody tr")
               if r.find_elements(By.TAG_NAME, "th")}
    assert balance["wiersze w pliku"] == "3"
    assert balance["powtórzenia w samym pliku (połączone)"] == "1"
    assert "Uwagi gminy" in main
    _shot(d, "3-uzgodnienie")

    # A phone's width: nothing scrolls sideways but the tables inside their own boxes.
    d.set_window_size(390, 844)
    for path in ("/dyfuzor", "/dyfuzor/wyslij", "/dyfuzor/prywatnosc"):
        d.get(url + path)
        assert d.execute_script("return document.documentElement.scrollWidth"
                                " <= window.innerWidth + 1"), path
    _shot(d, "4-telefon")
    d.set_window_size(1280, 900)

    before = len(read_register(katalog, CATALOGUE).rows)
    d.get(url + "/dyfuzor/wyslij")
    _navigate(d, d.find_element(By.CSS_SELECTOR, "header form button").click)  # log out
    d.get(url + f"/dyfuzor/logowanie?dalej={PREFIX}/dyfuzor/centrum")
    centre = store.issue_token("Centrum", "centrum")
    _navigate(d, lambda: d.find_element(By.ID, "token").send_keys(centre + Keys.ENTER))
    assert d.current_url.endswith("/dyfuzor/centrum")
    _navigate(d, d.find_element(By.CSS_SELECTOR, "table tbody tr td a").click)
    _navigate(d, d.find_element(By.CSS_SELECTOR, "button[value=przyjmij]").click)
    assert "przyjęte i scalone" in d.find_element(By.TAG_NAME, "main").text
    _shot(d, "5-przyjete")
    assert len(read_register(katalog, CATALOGUE).rows) == before + 2


def test_links_and_cookie_follow_the_prefix_kept_or_stripped_by_the_proxy(served) -> None:
    url, _, store = served
    origin = url.removesuffix(PREFIX)
    for at in (url + "/dyfuzor", origin + "/dyfuzor"):  # the proxy keeps / strips the prefix
        r = httpx.get(at, follow_redirects=True)
        assert r.status_code == 200
        links = re.findall(r'href="(/[^"]*)"', r.text)
        assert any("/program/" in link for link in links)
        assert all(link.startswith(PREFIX + "/dyfuzor") for link in links), at
        login = httpx.post(at + "/logowanie", data={"token": store.issue_token("Gmina P")})
        assert login.headers["location"] == PREFIX + "/dyfuzor"
        assert f"path={PREFIX}/dyfuzor" in login.headers["set-cookie"].lower()


def test_the_server_takes_a_register_over_the_add_in_body_limit(served) -> None:
    url, _, store = served
    with httpx.Client(base_url=url, timeout=30) as client:
        r = client.post("/dyfuzor/logowanie", data={"token": store.issue_token("Gmina Duża")})
        assert r.status_code == 303
        noise = random.Random(16)  # incompressible text: the file stays over 1 MB zipped
        rows = [programme(f"Program {i}", "Gmina Duża",
                          opis="".join(noise.choices(string.ascii_letters, k=2000)))
                for i in range(1000)]
        content = submission_xlsx(rows)
        assert len(content) > 1_000_000  # above the add-in's own 1 MB body limit
        r = client.post("/dyfuzor/wyslij", data={"rejestr": "katalog"},
                        files={"plik": ("duzy.xlsx", content)})
        assert r.status_code == 303, r.text
        huge = client.post("/dyfuzor/wyslij", data={"rejestr": "katalog"},
                           files={"plik": ("za_duzy.xlsx", b"PK\x03\x04" + b"0" * 6_000_000)})
        assert huge.status_code == 413 and "za duża" in huge.json()["detail"]
