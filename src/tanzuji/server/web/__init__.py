"""The web interface: server-rendered zh/en pages, mounted by create_app (see pages.py)."""
