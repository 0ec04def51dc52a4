"""Keel's pure domain engine: scheduling, calendars, earned value, Monte Carlo, health rules.

Nothing here imports Django or any outer Keel layer (enforced by import-linter).
Inputs and outputs are frozen dataclasses; time and randomness are passed in.
"""

__all__: list[str] = []
