"""The one error the core raises at a request it will not carry out."""


class Refused(ValueError):
    """A command or payload refused, with a stable code for clients and a message for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}
