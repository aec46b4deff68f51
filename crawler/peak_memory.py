"""A process's own peak memory, for the crawl's summary (the crawler's worker and its archive writer)."""

from __future__ import annotations


def peak_rss_bytes() -> int:
    """This process's own peak RSS (VmHWM; ru_maxrss would include what a forking parent held before exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
