"""Rate limits that hold across every worker: the `limits` package's strategies over Redis or the database."""
