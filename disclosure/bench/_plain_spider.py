"""The crawler's peer in ``disclosure bench crawl``: a plain hand-written Scrapy spider, no archive.

It follows every same-site link from the portal's home page (skipping the profile's deny patterns, the
replica's endless calendar among them) and writes every body to a file; nothing else. Run as
``python -m disclosure.bench._plain_spider BASE_URL OUT_DIR`` (a process of its own: Scrapy's reactor
cannot be restarted); prints ``pages seconds`` on its last line.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess


class PlainSpider(scrapy.Spider):
    """Every same-site page, every body to a file."""

    name = "plain"

    def __init__(self, base_url: str, out_dir: str, deny: list[str], **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [base_url.rstrip("/") + "/"]
        self.netloc = urlsplit(base_url).netloc
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.deny = re.compile("|".join(deny)) if deny else None
        self.pages = 0

    def parse(self, response):
        self.pages += 1
        name = hashlib.sha1(response.url.encode("utf-8")).hexdigest()
        (self.out / name).write_bytes(response.body)
        if not isinstance(response, scrapy.http.TextResponse):
            return
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc == self.netloc and not (
                    self.deny and self.deny.search(url)):
                yield scrapy.Request(url.split("#", 1)[0], callback=self.parse)


def main(argv: list[str]) -> int:
    from crawler.profiles import resolve_profile

    base_url, out_dir = argv[0], argv[1]
    profile = resolve_profile("replica", base_url)
    process = CrawlerProcess({"LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": True, "CONCURRENT_REQUESTS": 16,
                              "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "DOWNLOAD_DELAY": 0.0,
                              "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 2, "TELNETCONSOLE_ENABLED": False})
    crawler = process.create_crawler(PlainSpider)
    started = time.perf_counter()
    process.crawl(crawler, base_url=base_url, out_dir=out_dir, deny=list(profile.deny_patterns))
    process.start()
    print(f"{crawler.spider.pages} {time.perf_counter() - started:.3f}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
