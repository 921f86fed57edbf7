"""Quang Ninh public administration service backend."""
