"""HiGHS's C-level prints go to stderr, never into stdout (where ``--json`` goes)."""

import os
import subprocess
import sys
import textwrap


def test_c_level_stdout_goes_to_stderr_while_highs_runs():
    # In a child process without PYTHONUNBUFFERED, so C stdio buffers stdout the way it does for a user piping
    # `kvsched opt --json` into a file: what C prints inside the block must reach stderr, what it printed
    # before must stay on stdout.
    code = textwrap.dedent("""
        import ctypes, os
        from verify.opt.highs_stdout import c_stdout_to_stderr
        libc = ctypes.CDLL(None)
        libc.printf(b"before\\n")
        with c_stdout_to_stderr():
            libc.printf(b"inside\\n")
            os.write(1, b"fd-level\\n")
        print("python-level", flush=True)
    """)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert sorted(done.stdout.split()) == ["before", "python-level"]
    assert sorted(done.stderr.split()) == ["fd-level", "inside"]
