"""Acting for someone: grants from a citizen to another, and actions taken under them."""
