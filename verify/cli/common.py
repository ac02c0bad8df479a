"""What every ``kvsched`` subcommand shares: the usage error, the policy flags, and argparse types and checks
for numbers, fractions, lists, output paths and a Dask scheduler's address. A bad value is one line
``flag: rule`` and exit status 2."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from models.errors import InvalidInput
from models.feasibility import ADMISSION_RULES
from models.schedulers import POLICIES
from models.schedulers.a_min import EVICTION_ORDERS
from models.witness import POLICY_SYNTAX
from verify.oneline_parser import seconds


class UsageError(InvalidInput):
    """Bad command-line input; printed as one line, exit status 2."""


def policy_options(args: argparse.Namespace) -> dict[str, Any]:
    """The policy options the user set on the command line; make_scheduler rejects those the policy does not have.

    Parameters
    ----------
    args : argparse.Namespace
        Flags of :func:`add_policy_arguments` (``--option``, ``--admission``, ``--eviction``).

    Returns
    -------
    dict
        Option name to value, only those given (``--admission``/``--eviction`` over an ``--option`` of the
        same name).
    """
    options = dict(getattr(args, "option", None) or [])
    if args.admission is not None:
        options["admission"] = args.admission
    if args.eviction is not None:
        options["eviction"] = args.eviction
    return options


def option_pair(text: str) -> tuple[str, Any]:
    """An argparse type for ``--option key=value``: any named option of the policy.

    For example vllm-v1's ``max_num_seqs=2``, ``watermark=1/100``, ``priority=true``; sglang's ``policy=lof``.
    A value of decimal digits is an integer, ``none`` is None (unbounded), ``true``/``false`` a boolean,
    anything else a string (exact fractions such as ``1/100`` stay strings; the policy parses them).

    Parameters
    ----------
    text : str
        The flag's value.

    Returns
    -------
    tuple of (str, object)
        ``(key, value)``.

    Raises
    ------
    argparse.ArgumentTypeError
        ``text`` is not ``key=value`` with a Python identifier as key.
    """
    key, sep, value = text.partition("=")
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        raise argparse.ArgumentTypeError(f"must be key=value with an option name as key, got {text!r}")
    if re.fullmatch(r"-?[0-9]+", value):
        return key, int(value)
    return key, {"none": None, "true": True, "false": False}.get(value, value)


def add_policy_arguments(p: argparse.ArgumentParser, user: bool = False) -> None:
    """Add the policy flags: ``--policy``, ``--admission``, ``--eviction`` and repeatable ``--option KEY=VALUE``.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The subcommand's parser.
    user : bool
        ``--policy`` also takes ``module:Class``, a user's scheduler.
    """
    p.add_argument("--policy", default="amin", type=policy_name,
                   help=f"one of {', '.join(POLICIES)}" + (", or module:Class for your own scheduler" if user else ""))
    p.add_argument("--admission", choices=ADMISSION_RULES, help="[reading] greedy admission rule (default stop)")
    p.add_argument("--eviction", choices=tuple(EVICTION_ORDERS), help="[reading] A_min eviction order")
    p.add_argument("--option", action="append", type=option_pair, metavar="KEY=VALUE",
                   help="any named option of the policy, repeatable: e.g. --option max_num_seqs=2 "
                        "--option watermark=1/100 --option priority=true (vllm-v1), --option policy=lof (sglang)")


def int_at_least(minimum: int, flag: str, maximum: int | None = None):
    """An argparse type: an integer in ``[minimum, maximum]``; the error names the flag and the rule.

    Parameters
    ----------
    minimum : int
        The least value.
    flag : str
        The option's name, given to the returned parser as its ``__name__``.
    maximum : int or None
        The largest value (``None``: no upper limit).

    Returns
    -------
    callable
        ``parse(text) -> int``, raising :class:`argparse.ArgumentTypeError` on a bad value.
    """
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            rule = f">= {minimum}" if maximum is None else f"in {minimum}..{maximum}"
            raise argparse.ArgumentTypeError(f"must be an integer {rule}, got {value}")
        return value
    parse.__name__ = flag
    return parse


def policy_name(text: str) -> str:
    """An argparse type for ``--policy``: a built-in policy's name, or ``module:Class`` with Python identifiers.

    Parameters
    ----------
    text : str
        The flag's value.

    Returns
    -------
    str
        ``text`` unchanged.

    Raises
    ------
    argparse.ArgumentTypeError
        ``text`` is neither.
    """
    if text in POLICIES or POLICY_SYNTAX.fullmatch(text):
        return text
    if ":" in text:
        raise argparse.ArgumentTypeError(f"must be module:Class with Python identifiers (e.g. mypkg.mod:MyScheduler), "
                                         f"got {text!r}")
    raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from {', '.join(POLICIES)} or module:Class)")


def output_dir(text: str, flag: str) -> Path:
    """An output folder, checked (and created) before any work starts: not a file, not under a file, writable.

    Parameters
    ----------
    text : str
        The folder.
    flag : str
        The option's name, for the message.

    Returns
    -------
    Path
        The folder, which now exists.

    Raises
    ------
    UsageError
        The path or one of its parents is a file, the folder cannot be created, or it is not writable.
    """
    out = Path(text)
    for parent in (out, *out.parents):
        if parent.exists() and not parent.is_dir():
            what = "is a file" if parent == out else f"is under the file {parent}"
            raise UsageError(f"{flag}: {text} {what}; it must be a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{flag}: cannot create folder {text} ({exc.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"{flag}: folder {text} is not writable")
    return out


def report_dir(text: str) -> Path:
    """A report's folder, checked before the work: not a file, its parent creatable and writable.

    The report is built beside it and renamed into place, so only the parent is created here.

    Parameters
    ----------
    text : str
        The folder (``--out``).

    Returns
    -------
    Path
        The folder (not created).

    Raises
    ------
    UsageError
        The path is a file, or its parent cannot be created or written.
    """
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out: {text} is a file; it must be a folder")
    output_dir(str(out.parent), "--out")
    return out


def output_file(text: str, flag: str) -> Path:
    """An output file, checked before any work starts: not a folder, its folder creatable and writable.

    Parameters
    ----------
    text : str
        The file path.
    flag : str
        The option's name, for the message.

    Returns
    -------
    Path
        The file path (its folder now exists).

    Raises
    ------
    UsageError
        The path is a folder (or ends with a separator), or its folder cannot be created or written.
    """
    path = Path(text)
    if path.is_dir() or text.endswith(("/", "\\")):
        raise UsageError(f"{flag}: {text} is a folder; it must be a file name")
    output_dir(str(path.parent), flag)
    return path


def check_scheduler_address(address: str, timeout: float = 5.0) -> None:
    """``--scheduler``: a Dask address ``tcp://host:port`` that accepts a connection, checked before any work.

    Dask itself would wait 30 s and then raise; this check answers within ``timeout``.

    Parameters
    ----------
    address : str
        The address given (``host:port`` alone is read as ``tcp://host:port``).
    timeout : float
        Seconds to wait for the connection.

    Raises
    ------
    UsageError
        Not an address ``tcp://host:port`` (or ``tls://host:port``), or nothing accepts a connection there.
    """
    import socket
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise UsageError(f"--scheduler: not an address tcp://host:port ({exc}), got {address!r}") from None
    if parts.scheme not in ("tcp", "tls") or not host or port is None:
        raise UsageError(f"--scheduler: must be tcp://host:port (or tls://host:port), got {address!r}")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise UsageError(f"--scheduler: cannot connect to {host}:{port} within {timeout:g}s "
                         f"({exc.strerror or type(exc).__name__})") from None


def fraction_list(flag: str):
    """An argparse type: comma-separated exact fractions (``1,1/2,0.25``), each read by :class:`fractions.Fraction`.

    Parameters
    ----------
    flag : str
        The option's name, given to the returned parser as its ``__name__``.

    Returns
    -------
    callable
        ``parse(text) -> tuple of Fraction``, raising :class:`argparse.ArgumentTypeError` on an item that is
        not a fraction (or has a zero denominator).
    """
    def parse(text: str):
        out = []
        for item in text.split(","):
            try:
                out.append(Fraction(item.strip()))
            except (ValueError, ZeroDivisionError):
                raise argparse.ArgumentTypeError(f"must be comma-separated exact fractions such as 1/2, got {item!r}"
                                                 ) from None
        return tuple(out)
    parse.__name__ = flag
    return parse


def fraction_one(flag: str):
    """An argparse type: one exact fraction (``1/7``, ``0.25``).

    Parameters
    ----------
    flag : str
        The option's name, given to the returned parser as its ``__name__``.

    Returns
    -------
    callable
        ``parse(text) -> Fraction``, raising :class:`argparse.ArgumentTypeError` unless ``text`` is exactly one
        fraction.
    """
    many = fraction_list(flag)

    def parse(text: str):
        values = many(text)
        if len(values) != 1:
            raise argparse.ArgumentTypeError(f"must be one exact fraction, got {text!r}")
        return values[0]
    parse.__name__ = flag
    return parse


def choice_list(flag: str, choices: Sequence[str]):
    """An argparse type: a comma-separated list of names from ``choices``, no repeats.

    Parameters
    ----------
    flag : str
        The option's name, given to the returned parser as its ``__name__``.
    choices : sequence of str
        The names allowed.

    Returns
    -------
    callable
        ``parse(text) -> tuple of str``, raising :class:`argparse.ArgumentTypeError` on an unknown or repeated
        name.
    """
    def parse(text: str) -> tuple[str, ...]:
        items = tuple(x.strip() for x in text.split(","))
        for x in items:
            if x not in choices:
                raise argparse.ArgumentTypeError(f"{x!r} is not one of {', '.join(choices)}")
        if len(set(items)) != len(items):
            raise argparse.ArgumentTypeError(f"names a value twice: {text!r}")
        return items
    parse.__name__ = flag
    return parse


def seconds_list(flag: str):
    """An argparse type: comma-separated finite numbers of seconds > 0 (each as :func:`seconds` checks it).

    Parameters
    ----------
    flag : str
        The option's name, given to the returned parser as its ``__name__``.

    Returns
    -------
    callable
        ``parse(text) -> tuple of float``, raising :class:`argparse.ArgumentTypeError` on a bad item.
    """
    one = seconds(flag)

    def parse(text: str) -> tuple[float, ...]:
        return tuple(one(x.strip()) for x in text.split(","))
    parse.__name__ = flag
    return parse


def int_list(flag: str, minimum: int):
    """An argparse type: comma-separated integers, each at least ``minimum``.

    Parameters
    ----------
    flag : str
        The option's name, given to the returned parser as its ``__name__``.
    minimum : int
        The least value of each item.

    Returns
    -------
    callable
        ``parse(text) -> tuple of int``, raising :class:`argparse.ArgumentTypeError` on a bad item.
    """
    def parse(text: str) -> tuple[int, ...]:
        one = int_at_least(minimum, flag)
        return tuple(one(x.strip()) for x in text.split(","))
    parse.__name__ = flag
    return parse


