"""A citizen's documents: uploads, checks, storage and their attachment to dossiers."""
