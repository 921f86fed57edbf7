"""Citizens' satisfaction ratings of finished dossiers and the centre managers' answers."""
