"""Dossiers (applications): lifecycle, deadlines, timeline and live tracking."""
