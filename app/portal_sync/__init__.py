"""Pushing dossiers and their progress to the national public service portal through an outbox."""
