"""What ``kvsched campaign status`` reports about a results database, read without writing to it."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from verify.campaign import store


@dataclass(frozen=True)
class WorstCell:
    """The done cell with the largest exact best ratio: its parameters (JSON text), ratio (text) and proof."""

    params: str
    ratio: str
    proof: str | None


@dataclass(frozen=True)
class CampaignStatus:
    """Cells per status (``pending``, ``done``, ``failed``, and any other stored status), and the worst done cell."""

    counts: dict[str, int]
    worst: WorstCell | None


def campaign_status(path: str | Path) -> CampaignStatus:
    """The status of a campaign's results database.

    Parameters
    ----------
    path : str or Path
        The SQLite results database; opened read-only (:func:`verify.campaign.store.open_campaign_readonly`).

    Returns
    -------
    CampaignStatus
        The cell counts per status, and the done cell with the largest best ratio (compared exactly, as
        :class:`~fractions.Fraction`; a done cell without a ratio counts as 0; the first stored wins a tie),
        or ``None`` if no cell is done.

    Raises
    ------
    verify.campaign.store.IncompatibleDatabase
        The file is missing, not a campaign database, or of another schema version (an ``InvalidInput``).
    """
    conn = store.open_campaign_readonly(path)
    try:
        counts = store.status_counts(conn)
        done = store.done_cells(conn)
    finally:
        conn.close()
    if not done:
        return CampaignStatus(counts, None)
    params, ratio, proof = max(done, key=lambda r: Fraction(r[1]) if r[1] else Fraction(0))
    return CampaignStatus(counts, WorstCell(params, ratio, proof))


def export_csv(path: str | Path) -> str:
    """Every cell of a campaign's results database as CSV (:func:`verify.campaign.store.export_csv`).

    Parameters
    ----------
    path : str or Path
        The SQLite results database; opened read-only.

    Returns
    -------
    str
        The CSV text, header first.

    Raises
    ------
    verify.campaign.store.IncompatibleDatabase
        The file is missing, not a campaign database, or of another schema version.
    """
    conn = store.open_campaign_readonly(path)
    try:
        return store.export_csv(conn)
    finally:
        conn.close()
