"""The platform's HTTP server: FastAPI app, JSON API, users, roles and confidentiality."""
