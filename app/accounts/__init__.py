"""Citizens, staff, sign-in codes and sessions."""
