"""Hypothesis settings profiles, chosen by the environment variable KVSCHED_PROFILE.

``ci`` (default): the whole suite in a few minutes on 2 cores. ``deep``: many more examples, for overnight
runs. The example database stays on, so a failure found once is replayed first the next time.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "deep", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("KVSCHED_PROFILE", "ci"))
