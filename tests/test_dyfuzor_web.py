"""The Dyfuzor's pages over HTTP: search, programme pages, tokens, uploads with their
reconciliation, the centre's decisions, and every refusal — in Polish, nothing leaked."""

from __future__ import annotations

import io
import logging
import multiprocessing
import re
import threading
from pathlib import Path

import openpyxl
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kkz_xl.dyfuzor.regional import rebuild
from kkz_xl.dyfuzor.store import Store
from kkz_xl.dyfuzor.web import create_dyfuzor_app
from kkz_xl.registers.reading import read_register
from kkz_xl.registers.samples import sample_register
from kkz_xl.registers.schema import CATALOGUE, LEADERS
from kkz_xl.registers.writing import save_register
from tests.dyfuzor_helpers import programme, regional_folder, submission_xlsx, zip_bomb

ROOT = "/dyfuzor"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


@pytest.fixture
def site(tmp_path: Path):
    settings = regional_folder(tmp_path)
    app = FastAPI()
    dyfuzor = create_dyfuzor_app(settings, ROOT)
    app.mount(ROOT, dyfuzor)
    client = TestClient(app, base_url="http://testserver")
    store: Store = dyfuzor.state.store
    return client, store, settings


def client_for(site, token: str) -> TestClient:
    client, _, _ = site
    fresh = TestClient(client.app, base_url="http://testserver")
    r = fresh.post(f"{ROOT}/logowanie", data={"token": token, "dalej": f"{ROOT}/wyslij"},
                   follow_redirects=False)
    assert r.status_code == 303, r.text
    return fresh


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def upload(client: TestClient, content: bytes, name: str = "katalog_gminy.xlsx",
           kind: str = "katalog"):
    return client.post(f"{ROOT}/wyslij", data={"rejestr": kind},
                       files={"plik": (name, content, "application/octet-stream")},
                       follow_redirects=False)


def test_search_filters_and_sorts_by_evidence(site) -> None:
    client, _, _ = site
    all_rows = client.get(ROOT)
    assert all_rows.status_code == 200
    names = [str(r[CATALOGUE.header("nazwa")]) for r in sample_register(CATALOGUE).rows]
    assert all(n.replace("„", "").split()[0] in text(all_rows.text) for n in names)
    r = client.get(ROOT, params={"kwestia": "bezrobocie"})
    page = text(r.text)
    assert "Znaleziono" in page
    ids = re.findall(r'/program/([^"?/]+)"', r.text)
    reg = sample_register(CATALOGUE)
    expected = [row for row in reg.rows
                if "bezrobocie" in (CATALOGUE.by_key["kwestie"].parse(
                    row[CATALOGUE.header("kwestie")]) or [])]
    assert len(ids) == len(expected) > 0
    levels = [next(row[CATALOGUE.header("poziom_dowodow")] for row in reg.rows
                   if row[CATALOGUE.header("id")] == i) for i in ids]
    assert levels == sorted(levels)
    cheap = client.get(ROOT, params={"koszt_max": "1 000"})
    for pid in re.findall(r'/program/([^"?/]+)"', cheap.text):
        row = next(r for r in reg.rows if r[CATALOGUE.header("id")] == pid)
        assert row[CATALOGUE.header("koszt_uczestnika")] <= 1000


@pytest.mark.parametrize("params, field", [({"koszt_max": "dużo"}, "koszt_max"),
                                           ({"skutecznosc_min": "150"}, "skutecznosc_min"),
                                           ({"kwestia": "nieznana"}, "kwestia")])
def test_search_refuses_bad_filters_in_polish(site, params: dict[str, str], field: str) -> None:
    client, _, _ = site
    r = client.get(ROOT, params=params)
    assert r.status_code == 400
    assert field in r.text and ("oczekiwano" in r.text or "wybierz" in r.text)


def test_contacts_only_for_signed_in_members_with_consent(site) -> None:
    client, store, _ = site
    leaders = sample_register(LEADERS)
    shared, hidden = set(), set()
    for row in leaders.rows:
        email = row.get(LEADERS.header("email"))
        if email:
            consent_share = (row.get(LEADERS.header("zgoda_zakres")) == "udostępnianie w sieci"
                             and row.get(LEADERS.header("zgoda_data")) is not None)
            (shared if consent_share else hidden).add(email)
    member = client_for(site, store.issue_token("Gmina Bodzanów"))
    pages_anon, pages_member = [], []
    for pid in re.findall(r'/program/([^"?/]+)"', client.get(ROOT).text):
        pages_anon.append(client.get(f"{ROOT}/program/{pid}").text)
        pages_member.append(member.get(f"{ROOT}/program/{pid}").text)
    anon_emails = {m.group(0) for p in pages_anon for m in EMAIL.finditer(p)}
    member_emails = {m.group(0) for p in pages_member for m in EMAIL.finditer(p)}
    assert anon_emails == set()
    assert member_emails <= shared and not member_emails & hidden
    assert member_emails, "a consented leader of a catalogue JST is shown to members"
    search_page = member.get(ROOT).text
    assert not EMAIL.search(search_page)


def test_scenario_fragment_is_the_programme(site) -> None:
    client, _, _ = site
    reg = sample_register(CATALOGUE)
    row = next(r for r in reg.rows if r[CATALOGUE.header("koszt_uczestnika")])
    pid = row[CATALOGUE.header("id")]
    r = client.get(f"{ROOT}/program/{pid}/scenariusz.yaml")
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    data = yaml.safe_load(r.text)["kwestie"][0]
    assert data["koszt_uczestnika"] == pytest.approx(row[CATALOGUE.header("koszt_uczestnika")])
    assert data["skutecznosc"] == pytest.approx(row[CATALOGUE.header("skutecznosc")])
    assert client.get(f"{ROOT}/program/{pid}/scenariusz.yaml",
                      params={"kwestia": "x"}).status_code == 400
    assert client.get(f"{ROOT}/program/NIE-MA").status_code == 404


def test_tokens_sessions_and_no_open_redirect(site) -> None:
    client, store, _ = site
    r = client.post(f"{ROOT}/logowanie", data={"token": "zły"}, follow_redirects=False)
    assert r.status_code == 401 and "Nieznany albo wycofany token" in r.text
    token = store.issue_token("Gmina Jastrząb")
    r = client.post(f"{ROOT}/logowanie", data={"token": token, "dalej": "https://zla.example/"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == ROOT
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    newer = store.issue_token("Gmina Jastrząb")  # the old token stops working
    assert store.identity_for_token(token) is None
    assert store.identity_for_token(newer) is not None


def test_upload_needs_a_token_and_refuses_bad_files(site) -> None:
    client, store, settings = site
    r = upload(client, submission_xlsx([programme("Klub", "Gmina Jastrząb")]))
    assert r.status_code == 303 and "/logowanie" in r.headers["location"]
    member = client_for(site, store.issue_token("Gmina Jastrząb"))
    cases = {
        "obraz.xlsx": b"\x89PNG\r\n\x1a\n" + b"0" * 100,
        "stary.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100,
        "haslo.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100,
        "bomba.xlsx": zip_bomb(),
        "program.exe": b"MZ" + b"0" * 100,
        "pusty.xlsx": b"",
    }
    for name, content in cases.items():
        r = upload(member, content, name)
        assert r.status_code == 400, name
        assert "class=\"error\"" in r.text and re.search(r"[ąęłńóśźż]", text(r.text)), name
    too_big = upload(member, b"PK\x03\x04" + b"0" * (settings.max_upload_bytes + 10))
    assert too_big.status_code == 400 and "najwyżej można" in too_big.text
    assert store.submissions(jst="Gmina Jastrząb") == []


def test_upload_reconciles_before_the_centre_accepts(site) -> None:
    _, store, settings = site
    member = client_for(site, store.issue_token("Gmina Jastrząb"))
    existing = sample_register(CATALOGUE).rows[0]
    rows = [programme("Klub Seniora „Razem”", "Gmina Jastrząb", opis="=HYPERLINK(\"http://x\")"),
            programme("<script>alert(1)</script>", "Gmina Jastrząb"),
            {**existing},
            programme("Klub Seniora „Razem”", "Gmina Jastrząb")]
    content = submission_xlsx(rows, blank_rows=2, extra_header="Uwagi gminy")
    r = upload(member, content)
    assert r.status_code == 303
    sub_id = int(r.headers["location"].split("/")[-1].split("?")[0])
    page = member.get(r.headers["location"])
    assert "<script>alert(1)</script>" not in page.text  # escaped, never rendered
    s = store.submission(sub_id)
    assert s is not None and s.stan == "oczekuje"
    rec = s.uzgodnienie
    assert rec["wiersze"] == 4 and rec["nowe_wiersze"] == 2
    assert rec["polaczone_z_regionalnym"] == 1 and rec["powtorzenia_w_pliku"] == 1
    assert rec["kolumny_nieznane"] == ["Uwagi gminy"]
    # The balance of `kkz katalog scal`: every row and cell has a place, none is lost.
    bilans = rec["bilans"]
    assert bilans["wiersze_we"] == 4 and bilans["wiersze_utracone"] == 0
    assert bilans["komorki_utracone"] == 0 and rec["utracone"] == []
    assert bilans["komorki_we"] == (bilans["komorki_umieszczone"] + bilans["komorki_polaczone"]
                                    + bilans["komorki_konflikty"] + bilans["komorki_odrzucone"])
    assert "Komórki utracone" in page.text
    assert "Uzgodnienie" in page.text and "wiersze w pliku" in page.text
    before = len(read_register(settings.katalog, CATALOGUE).rows)
    # A JST cannot decide; the regional file does not change before the centre accepts.
    r = member.post(f"{ROOT}/centrum/zgloszenia/{sub_id}", data={"decyzja": "przyjmij"})
    assert r.status_code == 400 and "decyduje centrum" in r.text
    assert len(read_register(settings.katalog, CATALOGUE).rows) == before
    centre = client_for(site, store.issue_token("Centrum regionalne", "centrum"))
    assert "Gmina Jastrząb" in centre.get(f"{ROOT}/centrum").text
    r = centre.post(f"{ROOT}/centrum/zgloszenia/{sub_id}", data={"decyzja": "przyjmij",
                                                               "uwagi": "ok"})
    assert r.status_code == 200 and "przyjęte i scalone" in r.text
    after = read_register(settings.katalog, CATALOGUE)
    assert len(after.rows) == rec["wiersze_po_scaleniu"] == before + 2
    sender_h = CATALOGUE.header("przeslal")
    new = [row for row in after.rows if "Jastrząb" in str(row[CATALOGUE.header("jst")])]
    assert all("Gmina Jastrząb" in str(row[sender_h]) for row in new)
    wb = openpyxl.load_workbook(settings.katalog)
    cells = [c for row in wb[CATALOGUE.sheet].iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    again = centre.post(f"{ROOT}/centrum/zgloszenia/{sub_id}", data={"decyzja": "przyjmij"})
    assert again.status_code == 400 and "już rozpatrzone" in again.text


def test_parallel_accepts_lose_nothing(site) -> None:
    _, store, settings = site
    centre = client_for(site, store.issue_token("Centrum", "centrum"))
    ids = []
    for g in range(6):
        member = client_for(site, store.issue_token(f"Gmina Testowa {g}"))
        rows = [programme(f"Program {g}-{k}", f"Gmina Testowa {g}") for k in range(5)]
        r = upload(member, submission_xlsx(rows))
        assert r.status_code == 303
        ids.append(int(r.headers["location"].split("/")[-1].split("?")[0]))
    before = len(read_register(settings.katalog, CATALOGUE).rows)
    answers: list[int] = []

    def decide(sub_id: int) -> None:
        answers.append(centre.post(f"{ROOT}/centrum/zgloszenia/{sub_id}",
                                   data={"decyzja": "przyjmij"}).status_code)

    threads = [threading.Thread(target=decide, args=(i,)) for i in ids + ids[:2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(answers) == [200] * len(ids) + [400, 400]  # each accepted exactly once
    after = read_register(settings.katalog, CATALOGUE)
    assert len(after.rows) == before + 6 * 5
    assert {s.stan for s in store.submissions() if s.id in ids} == {"przyjete"}
    # The database alone can write the regional register again.
    target = settings.dane / "odtworzony.xlsx"
    assert rebuild(store, settings, "katalog", target) == []
    assert len(read_register(target, CATALOGUE).rows) == len(after.rows)


def test_hand_edits_of_the_regional_file_are_kept_as_a_version(site) -> None:
    _, store, settings = site
    reg = read_register(settings.katalog, CATALOGUE)
    reg.rows[0][CATALOGUE.header("opis")] = "poprawione ręcznie w centrum"
    save_register(reg, settings.katalog)
    member = client_for(site, store.issue_token("Gmina Jastrząb"))
    r = upload(member, submission_xlsx([programme("Nowy", "Gmina Jastrząb")]))
    sub_id = int(r.headers["location"].split("/")[-1].split("?")[0])
    centre = client_for(site, store.issue_token("Centrum", "centrum"))
    centre.post(f"{ROOT}/centrum/zgloszenia/{sub_id}", data={"decyzja": "przyjmij"})
    after = read_register(settings.katalog, CATALOGUE)
    assert "poprawione ręcznie w centrum" in [r[CATALOGUE.header("opis")] for r in after.rows]
    versions = store.submissions(rejestr="katalog", stany=("stan_pliku",))
    assert len(versions) == 2  # before the merge (with the hand edit) and after it


def test_cross_origin_post_is_refused(site) -> None:
    client, store, _ = site
    r = client.post(f"{ROOT}/logowanie", data={"token": store.issue_token("Gmina X")},
                    headers={"Origin": "https://zla.example"}, follow_redirects=False)
    assert r.status_code == 403 and "z innej strony" in r.text
    # Behind a proxy that rewrites Host, the browser's host arrives as X-Forwarded-Host.
    r = client.post(f"{ROOT}/logowanie", data={"token": store.issue_token("Gmina X")},
                    headers={"Origin": "https://kkz.gmina.example",
                             "X-Forwarded-Host": "kkz.gmina.example"}, follow_redirects=False)
    assert r.status_code == 303


def test_access_log_holds_no_personal_data(site, caplog: pytest.LogCaptureFixture) -> None:
    client, store, _ = site
    token = store.issue_token("Gmina Bodzanów")
    member = client_for(site, token)
    with caplog.at_level(logging.INFO, logger="kkz_xl.dyfuzor.dostep"):
        member.get(ROOT, params={"tekst": "anna.kowalczyk@gops-bodzanow.example"})
        for pid in re.findall(r'/program/([^"?/]+)"', member.get(ROOT).text):
            member.get(f"{ROOT}/program/{pid}")
        client.post(f"{ROOT}/logowanie", data={"token": token})
    log = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET /dyfuzor/program/{programme_id} 200" in log
    assert token not in log and not EMAIL.search(log) and "testclient" not in log


def test_privacy_page_says_what_is_stored_and_how_to_withdraw(site) -> None:
    client, _, _ = site
    page = text(client.get(f"{ROOT}/prywatnosc").text)
    for header in LEADERS.headers:
        assert header in page
    assert "Jak wycofać zgodę" in page and "wycofana" in page


def test_every_register_sheet_of_a_file_is_read(site) -> None:
    _, store, _ = site
    member = client_for(site, store.issue_token("Gmina Jastrząb"))
    first = openpyxl.load_workbook(io.BytesIO(submission_xlsx(
        [programme("Program A", "Gmina Jastrząb")])))
    second = first.copy_worksheet(first.active)
    second.title = "Katalog 2025"
    second.cell(2, 2).value = "Program B"
    buf = io.BytesIO()
    first.save(buf)
    r = upload(member, buf.getvalue())
    sub = store.submission(int(r.headers["location"].split("/")[-1].split("?")[0]))
    assert sub is not None
    assert sub.uzgodnienie["arkusze"] == ["Katalog", "Katalog 2025"]
    assert sub.uzgodnienie["nowe_wiersze"] == 2


def test_a_jst_sees_only_its_own_submissions_and_not_the_centre(site) -> None:
    _, store, _ = site
    one = client_for(site, store.issue_token("Gmina Jeden"))
    other = client_for(site, store.issue_token("Gmina Dwa"))
    r = upload(one, submission_xlsx([programme("Program", "Gmina Jeden")]))
    mine = r.headers["location"].split("?")[0]
    assert one.get(mine).status_code == 200
    assert other.get(mine).status_code == 404
    assert other.get(f"{ROOT}/zgloszenia/999").status_code == 404
    assert other.get(f"{ROOT}/centrum").status_code == 403
    page = other.get(f"{ROOT}/wyslij").text
    assert "Gmina Jeden" not in page
    r = other.post(f"{ROOT}/centrum/zgloszenia/1", data={"decyzja": "odrzuc"})
    assert r.status_code == 400 and "decyduje centrum" in r.text


def _accept_in_process(folder: str, sub_id: int) -> str:
    """Accept one submission from a separate process, as one server worker would."""
    from kkz_xl.dyfuzor.regional import accept
    from kkz_xl.dyfuzor.settings import make_settings
    from kkz_xl.dyfuzor.store import Identity

    settings = make_settings(Path(folder) / "katalog.xlsx", Path(folder) / "liderzy.xlsx",
                             Path(folder) / "baza")
    assert settings is not None
    accept(Store(settings.database), settings, sub_id, Identity("Centrum", "centrum"))
    return "ok"


def test_two_worker_processes_merge_one_at_a_time(site) -> None:
    _, store, settings = site
    ids = []
    for g in range(4):
        member = client_for(site, store.issue_token(f"Gmina Proces {g}"))
        rows = [programme(f"Program P{g}-{k}", f"Gmina Proces {g}") for k in range(3)]
        r = upload(member, submission_xlsx(rows))
        ids.append(int(r.headers["location"].split("/")[-1].split("?")[0]))
    before = len(read_register(settings.katalog, CATALOGUE).rows)
    folder = str(settings.katalog.parent)
    context = multiprocessing.get_context("spawn")  # fresh interpreters, like server workers
    with context.Pool(2) as pool:
        assert pool.starmap(_accept_in_process, [(folder, i) for i in ids]) == ["ok"] * 4
    assert len(read_register(settings.katalog, CATALOGUE).rows) == before + 4 * 3
