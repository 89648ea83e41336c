"""Compliance rulebooks: legal rules as versioned data, and the engine that
evaluates a dataset against them (``engine``), with the check kinds a rule
may use (``checks``). The Decree 47/2020 rulebook ships in ``rulebooks/``."""
