"""casekit's benchmarks: ``python -m benchmarks`` (or ``make bench``) prints them all as one table."""
