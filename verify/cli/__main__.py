"""``python -m verify.cli``: the ``kvsched`` command line."""

from verify.cli import main

raise SystemExit(main())
