"""Centres and administrative procedures: the public catalogue."""
