"""Hypothesis profiles: thorough by default (CI), ``FAST=1`` quick, ``LONG=1`` long."""

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
settings.register_profile(  # LONG=1: ten times the thorough one, for a long run
    "long",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
if os.environ.get("FAST") == "1":
    settings.load_profile("fast")
elif os.environ.get("LONG") == "1":
    settings.load_profile("long")
else:
    settings.load_profile("thorough")
