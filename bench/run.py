"""`make bench`: every benchmark, one after another; exits non-zero if any target is missed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "bench_http.py",
    "bench_tickets.py",
    "bench_import.py",
    "bench_fees.py",
    "bench_ledger.py",
    "bench_votes.py",
    "bench_my_bills.py",
    "bench_notices.py",
]


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        result = subprocess.run([sys.executable, str(HERE / name)], check=False)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print("targets missed in: " + ", ".join(failed))
        return 1
    print("all benchmark targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
