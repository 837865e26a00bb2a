"""Instructions a full build executes, counted by callgrind: the one figure
of a build's CPU cost that this shared, noisy machine cannot blur, for
telling whether a change to the CPU-bound stages helped.

    python3 benches/instructions.py [--binary BINARY] [--baseline OTHER_BINARY] [--articles 1000] [--top 25]

Builds the benchmark archive (`--no-cache`, one worker thread, output on
/dev/shm) under `valgrind --tool=callgrind` with the release binary (or
`--binary`, such as a `--profile quick` build: see README.md) and,
if given, a baseline binary (another checkout's `target/release/scholia`),
checks that both wrote the same files byte for byte, and prints each
one's instruction count, the ratio, and the functions with the most
instructions, inclusive of what they call. Needs valgrind
(`apt-get install valgrind`); about 90 s a binary at 1,000 articles.
Instructions are not time (cache misses and allocation are not in them),
so quote wall times from `lean.py` or `vs_hugo.py`.
"""
import argparse
import filecmp
import os
import re
import shutil
import subprocess
import tempfile

from bench_common import BINARY, corpus


def count(binary, site, out, profile):
    """Runs one callgrind build; returns its total instructions."""
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}",
                    binary, "build", "--root", site, "-o", out, "--no-cache"],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    summary = subprocess.run(["callgrind_annotate", profile], check=True,
                             capture_output=True, text=True).stdout
    return int(re.search(r"([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", summary)[1].replace(",", ""))


def top_functions(profile, top):
    """The `top` functions of scholia with the most inclusive instructions."""
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", profile], check=True,
                               capture_output=True, text=True).stdout
    rows = [line for line in annotated.splitlines()
            if "scholia::" in line and "{{closure}}" not in line]
    return rows[:top]


def same_tree(a, b):
    """Whether folders `a` and `b` hold the same files with the same bytes."""
    comparison = filecmp.dircmp(a, b)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, comparison.common_files, shallow=False)
    return not mismatch and not errors and all(
        same_tree(os.path.join(a, d), os.path.join(b, d)) for d in comparison.common_dirs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=BINARY,
                        help="the scholia binary to count (default: the release build)")
    parser.add_argument("--baseline", help="another scholia binary to count against")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--corpora", default="/tmp/scholia-bench/corpora")
    args = parser.parse_args()
    site = corpus(args.articles, args.corpora)
    work = tempfile.mkdtemp(prefix="scholia-instructions-", dir="/dev/shm")
    try:
        binaries = [("this build", args.binary)]
        if args.baseline:
            binaries.insert(0, ("baseline", args.baseline))
        counts = {}
        for name, binary in binaries:
            out = os.path.join(work, name.replace(" ", "-"))
            profile = os.path.join(work, name.replace(" ", "-") + ".callgrind")
            counts[name] = count(binary, site, out, profile)
            print(f"{name}: {counts[name]:,} instructions ({binary})")
        if args.baseline:
            if filecmp.cmp(args.baseline, args.binary, shallow=False):
                # A baseline made by stashing a change and building again
                # has turned out to be the changed binary: a ratio of 1.000
                # would then compare the change with itself.
                print("note: the baseline is this very binary, byte for byte")
            identical = same_tree(os.path.join(work, "baseline"), os.path.join(work, "this-build"))
            print(f"this build / baseline: {counts['this build'] / counts['baseline']:.3f}; "
                  f"output {'byte-identical' if identical else 'DIFFERS'}")
        print(f"\nmost instructions, inclusive (this build, {args.articles} articles):")
        for row in top_functions(os.path.join(work, "this-build.callgrind"), args.top):
            print(row[:150])
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
