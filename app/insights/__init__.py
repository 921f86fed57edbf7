"""Service-quality analytics over dossiers, ratings, payments and appointments, aggregated in SQL."""
