"""In-memory and loopback stand-ins for external services."""
