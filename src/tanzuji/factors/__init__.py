"""The background factor database's domain: records, file formats, review and cross-validation.

Nothing here touches storage; :mod:`tanzuji.store` persists these records.
"""
