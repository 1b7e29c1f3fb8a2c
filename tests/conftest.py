"""Hypothesis profiles: thorough by default (CI), quick with ``FAST=1``."""

import os

from hypothesis import HealthCheck, settings

pytest_plugins = ["pytester"]

settings.register_profile(
    "thorough",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("fast", max_examples=25, deadline=None)
settings.load_profile("fast" if os.environ.get("FAST") == "1" else "thorough")
