"""Declarations of a calculated study: the GB/T 24067 / ISO 14067 CFP declaration (DECL-01..03)."""
