#!/usr/bin/env python3
"""A second `scholia build` next to the first, on the same synthetic archive,
in one call: a full build (`--no-cache`), a first build that fills the
cache, a second build of the unchanged site,
and a second build after one comment is appended to one article's
comments.toml. Prints the medians, the ratios, each case's peak memory
(GNU time's maximum resident set) and its step times.

The site is copied to tmpfs (/dev/shm), with its output and its build cache,
since this machine's ext4 slows down after many big trees are made and
removed. Between runs the bench waits for the previous output (which
`scholia build` removes in the background) to be gone, so that no run pays
for the one before. Speed targets live here, never in tests.

    cargo build --release && python3 benches/second_build.py [--articles 10000] [--runs 3]
"""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench_common import BINARY, corpus

NEW_COMMENT = '''
[[comment]]
id = "second-build-bench"
author = "A new reader"
date = 2030-01-01T00:00:00Z
body = """
One more comment, added between two builds.
"""
'''


def build(site, output, *flags):
    """One build: (wall seconds, {step: ms}, files, unchanged files, peak
    resident MiB, from GNU time's %M)."""
    with tempfile.NamedTemporaryFile("r") as peak:
        start = time.perf_counter()
        run = subprocess.run(["/usr/bin/time", "-o", peak.name, "-f", "%M",
                              BINARY, "build", "--root", site, "--output", output, *flags],
                             check=True, capture_output=True, text=True)
        wall = time.perf_counter() - start
        peak_mib = int(peak.read().split()[-1]) / 1024
    steps = {name: int(ms) for name, ms in re.findall(r"([a-z ]+) (\d+) ms", run.stderr.split("steps:")[-1])}
    steps = {name.strip(): ms for name, ms in steps.items()}
    files = int(re.search(r"(\d+) files", run.stdout).group(1))
    unchanged = re.search(r"\((\d+) unchanged\)", run.stdout)
    return wall, steps, files, int(unchanged.group(1)) if unchanged else 0, peak_mib


def wait_for_removal(output):
    """Waits until the outputs that builds moved aside are removed."""
    pattern = os.path.join(os.path.dirname(output), "." + os.path.basename(output) + ".staging-*-old")
    while glob.glob(pattern):
        time.sleep(0.2)


def commented_thread(site):
    """The comments.toml of the article in the middle of the archive."""
    articles = os.path.join(site, "content", "articles")
    threads = sorted(glob.glob(os.path.join(articles, "*", "comments.toml")))
    return threads[len(threads) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpora", default=os.path.join(tempfile.gettempdir(), "scholia-bench", "corpora"))
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        sys.exit("build the release binary first: cargo build --release")
    work = tempfile.mkdtemp(prefix="scholia-second-build-", dir="/dev/shm")
    try:
        site = os.path.join(work, "site")
        shutil.copytree(corpus(args.articles, args.corpora), site)
        output = os.path.join(work, "public")
        thread = commented_thread(site)
        with open(thread) as f:
            original = f.read()
        results = {"full": [], "first": [], "unchanged": [], "one comment": []}
        for _ in range(args.runs):
            shutil.rmtree(os.path.join(site, ".scholia-cache"), ignore_errors=True)
            shutil.rmtree(output, ignore_errors=True)
            results["full"].append(build(site, output, "--no-cache"))
            wait_for_removal(output)
            shutil.rmtree(output)
            results["first"].append(build(site, output))
            wait_for_removal(output)
            results["unchanged"].append(build(site, output))
            wait_for_removal(output)
            with open(thread, "a") as f:
                f.write(NEW_COMMENT)
            results["one comment"].append(build(site, output))
            wait_for_removal(output)
            with open(thread, "w") as f:
                f.write(original)
        full = statistics.median(r[0] for r in results["full"])
        print(f"{args.articles} articles on /dev/shm, median of {args.runs} runs:")
        for case, runs in results.items():
            wall = statistics.median(r[0] for r in runs)
            names = list(runs[0][1])
            steps = ", ".join(f"{n} {statistics.median(r[1].get(n, 0) for r in runs):.0f}" for n in names)
            files, unchanged = runs[0][2], runs[0][3]
            peak = statistics.median(r[4] for r in runs)
            print(f"  {case:12} {wall * 1000:6.0f} ms  {wall / full:5.2f} of full  {peak:4.0f} MiB peak  "
                  f"({files} files, {unchanged} reused)  steps ms: {steps}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
