"""Consistent backups (database rows + stored files + a checksummed manifest) and restore."""
