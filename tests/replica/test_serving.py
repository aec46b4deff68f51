"""Every URL the manifest names is served, and lists agree with the manifest."""

from __future__ import annotations

import httpx


def test_every_manifest_url_is_served(replica, replica_manifest):
    m = replica_manifest
    urls = [u for d in m.documents for u in d.urls + d.wap_urls + [a.url for a in d.attachments]]
    urls += m.list_urls
    assert len(m.documents) > 800 and len(urls) > 2000
    failed = []
    with httpx.Client(timeout=10) as client:
        for url in urls:
            r = client.get(url)
            if r.status_code == 500:  # the planted 500-once page answers on the second try
                r = client.get(url)
            if r.status_code != 200:
                failed.append((url, r.status_code))
    assert failed == []
