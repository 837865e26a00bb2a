#!/usr/bin/env python3
"""Inputs at the edges, at full size: a 50 MB article, a 1 MB comment, and
10,000 nested quotes and list levels in an article and in a comment.

The test suite builds smaller versions (tests/bytes.rs) so that it stays fast
in debug builds; this script builds the sizes named in issue 9 with the
release binary and prints each build's wall time and peak memory.

    cargo build --release && python3 benches/edges.py [--binary PATH] [--mb 50]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

PARAGRAPH = ("Lorem ipsum dolor sit amet, *consectetur* adipiscing elit, "
             "[a link](other/) sed do eiusmod.\n\n")


def article(slug, body, front=""):
    return (f'+++\ntitle = "{slug}"\ndate = 2020-01-02\nauthors = ["ann"]\n'
            f'tags = ["Edge"]\n{front}+++\n{body}')


def thread(body):
    return ('[[comment]]\nid = "1"\nauthor = "R"\ndate = 2020-01-03\n'
            f'body = {json.dumps(body)}\n')


def site(root, files):
    files = dict(files)
    files["site.toml"] = 'title = "Edges"\nbase_url = "https://example.org"\n'
    files["content/authors/ann.md"] = '+++\nname = "Ann"\n+++\nBio.\n'
    for relative, text in files.items():
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def build(binary, root):
    """Wall seconds and peak RSS (MiB) of one build in a fresh child."""
    start = time.monotonic()
    run = subprocess.run([binary, "build", "--root", root],
                         capture_output=True, text=True)
    wall = time.monotonic() - start
    if run.returncode != 0:
        sys.exit(f"build of {root} failed:\n{run.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/release/scholia")
    parser.add_argument("--mb", type=int, default=50, help="size of the big article")
    args = parser.parse_args()
    big = PARAGRAPH * (args.mb * 1_000_000 // len(PARAGRAPH))
    deep = 10_000
    cases = {
        f"{args.mb} MB article": {"content/articles/big.md": article("big", big)},
        "1 MB comment": {
            "content/articles/talk.md": article("talk", "Body.\n"),
            "content/articles/talk.comments.toml": thread(PARAGRAPH * (1_000_000 // len(PARAGRAPH))),
        },
        f"{deep:,} nested quotes and lists, article and comment": {
            **{f"content/articles/{name}.md": article(name, marker * deep + "deep\n")
               for name, marker in [("q", "> "), ("u", "- "), ("o", "1. ")]},
            **{f"content/articles/{name}.comments.toml": thread(marker * deep + "deep\n")
               for name, marker in [("q", "> "), ("u", "- "), ("o", "1. ")]},
        },
    }
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: run the
    # smallest cases first, so that each figure is its own case's.
    for name in reversed(list(cases)):
        with tempfile.TemporaryDirectory() as root:
            site(root, cases[name])
            wall, peak = build(args.binary, root)
            print(f"{name}: {wall:.2f} s, peak RSS {peak:.0f} MiB (largest build so far)")


if __name__ == "__main__":
    main()
