"""Numbered SQL migrations, one folder per dialect, applied in order and recorded in schema_migrations."""
