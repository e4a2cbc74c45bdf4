"""Persistence: SQLAlchemy 2 tables, Alembic migrations and the repositories over them.

SQLite (a file under ``./var/``) is the embedded default; PostgreSQL runs the same code. The
store knows the domain records (:mod:`tanzuji.factors`) but nothing of the server or the CLI.
"""
