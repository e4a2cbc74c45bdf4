"""Data exchange: the PACT v3 data model, results mapped to it, the EU battery declaration."""
