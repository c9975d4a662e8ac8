"""Benchmark: `courtyard import-households` with a 50,000-row CSV on SQLite, as an operator
runs it (target: under 10 s and under 150 MB peak memory).

The file is a clerk's registry with Chinese column names (buildings, units, rooms and owners
invented). The import runs in a fresh process, as the command does; its wall time and peak
resident memory (ru_maxrss of the child) include starting Python and checking the schema. Then
the same file is imported again with every tenth area changed: updates rather than inserts.

Run: python bench/bench_import.py [--rows 50000]
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 10.0
TARGET_MB = 150.0
COURTYARD = "都市A座"


def write_registry(path: Path, rows: int, *, remeasured: bool = False) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("楼栋,单元,房号,建筑面积,车位数,业主姓名,手机\n")
        for index in range(rows):
            building, rest = divmod(index, 1000)
            unit, rest = divmod(rest, 250)
            floor, door = divmod(rest, 10)
            area = 60 + index % 50 + (0.5 if remeasured and index % 10 == 0 else 0.25)
            phone = f"138{index:08d}" if index % 3 else ""
            file.write(
                f"{building + 1}号楼,{unit + 1}单元,{floor + 1}{door + 1:02d},{area:.2f},"
                f"{index % 2},业主{index},{phone}\n"
            )


def courtyard(
    *argv: str, env: dict[str, str], folder: Path
) -> tuple[float, float, float, int, str]:
    """Run the command in a child process: (seconds, CPU seconds, peak MB, exit code, what it
    printed). os.wait4 gives this child's own CPU time and peak resident memory (ru_maxrss, KB
    on Linux); CPU time tells a loaded machine's figure from a slow import."""
    output = folder / "output.txt"
    started = time.perf_counter()
    with output.open("w") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "bot", *argv], cwd=ROOT, env=env, stdout=out, stderr=out
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, child.returncode, output.read_text().strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}",
            DEFAULT_LOCALE="en",
        )
        env.pop("BOT_TOKEN", None)
        registry = Path(folder) / "registry.csv"
        write_registry(registry, args.rows)
        size_mb = registry.stat().st_size / 1e6
        _, _, _, code, printed = courtyard("add", COURTYARD, env=env, folder=Path(folder))
        if code != 0:
            print(printed)
            return 1
        print(f"store: sqlite; {args.rows} rows, {size_mb:.1f} MB of CSV")
        print(
            f"{'import':<22}{'time':>8}{'cpu':>8}{'peak RSS':>11}"
            f"  < {TARGET_S:.0f} s, < {TARGET_MB:.0f} MB"
        )
        for name, remeasured in (("first (all new)", False), ("again (10% changed)", True)):
            write_registry(registry, args.rows, remeasured=remeasured)
            seconds, cpu, peak_mb, code, printed = courtyard(
                "import-households",
                str(registry),
                "--courtyard",
                COURTYARD,
                env=env,
                folder=Path(folder),
            )
            ok = code == 0 and seconds < TARGET_S and peak_mb < TARGET_MB
            failed |= not ok
            print(
                f"{name:<22}{seconds:>7.1f}s{cpu:>7.1f}s{peak_mb:>8.0f} MB"
                f"  {'ok' if ok else 'MISSED'}"
            )
            print("  " + printed.splitlines()[-1])
    print(
        f"target: under {TARGET_S:.0f} s and {TARGET_MB:.0f} MB "
        "(the whole command, in a process of its own)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
