from tests.store.conftest import db_url

__all__ = ["db_url"]
