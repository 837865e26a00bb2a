#!/usr/bin/env python3
"""Edit-to-reload time of `scholia serve` next to a full `scholia build`, on
the same synthetic archive, in one call.

Generates (or reuses) a corpus with ../shared/bench/gen_corpus.py, times full
builds, then starts `scholia serve`, edits one article N times and measures
from each save to the `reload` event on the live-reload stream (the moment
open pages reload). Speed targets live here, never in tests.

    cargo build --release && python3 benches/rebuild.py [--articles 10000] [--edits 5]
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from bench_common import BINARY, corpus


def full_builds(site, runs):
    times = []
    for _ in range(runs):
        out = tempfile.mkdtemp()
        start = time.perf_counter()
        subprocess.run([BINARY, "build", "--root", site, "--output", os.path.join(out, "site")],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - start)
        shutil.rmtree(out)
    return times


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def open_events(port):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"GET /__scholia/events HTTP/1.1\r\nHost: x\r\n\r\n")
    sock.settimeout(120)
    return sock


def wait_for_reload(sock):
    data = b""
    while b"event: reload" not in data and b"event: build-error" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("event stream closed")
        data += chunk
    if b"build-error" in data:
        raise RuntimeError(data.decode(errors="replace"))


def edit_times(site, edits):
    port = free_port()
    server = subprocess.Popen([BINARY, "serve", "--root", site, "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in server.stdout:  # the first build is done when it says where it serves
            if line.startswith("Serving"):
                break
        articles = os.path.join(site, "content", "articles")
        target = os.path.join(articles, sorted(os.listdir(articles))[len(os.listdir(articles)) // 2])
        target = os.path.join(target, "index.md") if os.path.isdir(target) else target
        with open(target) as f:
            original = f.read()
        times = []
        try:
            for n in range(edits):
                sock = open_events(port)
                time.sleep(0.3)  # let the stream register
                edited = re.sub(r'(?m)^title = "(.*)"$', lambda m: f'title = "{m.group(1)} (edit {n})"',
                                original, count=1)
                start = time.perf_counter()
                with open(target, "w") as f:
                    f.write(edited)
                wait_for_reload(sock)
                times.append(time.perf_counter() - start)
                sock.close()
        finally:
            with open(target, "w") as f:
                f.write(original)
        return times
    finally:
        server.terminate()
        server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpora", default=os.path.join(tempfile.gettempdir(), "scholia-bench", "corpora"))
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        sys.exit("build the release binary first: cargo build --release")
    site = corpus(args.articles, args.corpora)
    full = statistics.median(full_builds(site, args.runs))
    edit = statistics.median(edit_times(site, args.edits))
    print(f"{args.articles} articles: full build {full * 1000:.0f} ms (median of {args.runs}); "
          f"one-article edit to reload {edit * 1000:.0f} ms (median of {args.edits}, "
          f"includes the 150 ms debounce); ratio {full / edit:.1f}x")


if __name__ == "__main__":
    main()
