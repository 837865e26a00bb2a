#!/usr/bin/env python3
"""Step 8's figures in one call: a full build of the benchmark archive
against the floor (the same files, bytes and folders written with nothing
else), its output by kind, its peak memory, and the cost of 10x the
articles. (The second build's figures are second_build.py's.)

Generates (or reuses) the corpora with ../shared/bench/gen_corpus.py and
writes every output under --out (default /dev/shm: this project's machines create
files on their disks at a rate that drifts by a factor of several; give a
disk folder to measure it). On tmpfs each output is removed once timed (see
`on_tmpfs`); on a disk, only when the call ends. Hugo's side is ../shared/bench/compare.sh's.
Targets live here, never in tests.

    cargo build --release && python3 benches/lean.py [--articles 10000] [--small 1000] [--runs 3] [--out /dev/shm]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict

from bench_common import BINARY, ROOT, corpus

STEPS = re.compile(r"steps: (.*)")


def build(site, output, *extra):
    """One `scholia build`: (wall seconds, peak RSS MiB, {step: ms},
    {step: peak anonymous memory MiB})."""
    start = time.perf_counter()
    run = subprocess.Popen(["/usr/bin/time", "-f", "%M", BINARY, "build", "--root", site,
                            "--output", output, *extra],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples = sample_memory(run)
    stdout, stderr = run.communicate()
    wall = time.perf_counter() - start
    if run.returncode != 0:
        raise subprocess.CalledProcessError(run.returncode, run.args, stdout, stderr)
    peak = int(stderr.strip().splitlines()[-1]) / 1024
    steps = {}
    match = STEPS.search(stdout + stderr)
    if match:
        for part in match.group(1).split(", "):
            name, ms, _ = part.rsplit(" ", 2)
            steps[name] = int(ms)
    return wall, peak, steps, peak_by_step(samples, steps)


def sample_memory(run, every=0.02):
    """The build's anonymous memory (RssAnon, MiB) every `every` seconds
    until it ends, each with its time since the build started. Polls
    /proc: `/usr/bin/time` runs scholia as its one child."""
    samples = []
    start = time.perf_counter()
    child = None
    while run.poll() is None:
        try:
            if child is None:
                with open(f"/proc/{run.pid}/task/{run.pid}/children") as f:
                    child = int(f.read().split()[0])
                start = time.perf_counter()
            with open(f"/proc/{child}/status") as f:
                status = f.read()
            anon = next(line for line in status.splitlines() if line.startswith("RssAnon:"))
            samples.append((time.perf_counter() - start, int(anon.split()[1]) / 1024))
        except (OSError, IndexError, ValueError, StopIteration):
            pass  # not started yet, or already gone
        time.sleep(every)
    return samples


def peak_by_step(samples, steps):
    """The highest sampled memory while each step ran, placing the steps
    one after the other from the start (their times as the build printed
    them; the gaps between steps are a few milliseconds)."""
    peaks = {}
    begin = 0.0
    for name, ms in steps.items():
        end = begin + ms / 1000
        during = [anon for t, anon in samples if begin <= t < end]
        if during:
            peaks[name] = max(during)
        begin = end
    return peaks


def full_builds(sites, out, runs, remove_each):
    """`runs` builds of each of `sites` (label -> folder), alternated so
    that the machine's drift falls on all alike, each into a fresh folder;
    returns each label's runs and the folder of its last. On a disk every
    folder is kept until the call ends: on ext4 without a journal, a build
    started soon after a large deletion pays for it (see vs_hugo.py). With
    `remove_each` (tmpfs, which has no such cost) each but the last is
    removed once timed: see `on_tmpfs`."""
    results = {label: [] for label in sites}
    last = {}
    for n in range(runs):
        for label, site in sites.items():
            if remove_each and label in last:
                shutil.rmtree(last[label], ignore_errors=True)
            last[label] = os.path.join(out, f"{label}-{n}")
            extra = ["--no-cache"] if has_no_cache() else []
            results[label].append(build(site, last[label], *extra))
    return results, last


def on_tmpfs(folder):
    """Whether `folder` is on tmpfs. There, outputs are removed as soon as
    they are timed: on this project's virtual machines, writing into memory
    the machine has not handed out yet costs several times the writing
    (a floor of 0.35 s with the memory reused, 2-4 s with the trees of
    earlier runs kept), and the runs' order would decide their times."""
    real = os.path.realpath(folder)
    best, kind = "", ""
    with open("/proc/mounts") as mounts:
        for line in mounts:
            fields = line.split()
            point = fields[1]
            inside = real == point or real.startswith(point.rstrip("/") + "/")
            if inside and len(point) > len(best):
                best, kind = point, fields[2]
    return kind == "tmpfs"


_NO_CACHE = None


def has_no_cache():
    """Whether this scholia has a build cache to turn off (a full build must
    be a full build)."""
    global _NO_CACHE
    if _NO_CACHE is None:
        help_text = subprocess.run([BINARY, "build", "--help"], capture_output=True, text=True).stdout
        _NO_CACHE = "--no-cache" in help_text
    return _NO_CACHE


def median(values):
    return statistics.median(values)


def summary(label, results):
    walls = [r[0] for r in results]
    peaks = [r[1] for r in results]
    steps = defaultdict(list)
    step_peaks = defaultdict(list)
    for r in results:
        for name, ms in r[2].items():
            steps[name].append(ms)
        for name, mib in r[3].items():
            step_peaks[name].append(mib)
    step_text = ", ".join(f"{k} {median(v):.0f}" for k, v in steps.items())
    memory_text = ", ".join(f"{k} {median(step_peaks[k]):.0f}" for k in steps if k in step_peaks)
    print(f"{label}: wall median {median(walls):.2f} s (runs {', '.join(f'{w:.2f}' for w in walls)}), "
          f"peak RSS median {median(peaks):.0f} MiB")
    print(f"  steps (ms, medians): {step_text}")
    print(f"  peak anonymous memory by step (MiB, medians, sampled every 20 ms): {memory_text}")
    return median(walls)


def kind_of(path):
    parts = path.split("/")
    first = parts[0]
    name = parts[-1]
    if first == "articles" and len(parts) == 3:
        return {"index.html": "article pages", "comments.xml": "comment feeds"}.get(name, "article assets")
    if first in ("tags", "authors"):
        if name == "atom.xml":
            return f"{first[:-1]} feeds"
        return f"{first[:-1]} pages"
    if first == "search":
        return "search index" if len(parts) > 2 or name == "manifest.js" else "search page"
    if first in ("page",) or path == "index.html":
        return "index pages"
    if name == "index.html" and first not in ("archive", "about"):
        return "redirect pages"
    return "other"


def by_kind(folder):
    counts = defaultdict(lambda: [0, 0])
    for dirpath, _, files in os.walk(folder):
        for f in files:
            full = os.path.join(dirpath, f)
            kind = kind_of(os.path.relpath(full, folder).replace(os.sep, "/"))
            counts[kind][0] += 1
            counts[kind][1] += os.path.getsize(full)
    total_files = sum(c[0] for c in counts.values())
    total_bytes = sum(c[1] for c in counts.values())
    print(f"output: {total_files} files, {total_bytes / 1e6:.1f} MB")
    for kind, (files, size) in sorted(counts.items(), key=lambda kv: -kv[1][1]):
        print(f"  {kind:16} {files:7} files {size / 1e6:8.1f} MB")


def floor(built, out, runs, remove_each):
    extra = ["--remove-each"] if remove_each else []
    run = subprocess.run(["cargo", "bench", "--quiet", "--bench", "floor", "--",
                          built, os.path.join(out, "floor"), str(runs), *extra],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    line = run.stdout.strip().splitlines()[-1]
    print(line)
    return int(re.search(r"median (\d+) ms", line).group(1)) / 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default="/dev/shm")
    parser.add_argument("--corpora", default=os.path.join(tempfile.gettempdir(), "scholia-bench", "corpora"))
    args = parser.parse_args()

    out = tempfile.mkdtemp(prefix="scholia-lean-", dir=args.out)
    try:
        big = corpus(args.articles, args.corpora)
        small = corpus(args.small, args.corpora)
        print(f"scholia {subprocess.run([BINARY, '--version'], capture_output=True, text=True).stdout.strip()}, "
              f"output under {args.out}, {os.cpu_count()} cores")

        remove_each = on_tmpfs(out)
        results, last = full_builds({"full": big, "small": small}, out, args.runs, remove_each)
        full = summary(f"full build, {args.articles} articles", results["full"])
        by_kind(last["full"])
        floor_time = floor(last["full"], out, args.runs, remove_each)
        print(f"full build / floor: {full / floor_time:.2f}x")

        small_wall = summary(f"full build, {args.small} articles", results["small"])
        pairs = [large[0] / little[0] for large, little in zip(results["full"], results["small"])]
        print(f"{args.articles} / {args.small} articles: {full / small_wall:.2f}x the time "
              f"(medians; alternated pairs {', '.join(f'{p:.2f}x' for p in pairs)})")

    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
