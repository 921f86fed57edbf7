"""Assisted filing: an officer files a dossier at the counter for a citizen who walks in."""
