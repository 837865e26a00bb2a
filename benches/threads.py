#!/usr/bin/env python3
"""Times scholia on huge comment threads, against a baseline run in the same call.

Builds three generated sites with the release binary:
  baseline  one article, no comments
  wide      one article, 10,000 top-level comments
  chain     one article, 10,000 comments each replying to the one before
and prints the median of N runs for each, with the ratio to the baseline and
the time per comment. Speed targets live here, never in tests.

    cargo build --release && python3 benches/threads.py [--runs 5] [--comments 10000]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "scholia")


def write_site(folder, comments):
    os.makedirs(os.path.join(folder, "content", "articles"), exist_ok=True)
    os.makedirs(os.path.join(folder, "content", "authors"), exist_ok=True)
    with open(os.path.join(folder, "site.toml"), "w") as f:
        f.write('title = "Bench"\nbase_url = "https://example.org"\n')
    with open(os.path.join(folder, "content", "authors", "ann.md"), "w") as f:
        f.write('+++\nname = "Ann"\n+++\nBio.\n')
    with open(os.path.join(folder, "content", "articles", "a.md"), "w") as f:
        f.write('+++\ntitle = "A"\ndate = 2020-01-01\nauthors = ["ann"]\n+++\nBody.\n')
    if comments is None:
        return
    with open(os.path.join(folder, "content", "articles", "a.comments.toml"), "w") as f:
        f.write(comments)


def thread(count, chain):
    parts = []
    for i in range(count):
        parent = f'parent = "{i - 1}"\n' if chain and i > 0 else ""
        minute, second = divmod(i, 60)
        hour, minute = divmod(minute, 60)
        parts.append(
            f'[[comment]]\nid = "{i}"\n{parent}author = "Reader {i % 97}"\n'
            f"date = 2020-01-{1 + hour // 24:02d}T{hour % 24:02d}:{minute:02d}:{second:02d}Z\n"
            f'body = """\nComment {i} with *some* text and a link https://example.org/{i}.\n"""\n'
        )
    return "\n".join(parts)


def time_build(folder, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([BINARY, "build", "--root", folder], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--comments", type=int, default=10_000)
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        sys.exit("build the release binary first: cargo build --release")
    with tempfile.TemporaryDirectory() as tmp:
        sites = {
            "baseline": None,
            "wide": thread(args.comments, chain=False),
            "chain": thread(args.comments, chain=True),
        }
        results = {}
        for name, comments in sites.items():
            folder = os.path.join(tmp, name)
            write_site(folder, comments)
            time_build(folder, 1)  # warm-up
            results[name] = time_build(folder, args.runs)
        base = results["baseline"]
        print(f"{'site':<10}{'median':>10}{'x baseline':>12}{'per comment':>14}")
        for name, seconds in results.items():
            per = "" if sites[name] is None else f"{seconds / args.comments * 1e6:.1f} µs"
            print(f"{name:<10}{seconds * 1000:>8.0f} ms{seconds / base:>11.1f}x{per:>14}")


if __name__ == "__main__":
    main()
