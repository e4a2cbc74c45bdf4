"""Government green procurement: carbon criteria for a product category and the screening of
bidders' certified products against them, answered with a signed, ledger-recorded record
(docs/scenarios.md). The rules here are pure; ``store/procurement_db.py`` applies them."""
