"""Dossier drafts: form answers kept on the server until submitted, discarded or expired."""
