"""Who read my papers: every staff access to a citizen's dossiers and documents, shown to that citizen."""
