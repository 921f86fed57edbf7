"""Signed e-results: the province signs each result PDF (PAdES) and anyone can check it is genuine."""
