"""The results store: every SQLite file the toolkit keeps, a campaign's results database, an agreement grid's
results file and the parent table's trials file, is opened, versioned, written and read here.

One set of rules for all three:

- **Files.** SQLite in WAL mode. An existing, non-empty file must already be one of ours (an SQLite file with a
  ``meta`` table holding the schema's key), checked read-only before anything is written: a foreign, garbage or
  truncated file is refused untouched. A read-only reader (:func:`open_readonly`) never writes, not even the
  ``-wal``/``-shm`` files of a database that has none.
- **Schema versions.** The ``meta`` row named by :attr:`Schema.key` (``schema_version`` for a campaign,
  ``agreement_schema`` for an agreement grid, ``parent_table_schema`` for the parent table) holds the version.
  A new file gets the schema's tables in one transaction; a file of another version is refused with one line
  naming the file and the rule. Migration is explicit and additive only: a table in :attr:`Schema.additive` was
  added within its version (the campaign's ``liveness`` table, version 1): a writer creates it on an older
  file, a reader treats it as empty.
- **Writes.** One transaction per result (:func:`transaction`): an interrupted run loses only the results in
  flight, never half of one.
- **Resume.** A campaign cell is run again until it is ``done`` (:func:`unfinished`); an agreement point is run
  again unless its stored result is closed or stayed open on at least the new budget (:func:`settled`); a
  parent-table trial is run again unless it is stored ``optimal``, or was run by the same solver with at least
  the new limit (:func:`trial_settled`).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from pathlib import Path

from models.errors import InvalidInput
from verify.campaign.points import AgreementVerdict, GridPoint, PointResult
from verify.campaign.spec import Cell

SQLITE_HEADER = b"SQLite format 3\x00"


class IncompatibleDatabase(InvalidInput, RuntimeError):
    """A file that is not a results store of this kvsched: missing, a folder, foreign, garbage, truncated, or of
    another schema version. The message is one line naming the file and the rule."""


@dataclass(frozen=True)
class Schema:
    """A kind of results file.

    ``key``: the ``meta`` row holding the version; ``tables``: the ``CREATE TABLE`` statements of a new file;
    ``additive``: tables added within this version (``CREATE TABLE IF NOT EXISTS``, run by every writer);
    ``required``: the tables a reader needs (the first one is read through, so a truncated file fails at once).
    """

    key: str
    version: int
    tables: tuple[str, ...]
    additive: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


class CellStatus(StrEnum):
    """A campaign cell's status: ``pending`` (planned), ``done`` (its result is stored) or ``failed`` (its task
    raised, or its worker died more than ``retries`` times; the next run tries it again)."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


CAMPAIGN = Schema("schema_version", 1, (
    """CREATE TABLE cells (
            cell_id TEXT PRIMARY KEY, campaign TEXT NOT NULL, params TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0, best_ratio TEXT, proof TEXT, witness TEXT,
            evaluations INTEGER, seconds REAL, error TEXT, finished_at REAL)""",
    """CREATE TABLE witnesses (
            cell_id TEXT NOT NULL REFERENCES cells(cell_id), seq INTEGER NOT NULL, ratio TEXT NOT NULL,
            witness TEXT NOT NULL, PRIMARY KEY (cell_id, seq))""",
), additive=(
    """CREATE TABLE IF NOT EXISTS liveness (
            cell_id TEXT NOT NULL REFERENCES cells(cell_id), seq INTEGER NOT NULL, witness TEXT NOT NULL,
            PRIMARY KEY (cell_id, seq))""",
), required=("cells", "witnesses"))
"""A campaign's results database: ``cells`` (one row per planned cell: its status, attempts, best ratio, proof
status, best witness as replayable MODEL.md JSON, the error of a failed cell), ``witnesses`` (every improving
witness of every cell, in order) and ``liveness`` (every certified liveness witness, MODEL.md *Witness files*)."""

AGREEMENT = Schema("agreement_schema", 1, ("""CREATE TABLE points (
            strategy TEXT NOT NULL, policy TEXT NOT NULL, n INTEGER NOT NULL, u INTEGER NOT NULL,
            l INTEGER NOT NULL, s INTEGER NOT NULL, M INTEGER NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('agree', 'disagree', 'open')),
            proved TEXT NOT NULL, exhaustive TEXT NOT NULL, seconds REAL NOT NULL, budget REAL NOT NULL,
            finished_at REAL NOT NULL, PRIMARY KEY (strategy, policy, n, u, l, s, M))""",), required=("points",))
"""An agreement grid's results file: ``points``, one row per (strategy, point), its latest result."""

PARENT_TRIAL_FIELDS = ("set", "seed", "n", "M", "hsf", "status", "lower", "upper", "solver", "seconds",
                       "amin@1", "amin@1/2", "amin@1/4", "amax@1", "amax@1/2", "amax@1/4",
                       "fcfs-recompute@1", "fcfs-recompute@1/2", "fcfs-recompute@1/4")
"""The fields of a parent-table trial (``verify.benchmarks.parent.PARENT_FIELDS``), one column each in
:data:`PARENT_TABLE`: the arrival set, the seed, n and M, H-SF's TEL, OPT's status, lower and upper bound, the
solver that ran and its seconds (text, as reported), and each online policy's TEL at each interval ratio α."""

_PARENT_TEXT = frozenset({"set", "status", "solver", "seconds"})
"""The fields stored as text; every other field of :data:`PARENT_TRIAL_FIELDS` is an exact integer."""

PARENT_TABLE = Schema("parent_table_schema", 1, ("""CREATE TABLE trials (
            "set" TEXT NOT NULL, seed INTEGER NOT NULL, n INTEGER NOT NULL, M INTEGER NOT NULL,
            hsf INTEGER NOT NULL, status TEXT NOT NULL, lower INTEGER NOT NULL, upper INTEGER NOT NULL,
            solver TEXT NOT NULL, seconds TEXT NOT NULL,
            "amin@1" INTEGER NOT NULL, "amin@1/2" INTEGER NOT NULL, "amin@1/4" INTEGER NOT NULL,
            "amax@1" INTEGER NOT NULL, "amax@1/2" INTEGER NOT NULL, "amax@1/4" INTEGER NOT NULL,
            "fcfs-recompute@1" INTEGER NOT NULL, "fcfs-recompute@1/2" INTEGER NOT NULL,
            "fcfs-recompute@1/4" INTEGER NOT NULL,
            requested_solver TEXT NOT NULL, limit_seconds REAL NOT NULL, finished_at REAL NOT NULL,
            PRIMARY KEY ("set", seed))""",), required=("trials",))
"""The parent table's trials file (``kvsched bench parent-table --db``): ``trials``, one row per (arrival set,
seed), its latest result: the fields of :data:`PARENT_TRIAL_FIELDS` (TELs and bounds as exact integers), the
solver asked for (``requested_solver``, e.g. ``auto``; ``solver`` is the one that ran) and the OPT limit in
seconds it ran with (``limit_seconds``)."""

# --- opening a file --------------------------------------------------------------------------------------------

def _ro_uri(path: Path) -> str:
    """A read-only URI. Without a ``-wal`` file beside it, everything is in the main file: ``immutable=1``
    then reads it without creating ``-shm``/``-wal`` files; with one (a live WAL database) plain ``mode=ro``."""
    wal = path.with_name(path.name + "-wal")
    return f"{path.resolve().as_uri()}?mode=ro" + ("" if wal.exists() else "&immutable=1")


def _not_ours(path: str | Path, why: str) -> IncompatibleDatabase:
    return IncompatibleDatabase(f"{path}: not a kvsched database ({why}); nothing was changed")


def _other_version(path: str | Path, found: str, schema: Schema) -> IncompatibleDatabase:
    return IncompatibleDatabase(f"{path}: schema version {found}, this kvsched reads version {schema.version}; "
                                "use a new database file")


def table_names(conn: sqlite3.Connection) -> set[str]:
    """The names of the tables in an open file.

    Parameters
    ----------
    conn : sqlite3.Connection
        An open results file.

    Returns
    -------
    set of str
        Its table names.
    """
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


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
            if "meta" not in table_names(conn):
                raise _not_ours(path, "no meta table: another program's SQLite file")
            if conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone() is None:
                raise _not_ours(path, f"no {key} in its meta table")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _not_ours(path, f"SQLite: {exc}") from None


def open_store(path: str | Path, schema: Schema) -> sqlite3.Connection:
    """A results file opened for writing, created with ``schema``'s tables if it is new.

    Parameters
    ----------
    path : str or Path
        The SQLite file; created if missing or empty.
    schema : Schema
        Its kind (:data:`CAMPAIGN`, :data:`AGREEMENT` or :data:`PARENT_TABLE`).

    Returns
    -------
    sqlite3.Connection
        In WAL mode and autocommit (write with :func:`transaction`); ``schema``'s additive tables exist.

    Raises
    ------
    IncompatibleDatabase
        A folder, a file that is not one of ours (checked read-only before anything is written), or a file
        of another schema version.
    """
    p = Path(path)
    if p.is_dir():
        raise IncompatibleDatabase(f"{path}: is a folder, not a database file")
    if p.exists() and p.stat().st_size > 0:
        _check_existing(p, schema.key)
    try:
        return _open_store(path, schema)
    except sqlite3.DatabaseError as exc:
        raise IncompatibleDatabase(f"{path}: cannot open as a kvsched database (SQLite: {exc})") from None


def _open_store(path: str | Path, schema: Schema) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (schema.key,)).fetchone()
    if row is None:
        with transaction(conn, immediate=False):
            conn.execute("INSERT INTO meta VALUES (?, ?)", (schema.key, str(schema.version)))
            for table in schema.tables:
                conn.execute(table)
    elif row[0] != str(schema.version):
        conn.close()
        raise _other_version(path, row[0], schema)
    for table in schema.additive:  # the explicit migration: tables added within this version
        conn.execute(table)
    return conn


def open_readonly(path: str | Path, schema: Schema) -> sqlite3.Connection:
    """A results file opened read-only: the file is never written, and no ``-wal``/``-shm`` file is created.

    Parameters
    ----------
    path : str or Path
        The SQLite file.
    schema : Schema
        Its kind; its ``required`` tables must exist (its ``additive`` ones need not).

    Returns
    -------
    sqlite3.Connection
        A read-only connection.

    Raises
    ------
    IncompatibleDatabase
        A missing, empty, foreign, garbage or truncated file (an empty file is not an empty store), a folder,
        another schema version, or a required table missing: one line.
    """
    p = Path(path)
    if not p.exists():
        raise IncompatibleDatabase(f"{path}: no such database")
    if not p.is_file():
        raise IncompatibleDatabase(f"{path}: is a folder, not a database file")
    if p.stat().st_size == 0:
        raise _not_ours(path, "empty file")
    _check_existing(p, schema.key)
    try:
        conn = sqlite3.connect(_ro_uri(p), uri=True, timeout=30)
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (schema.key,)).fetchone()
        if row[0] != str(schema.version):
            conn.close()
            raise _other_version(path, row[0], schema)
        missing = sorted(set(schema.required) - table_names(conn))
        if missing:
            conn.close()
            raise _not_ours(path, f"no {missing[0]} table")
        if schema.required:  # reads a table through: a truncated file fails here
            conn.execute(f"SELECT COUNT(*) FROM {schema.required[0]}").fetchone()
    except sqlite3.DatabaseError as exc:
        raise _not_ours(path, f"SQLite: {exc}") from None
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection, *, immediate: bool = True) -> Iterator[sqlite3.Connection]:
    """One transaction: committed when the block ends, rolled back if it raises.

    Parameters
    ----------
    conn : sqlite3.Connection
        A connection from :func:`open_store`.
    immediate : bool
        Take the write lock at once (``BEGIN IMMEDIATE``, every result write) or at the first write.

    Returns
    -------
    contextmanager
        Yields ``conn``.
    """
    with conn:
        conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        yield conn


# --- a campaign's results database ----------------------------------------------------------------------------

def open_campaign(path: str | Path) -> sqlite3.Connection:
    """A campaign's results database, opened for writing (:func:`open_store` with :data:`CAMPAIGN`).

    Parameters
    ----------
    path : str or Path
        The SQLite file; created if missing.

    Returns
    -------
    sqlite3.Connection
        The open database, its ``liveness`` table created if it predates it.

    Raises
    ------
    IncompatibleDatabase
        Not a campaign database, or of another schema version.
    """
    return open_store(path, CAMPAIGN)


def open_campaign_readonly(path: str | Path) -> sqlite3.Connection:
    """A campaign's results database opened read-only (``status``, ``export``, ``report --from``).

    Parameters
    ----------
    path : str or Path
        The SQLite file.

    Returns
    -------
    sqlite3.Connection
        A read-only connection; the file is never written.

    Raises
    ------
    IncompatibleDatabase
        Missing, empty, foreign, garbage, truncated, or of another schema version: one line.
    """
    return open_readonly(path, CAMPAIGN)


def plan(conn: sqlite3.Connection, campaign: str, cells: Iterable[Cell]) -> None:
    """Plan cells as ``pending`` in one transaction; a cell already planned (any status) is left as it is.

    Parameters
    ----------
    conn : sqlite3.Connection
        The open database.
    campaign : str
        The SPEC's name.
    cells : iterable of Cell
        The SPEC's cells.
    """
    with transaction(conn, immediate=False):
        conn.executemany("INSERT OR IGNORE INTO cells (cell_id, campaign, params, status) VALUES (?, ?, ?, 'pending')",
                         [(c.cell_id, campaign, json.dumps(c.params, sort_keys=True)) for c in cells])


def unfinished(conn: sqlite3.Connection, cells: Iterable[Cell]) -> list[Cell]:
    """The resume rule of a campaign: every cell that is not ``done`` (pending, failed, or not planned yet).

    Parameters
    ----------
    conn : sqlite3.Connection
        The open database.
    cells : iterable of Cell
        The SPEC's cells.

    Returns
    -------
    list of Cell
        The cells to run, in the given order.
    """
    done = {r[0] for r in conn.execute("SELECT cell_id FROM cells WHERE status = 'done'")}
    return [c for c in cells if c.cell_id not in done]


def record_result(conn: sqlite3.Connection, result: dict) -> bool:
    """Store a finished cell and its improving and liveness witnesses in one transaction.

    Parameters
    ----------
    conn : sqlite3.Connection
        The open database.
    result : dict
        What :func:`verify.campaign.run.run_cell` returned (a result without a ``liveness`` key, from an older
        worker, has none).

    Returns
    -------
    bool
        False if the cell was already done (nothing is written).
    """
    with transaction(conn):
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


def record_failure(conn: sqlite3.Connection, cell_id: str, error: str) -> None:
    """Mark a cell that is not done ``failed`` with its error, in one transaction.

    Parameters
    ----------
    conn : sqlite3.Connection
        The open database.
    cell_id : str
        The cell.
    error : str
        The error, as stored.
    """
    with transaction(conn):
        conn.execute("UPDATE cells SET status = 'failed', attempts = attempts + 1, error = ?, finished_at = ? "
                     "WHERE cell_id = ? AND status != 'done'", (error, time.time(), cell_id))


def status_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Cells per status.

    Parameters
    ----------
    conn : sqlite3.Connection
        The open database.

    Returns
    -------
    dict
        ``pending``, ``done`` and ``failed`` (0 when none), then any other stored status.
    """
    counts = {s.value: 0 for s in CellStatus}
    for status, count in conn.execute("SELECT status, COUNT(*) FROM cells GROUP BY status"):
        counts[status] = count
    return counts


def done_cells(conn: sqlite3.Connection) -> list[tuple[str, str | None, str | None]]:
    """Every done cell as ``(params JSON, best ratio, proof status)``, in stored order.

    Parameters
    ----------
    conn : sqlite3.Connection
        The open database.

    Returns
    -------
    list of tuple
        One row per done cell.
    """
    return conn.execute("SELECT params, best_ratio, proof FROM cells WHERE status = 'done'").fetchall()


def report_rows(conn: sqlite3.Connection) -> list[tuple]:
    """Every cell as a row of ``kvsched report --from``, by campaign and parameters.

    Parameters
    ----------
    conn : sqlite3.Connection
        The open database.

    Returns
    -------
    list of tuple
        ``(cell_id, campaign, params, status, best_ratio, proof, witness, error, seconds)`` per cell.
    """
    return conn.execute("SELECT cell_id, campaign, params, status, best_ratio, proof, witness, error, seconds "
                        "FROM cells ORDER BY campaign, params").fetchall()


def liveness_witnesses(conn: sqlite3.Connection) -> list[tuple[str, int, dict]]:
    """Every stored liveness witness, by cell and order.

    Parameters
    ----------
    conn : sqlite3.Connection
        The open database (read-only or not).

    Returns
    -------
    list of tuple
        ``(cell_id, seq, witness dict)``; none if the database predates the ``liveness`` table.
    """
    if "liveness" not in table_names(conn):
        return []
    return [(cid, seq, json.loads(w)) for cid, seq, w in
            conn.execute("SELECT cell_id, seq, witness FROM liveness ORDER BY cell_id, seq")]


EXPORT_COLUMNS = ("cell_id", "campaign", "status", "attempts", "best_ratio", "proof", "evaluations", "seconds", "error")
EXPORT_PARAMS = ("policy", "options", "n", "M", "s", "l", "u", "strategy", "benchmark", "budget", "seed")


def export_csv(conn: sqlite3.Connection) -> str:
    """Every cell as one CSV row: its result columns, then its parameters (``options`` as JSON).

    Parameters
    ----------
    conn : sqlite3.Connection
        The open database.

    Returns
    -------
    str
        The CSV text, header first, cells by ``cell_id``.
    """
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(EXPORT_COLUMNS + EXPORT_PARAMS)
    for row in conn.execute(f"SELECT {', '.join(EXPORT_COLUMNS)}, params FROM cells ORDER BY cell_id"):
        params = json.loads(row[-1])
        writer.writerow(list(row[:-1]) + [json.dumps(params[k]) if k == "options" else params[k]
                                          for k in EXPORT_PARAMS])
    return buf.getvalue()


class _FileStore:
    """A results file of one :class:`Schema` (the class attribute ``schema``), opened by :func:`open_store`.

    Parameters
    ----------
    path : str or Path
        The SQLite file; created if missing.

    Raises
    ------
    IncompatibleDatabase
        Not a file of this kind, or of another schema version.
    """

    schema: Schema

    def __init__(self, path: str | Path) -> None:
        self.conn = open_store(path, self.schema)

    def close(self) -> None:
        """Close the file."""
        self.conn.close()


# --- an agreement grid's results file ---------------------------------------------------------------------------

class AgreementStore(_FileStore):
    """An agreement grid's results file: one row per (strategy, point), its latest result.

    Parameters
    ----------
    path : str or Path
        The SQLite file; created if missing.

    Raises
    ------
    IncompatibleDatabase
        Not an agreement results file, or of another schema version.
    """

    schema = AGREEMENT

    def get(self, strategy: str, point: GridPoint) -> PointResult | None:
        """The stored result of ``point`` for ``strategy``.

        Parameters
        ----------
        strategy : str
            The proving strategy.
        point : GridPoint
            The point.

        Returns
        -------
        PointResult or None
            Its latest result, or ``None`` if it has none.
        """
        row = self.conn.execute(
            "SELECT verdict, proved, exhaustive, seconds, budget FROM points WHERE strategy = ? AND policy = ? "
            "AND n = ? AND u = ? AND l = ? AND s = ? AND M = ?",
            (strategy, point.policy, point.n, point.u, point.l, point.s, point.M)).fetchone()
        if row is None:
            return None
        verdict, proved, exhaustive, seconds, budget = row
        return PointResult(point, strategy, verdict, Fraction(proved), Fraction(exhaustive), seconds, budget)

    def record(self, result: PointResult) -> None:
        """Store a result in one transaction, replacing the point's previous result for its strategy.

        Parameters
        ----------
        result : PointResult
            The result.
        """
        p = result.point
        with transaction(self.conn):
            self.conn.execute("INSERT OR REPLACE INTO points VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              (result.strategy, p.policy, p.n, p.u, p.l, p.s, p.M, result.verdict.value,
                               str(result.proved), str(result.exhaustive), result.seconds, result.budget,
                               time.time()))

def settled(previous: PointResult | None, budget: float) -> bool:
    """The resume rule of an agreement grid: nothing is gained by running a point again.

    Parameters
    ----------
    previous : PointResult or None
        Its stored result, if any.
    budget : float
        The budget it would run on now.

    Returns
    -------
    bool
        True if it is closed, or stayed open on at least ``budget``.
    """
    return previous is not None and (previous.verdict != AgreementVerdict.OPEN or previous.budget >= budget)


# --- the parent table's trials file -----------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredTrial:
    """A stored parent-table trial: its ``row`` (the fields of :data:`PARENT_TRIAL_FIELDS`, every value as text,
    as ``verify.benchmarks.parent.parent_trial`` returns it), and the ``solver`` asked for and the ``limit``
    (seconds of OPT) it was run with."""

    row: dict[str, str]
    solver: str
    limit: float


_TRIAL_COLUMNS = ", ".join(f'"{f}"' for f in PARENT_TRIAL_FIELDS)


class ParentStore(_FileStore):
    """The parent table's trials file: one row per (arrival set, seed), its latest result.

    Parameters
    ----------
    path : str or Path
        The SQLite file; created if missing.

    Raises
    ------
    IncompatibleDatabase
        Not a parent-table trials file (a campaign database, an agreement results file, another program's
        file, garbage), or of another schema version.
    """

    schema = PARENT_TABLE

    def get(self, which: str, seed: int) -> StoredTrial | None:
        """The stored trial of ``(which, seed)``.

        Parameters
        ----------
        which : str
            The arrival set (``zero`` or ``poisson``).
        seed : int
            The trial's seed.

        Returns
        -------
        StoredTrial or None
            Its latest result, or ``None`` if it has none.
        """
        row = self.conn.execute(f'SELECT {_TRIAL_COLUMNS}, requested_solver, limit_seconds FROM trials '
                                f'WHERE "set" = ? AND seed = ?', (which, seed)).fetchone()
        if row is None:
            return None
        return StoredTrial({f: str(v) for f, v in zip(PARENT_TRIAL_FIELDS, row)}, row[-2], row[-1])

    def trials(self) -> list[StoredTrial]:
        """Every stored trial, by arrival set and seed.

        Returns
        -------
        list of StoredTrial
            One per stored (arrival set, seed).
        """
        return [StoredTrial({f: str(v) for f, v in zip(PARENT_TRIAL_FIELDS, row)}, row[-2], row[-1])
                for row in self.conn.execute(f'SELECT {_TRIAL_COLUMNS}, requested_solver, limit_seconds '
                                             f'FROM trials ORDER BY "set", seed')]

    def record(self, row: dict[str, str], solver: str, limit: float) -> None:
        """Store a trial in one transaction, replacing the previous result of its (arrival set, seed).

        Parameters
        ----------
        row : dict of str to str
            The trial's row: exactly the fields of :data:`PARENT_TRIAL_FIELDS`, as text; the integer fields
            (seed, n, M, TELs, bounds) are stored as exact integers.
        solver : str
            The solver asked for (``auto`` or one solver).
        limit : float
            Seconds of OPT the trial was run with.

        Raises
        ------
        models.errors.InvalidInput
            ``row``'s fields are not those of :data:`PARENT_TRIAL_FIELDS`, or an integer field is not an integer.
        """
        if set(row) != set(PARENT_TRIAL_FIELDS):
            raise InvalidInput(f"parent trial: fields must be {', '.join(PARENT_TRIAL_FIELDS)}, "
                               f"got {', '.join(row)}")
        values = []
        for f in PARENT_TRIAL_FIELDS:
            if f in _PARENT_TEXT:
                values.append(str(row[f]))
                continue
            try:
                values.append(int(row[f]))
            except (TypeError, ValueError):
                raise InvalidInput(f"parent trial: {f} must be an integer, got {row[f]!r}") from None
        with transaction(self.conn):
            self.conn.execute(f"INSERT OR REPLACE INTO trials ({_TRIAL_COLUMNS}, requested_solver, limit_seconds, "
                              f"finished_at) VALUES ({', '.join('?' * (len(PARENT_TRIAL_FIELDS) + 3))})",
                              (*values, solver, float(limit), time.time()))

def trial_settled(previous: StoredTrial | None, solver: str, limit: float) -> bool:
    """The resume rule of the parent table: nothing is gained by running a trial again.

    A trial stored ``optimal`` is settled whatever it was run with; otherwise it is settled when it was run by
    the same ``solver`` with a limit of at least ``limit``. A trial that stayed ``unknown`` on a smaller limit,
    or was run by another solver, is run again and its row replaced.

    Parameters
    ----------
    previous : StoredTrial or None
        Its stored result, if any.
    solver : str
        The solver it would run with now.
    limit : float
        The limit (seconds of OPT) it would run with now.

    Returns
    -------
    bool
        True if it need not run again.
    """
    if previous is None:
        return False
    return previous.row["status"] == "optimal" or (previous.solver == solver and previous.limit >= limit)
