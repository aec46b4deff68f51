"""A process's own peak memory and CPU time, for the crawl's stats (the crawler's worker and its archive writer)."""

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


def cpu_seconds() -> float:
    """CPU time (user + system) this process used so far, its threads included."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
