"""Label certification (CNCA pilot): bodies, impartiality, the case workflow, certificates,
credit records, peer review, anti-fraud flags and the public registry.

The modules named for a rule (``bodies``, ``impartiality``, ``workflow``, ``certificates``,
``credit``, ``peer``, ``flags``) are pure: no database, easy to test. ``store.certification_db``
applies them in transactions, and ``registry`` answers the public.
"""
