"""Settings profiles: dev (embedded SQLite), test (PostgreSQL), prod (environment)."""
