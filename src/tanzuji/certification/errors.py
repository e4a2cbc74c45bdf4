"""The one error the certification rules raise: what was refused, and the field at fault."""

from __future__ import annotations


class CertificationError(ValueError):
    """An action the rules do not allow; ``field`` names the input at fault where there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
