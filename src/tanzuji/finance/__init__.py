"""Green finance: a bank reads a consenting borrower's certified footprints, their trend and
grade, receives them as signed declarations it checks offline, and follows footprint-linked
loan terms (docs/scenarios.md). The rules here are pure; ``store/finance_db.py`` applies them."""
