"""The Dyfuzor's history: tokens, sessions, submissions and decisions in one SQLite file.

Only hashes of tokens and session keys are stored. Every write is its own ``BEGIN IMMEDIATE``
transaction, so several server workers can share the file; merging into the regional
workbook is serialised separately by :func:`writer_lock`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokeny (
    skrot TEXT PRIMARY KEY,
    jst TEXT NOT NULL,
    rola TEXT NOT NULL CHECK (rola IN ('jst', 'centrum')),
    wydano TEXT NOT NULL,
    wycofano TEXT
);
CREATE TABLE IF NOT EXISTS sesje (
    skrot TEXT PRIMARY KEY,
    jst TEXT NOT NULL,
    rola TEXT NOT NULL,
    wygasa TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS zgloszenia (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rejestr TEXT NOT NULL,
    jst TEXT NOT NULL,
    plik TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bajty INTEGER NOT NULL,
    tresc BLOB NOT NULL,
    wyslano TEXT NOT NULL,
    stan TEXT NOT NULL CHECK (stan IN ('oczekuje', 'przyjete', 'odrzucone', 'stan_pliku')),
    uzgodnienie TEXT NOT NULL,
    uwagi TEXT,
    zdecydowano TEXT,
    decydujacy TEXT
);
CREATE TABLE IF NOT EXISTS zdarzenia (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    czas TEXT NOT NULL,
    kto TEXT NOT NULL,
    co TEXT NOT NULL,
    zgloszenie INTEGER REFERENCES zgloszenia(id)
);
"""

STATES = {"oczekuje": "oczekuje na decyzję centrum", "przyjete": "przyjęte i scalone",
          "odrzucone": "odrzucone", "stan_pliku": "stan pliku regionalnego"}
SESSION_HOURS = 8


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Identity:
    """Who is signed in: a JST (sends registers) or the regional centre (decides)."""

    jst: str
    rola: str

    @property
    def is_centre(self) -> bool:
        return self.rola == "centrum"


@dataclass(frozen=True)
class Submission:
    id: int
    rejestr: str
    jst: str
    plik: str
    sha256: str
    bajty: int
    wyslano: str
    stan: str
    uzgodnienie: dict[str, Any]
    uwagi: str | None
    zdecydowano: str | None
    decydujacy: str | None

    @property
    def stan_opis(self) -> str:
        return STATES[self.stan]


_COLUMNS = ("id, rejestr, jst, plik, sha256, bajty, wyslano, stan, uzgodnienie, uwagi, "
            "zdecydowano, decydujacy")


class Store:
    """One connection per call: safe across threads and worker processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # -- tokens and sessions -------------------------------------------------------------
    def issue_token(self, jst: str, rola: str = "jst") -> str:
        """A new random token for ``jst``; earlier tokens of that JST and role stop working."""
        token = secrets.token_urlsafe(24)
        with self.transaction() as db:
            db.execute("UPDATE tokeny SET wycofano = ? WHERE jst = ? AND rola = ? AND "
                       "wycofano IS NULL", (now(), jst, rola))
            db.execute("INSERT INTO tokeny (skrot, jst, rola, wydano) VALUES (?, ?, ?, ?)",
                       (digest(token), jst, rola, now()))
            db.execute("INSERT INTO zdarzenia (czas, kto, co) VALUES (?, ?, ?)",
                       (now(), "centrum", f"wydano token ({rola}) dla: {jst}"))
        return token

    def identity_for_token(self, token: str) -> Identity | None:
        with self._connect() as db:
            row = db.execute("SELECT jst, rola FROM tokeny WHERE skrot = ? AND wycofano IS NULL",
                             (digest(token.strip()),)).fetchone()
        return Identity(row[0], row[1]) if row else None

    def open_session(self, identity: Identity) -> str:
        key = secrets.token_urlsafe(32)
        until = dt.datetime.now(dt.UTC) + dt.timedelta(hours=SESSION_HOURS)
        with self.transaction() as db:
            db.execute("DELETE FROM sesje WHERE wygasa < ?", (now(),))
            db.execute("INSERT INTO sesje (skrot, jst, rola, wygasa) VALUES (?, ?, ?, ?)",
                       (digest(key), identity.jst, identity.rola, until.isoformat()))
        return key

    def identity_for_session(self, key: str | None) -> Identity | None:
        if not key:
            return None
        with self._connect() as db:
            row = db.execute("SELECT jst, rola FROM sesje WHERE skrot = ? AND wygasa >= ?",
                             (digest(key), now())).fetchone()
        return Identity(row[0], row[1]) if row else None

    def close_session(self, key: str | None) -> None:
        if key:
            with self.transaction() as db:
                db.execute("DELETE FROM sesje WHERE skrot = ?", (digest(key),))

    # -- submissions ---------------------------------------------------------------------
    def add_submission(self, rejestr: str, jst: str, plik: str, content: bytes,
                       reconciliation: dict[str, Any], stan: str = "oczekuje") -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO zgloszenia (rejestr, jst, plik, sha256, bajty, tresc, wyslano, stan,"
                " uzgodnienie) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (rejestr, jst, plik, hashlib.sha256(content).hexdigest(), len(content), content,
                 now(), stan, json.dumps(reconciliation, ensure_ascii=False, default=str)))
            sub_id = int(cur.lastrowid or 0)
            what = ("zapisano stan pliku regionalnego" if stan == "stan_pliku"
                    else f"przesłano plik {plik} ({rejestr})")
            db.execute("INSERT INTO zdarzenia (czas, kto, co, zgloszenie) VALUES (?, ?, ?, ?)",
                       (now(), jst, what, sub_id))
        return sub_id

    def submission(self, sub_id: int) -> Submission | None:
        with self._connect() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM zgloszenia WHERE id = ?",
                             (sub_id,)).fetchone()
        return _submission(row) if row else None

    def content(self, sub_id: int) -> bytes:
        with self._connect() as db:
            row = db.execute("SELECT tresc FROM zgloszenia WHERE id = ?", (sub_id,)).fetchone()
        if row is None:
            raise KeyError(sub_id)
        return bytes(row[0])

    def submissions(self, *, jst: str | None = None, rejestr: str | None = None,
                    stany: tuple[str, ...] | None = None) -> list[Submission]:
        sql, args = f"SELECT {_COLUMNS} FROM zgloszenia WHERE 1=1", []
        if jst is not None:
            sql += " AND jst = ?"
            args.append(jst)
        if rejestr is not None:
            sql += " AND rejestr = ?"
            args.append(rejestr)
        if stany:
            sql += f" AND stan IN ({', '.join('?' for _ in stany)})"
            args.extend(stany)
        with self._connect() as db:
            rows = db.execute(sql + " ORDER BY id", args).fetchall()
        return [_submission(r) for r in rows]

    def decide(self, sub_id: int, stan: str, kto: str, uwagi: str | None) -> None:
        with self.transaction() as db:
            changed = db.execute(
                "UPDATE zgloszenia SET stan = ?, uwagi = ?, zdecydowano = ?, decydujacy = ? "
                "WHERE id = ? AND stan = 'oczekuje'", (stan, uwagi, now(), kto, sub_id)).rowcount
            if changed != 1:
                raise LookupError(sub_id)
            db.execute("INSERT INTO zdarzenia (czas, kto, co, zgloszenie) VALUES (?, ?, ?, ?)",
                       (now(), kto, STATES[stan] + (f": {uwagi}" if uwagi else ""), sub_id))

    def events(self, limit: int = 200) -> list[tuple[str, str, str, int | None]]:
        with self._connect() as db:
            return db.execute("SELECT czas, kto, co, zgloszenie FROM zdarzenia ORDER BY id DESC "
                              "LIMIT ?", (limit,)).fetchall()


def _submission(row: tuple[Any, ...]) -> Submission:
    return Submission(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                      json.loads(row[8]), row[9], row[10], row[11])


@contextlib.contextmanager
def writer_lock(folder: Path) -> Iterator[None]:
    """One writer of the regional workbooks at a time, across threads and worker processes
    (``flock`` on a lock file: each call opens its own file description)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".dyfuzor.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
