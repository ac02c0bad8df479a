"""The results database: SQLite in WAL mode, one transaction per result, a versioned schema.

``cells`` holds one row per planned cell (primary key ``cell_id``), its status (``pending``, ``done``,
``failed``), attempts, best ratio, proof status, the best witness as replayable MODEL.md JSON and the error of a
failed cell. ``witnesses`` holds every improving witness of every cell, in order. ``liveness`` holds every
liveness witness a cell certified (a run unfinished at its round limit, MODEL.md *Witness files*), in order; it
is an additive table of schema version 1: a database written before it existed gets it when opened for
writing, and a read-only reader treats its absence as "no liveness witnesses". A database written by another
schema version is refused.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from models.errors import InvalidInput

SCHEMA_VERSION = 1


class IncompatibleDatabase(InvalidInput, RuntimeError):
    pass


SQLITE_HEADER = b"SQLite format 3\x00"


def _ro_uri(path: Path) -> str:
    """A read-only URI. Without a ``-wal`` file beside it, everything is in the main file: ``immutable=1``
    then reads it without creating ``-shm``/``-wal`` files; with one (a live WAL database) plain ``mode=ro``."""
    wal = path.with_name(path.name + "-wal")
    return f"{path.resolve().as_uri()}?mode=ro" + ("" if wal.exists() else "&immutable=1")


def _not_ours(path: str | Path, why: str) -> IncompatibleDatabase:
    return IncompatibleDatabase(f"{path}: not a kvsched database ({why}); nothing was changed")


def _check_existing(path: Path, key: str) -> None:
    """An existing, non-empty file must already be a kvsched database with ``meta`` row ``key``: read-only
    checks, so that a foreign, garbage or truncated file is refused untouched."""
    with open(path, "rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise _not_ours(path, "not an SQLite file")
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True, timeout=30)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "meta" not in names:
                raise _not_ours(path, "no meta table: another program's SQLite file")
            if conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone() is None:
                raise _not_ours(path, f"no {key} in its meta table")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _not_ours(path, f"SQLite: {exc}") from None


def open_versioned(path: str | Path, key: str, version: int, tables: list[str]) -> sqlite3.Connection:
    """A SQLite file in WAL mode whose ``meta`` row ``key`` holds its schema version: a new file gets the
    ``CREATE TABLE`` statements ``tables`` in one transaction; a file written by another version is refused,
    and so is an existing file that is not one of ours (checked read-only before anything is written)."""
    p = Path(path)
    if p.is_dir():
        raise IncompatibleDatabase(f"{path}: is a folder, not a database file")
    if p.exists() and p.stat().st_size > 0:
        _check_existing(p, key)
    try:
        return _open_versioned(path, key, version, tables)
    except sqlite3.DatabaseError as exc:
        raise IncompatibleDatabase(f"{path}: cannot open as a kvsched database (SQLite: {exc})") from None


def _open_versioned(path: str | Path, key: str, version: int, tables: list[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    if row is None:
        with conn:
            conn.execute("BEGIN")
            conn.execute("INSERT INTO meta VALUES (?, ?)", (key, str(version)))
            for table in tables:
                conn.execute(table)
    elif row[0] != str(version):
        conn.close()
        raise IncompatibleDatabase(f"{path}: schema version {row[0]}, this kvsched reads version {version}; "
                                   "use a new database file")
    return conn


LIVENESS_TABLE = """CREATE TABLE IF NOT EXISTS liveness (
            cell_id TEXT NOT NULL REFERENCES cells(cell_id), seq INTEGER NOT NULL, witness TEXT NOT NULL,
            PRIMARY KEY (cell_id, seq))"""


def open_db(path: str | Path) -> sqlite3.Connection:
    conn = _open_db(path)
    conn.execute(LIVENESS_TABLE)  # additive: also on a version-1 database written before the table existed
    return conn


def _open_db(path: str | Path) -> sqlite3.Connection:
    return open_versioned(path, "schema_version", SCHEMA_VERSION, [
        """CREATE TABLE cells (
            cell_id TEXT PRIMARY KEY, campaign TEXT NOT NULL, params TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0, best_ratio TEXT, proof TEXT, witness TEXT,
            evaluations INTEGER, seconds REAL, error TEXT, finished_at REAL)""",
        """CREATE TABLE witnesses (
            cell_id TEXT NOT NULL REFERENCES cells(cell_id), seq INTEGER NOT NULL, ratio TEXT NOT NULL,
            witness TEXT NOT NULL, PRIMARY KEY (cell_id, seq))""",
    ])


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """A campaign database opened read-only (``status``, ``export``, ``report --from``): the file is never
    written. A missing, empty, foreign, garbage or truncated file, or another schema version, raises
    :class:`IncompatibleDatabase` with one line; an empty file is not an empty campaign."""
    p = Path(path)
    if not p.exists():
        raise IncompatibleDatabase(f"{path}: no such database")
    if not p.is_file():
        raise IncompatibleDatabase(f"{path}: is a folder, not a database file")
    if p.stat().st_size == 0:
        raise _not_ours(path, "empty file")
    _check_existing(p, "schema_version")
    try:
        conn = sqlite3.connect(_ro_uri(p), uri=True, timeout=30)
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row[0] != str(SCHEMA_VERSION):
            conn.close()
            raise IncompatibleDatabase(f"{path}: schema version {row[0]}, this kvsched reads version "
                                       f"{SCHEMA_VERSION}; use a new database file")
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = sorted({"cells", "witnesses"} - names)
        if missing:
            conn.close()
            raise _not_ours(path, f"no {missing[0]} table")
        conn.execute("SELECT COUNT(*) FROM cells").fetchone()  # reads the table: a truncated file fails here
    except sqlite3.DatabaseError as exc:
        raise _not_ours(path, f"SQLite: {exc}") from None
    return conn


def plan(conn: sqlite3.Connection, campaign: str, cells) -> None:
    with conn:
        conn.execute("BEGIN")
        conn.executemany("INSERT OR IGNORE INTO cells (cell_id, campaign, params, status) VALUES (?, ?, ?, 'pending')",
                         [(c.cell_id, campaign, json.dumps(c.params, sort_keys=True)) for c in cells])


def unfinished(conn: sqlite3.Connection, cells) -> list:
    done = {r[0] for r in conn.execute("SELECT cell_id FROM cells WHERE status = 'done'")}
    return [c for c in cells if c.cell_id not in done]


def record_result(conn: sqlite3.Connection, result: dict) -> bool:
    """Store a finished cell and its improving witnesses in one transaction; False if it was already done."""
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        cur = conn.execute(
            "UPDATE cells SET status = 'done', attempts = attempts + 1, best_ratio = ?, proof = ?, witness = ?, "
            "evaluations = ?, seconds = ?, error = NULL, finished_at = ? WHERE cell_id = ? AND status != 'done'",
            (result["best_ratio"], result["proof"], json.dumps(result["witness"]) if result["witness"] else None,
             result["evaluations"], result["seconds"], time.time(), result["cell_id"]))
        if cur.rowcount == 0:
            return False
        conn.executemany("INSERT OR IGNORE INTO witnesses VALUES (?, ?, ?, ?)",
                         [(result["cell_id"], i, w["ratio"], json.dumps(w)) for i, w in enumerate(result["witnesses"])])
        conn.executemany("INSERT OR IGNORE INTO liveness VALUES (?, ?, ?)",
                         [(result["cell_id"], i, json.dumps(w)) for i, w in enumerate(result.get("liveness", ()))])
    return True


def liveness_witnesses(conn: sqlite3.Connection) -> list[tuple[str, int, dict]]:
    """Every stored liveness witness as ``(cell_id, seq, witness dict)``, by cell and order; none if the
    database predates the ``liveness`` table."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "liveness" not in names:
        return []
    return [(cid, seq, json.loads(w)) for cid, seq, w in
            conn.execute("SELECT cell_id, seq, witness FROM liveness ORDER BY cell_id, seq")]


def record_failure(conn: sqlite3.Connection, cell_id: str, error: str) -> None:
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE cells SET status = 'failed', attempts = attempts + 1, error = ?, finished_at = ? "
                     "WHERE cell_id = ? AND status != 'done'", (error, time.time(), cell_id))


def status_counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = {"pending": 0, "done": 0, "failed": 0}
    for status, count in conn.execute("SELECT status, COUNT(*) FROM cells GROUP BY status"):
        counts[status] = count
    return counts


def export_csv(conn: sqlite3.Connection) -> str:
    """Every cell as one CSV row: its result columns, then its parameters."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    columns = ["cell_id", "campaign", "status", "attempts", "best_ratio", "proof", "evaluations", "seconds", "error"]
    params_keys = ["policy", "options", "n", "M", "s", "l", "u", "strategy", "benchmark", "budget", "seed"]
    writer.writerow(columns + params_keys)
    for row in conn.execute(f"SELECT {', '.join(columns)}, params FROM cells ORDER BY cell_id"):
        params = json.loads(row[-1])
        writer.writerow(list(row[:-1]) + [json.dumps(params[k]) if k == "options" else params[k] for k in params_keys])
    return buf.getvalue()
