"""``python -m pipeline demo``: the whole pipeline on an embedded moto server, checked."""
