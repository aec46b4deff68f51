"""Network failures as one log line each: no Scrapy traceback on the terminal when a portal is unreachable.

Scrapy logs a refused connection, a DNS failure or a timeout with the whole Twisted traceback (the robots.txt
middleware and the scraper's "Error downloading"). Those are facts about the site, not bugs: the filter keeps
the message (it already names the error) and drops the traceback. Other exceptions keep theirs.
"""

from __future__ import annotations

import logging

# Loggers that report download failures with a traceback.
LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry", "scrapy.core.scraper",
           "scrapy.core.engine", "crawler.middlewares")
_NETWORK_MODULES = ("twisted.internet.error", "twisted.web._newclient", "twisted.internet.defer")


def is_network_error(exc: BaseException | None) -> bool:
    """A failure to reach or read from the server (refused, DNS, timeout, connection lost), at any cause depth."""
    seen = 0
    while exc is not None and seen < 10:
        cls = type(exc)
        if (isinstance(exc, ConnectionError | TimeoutError) or cls.__module__.startswith(_NETWORK_MODULES)
                or (cls.__module__ == "scrapy.exceptions" and cls.__name__.startswith("Download"))):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


class NetworkErrorFilter(logging.Filter):
    """Drops the traceback of records about network errors (the message stays)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and is_network_error(record.exc_info[1]):
            exc = record.exc_info[1]
            if str(exc) and str(exc) not in record.getMessage():
                record.msg = f"{record.msg}: {type(exc).__name__}: {exc}"
            record.exc_info, record.exc_text = None, None
        return True


def install() -> None:
    """Put the filter on the loggers that report download failures (logger filters survive Scrapy's handler swaps)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, NetworkErrorFilter) for f in logger.filters):
            logger.addFilter(NetworkErrorFilter())
