"""Second acceptance set: department files in layouts the first set does not use (see README.md)."""
