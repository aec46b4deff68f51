"""The one exception the parsers raise."""


class ParseError(Exception):
    """Input the parsers cannot read at all (corrupt or encrypted PDF, zip bomb, unsupported binary …).

    ``reason`` is a short, stable, human-readable explanation.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
