"""Where documents' bytes live: one interface, a local-filesystem backend and an S3-compatible one."""
