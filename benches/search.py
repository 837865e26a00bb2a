#!/usr/bin/env python3
"""Search on the 10,000-article benchmark archive: scholia's own index next to
Pagefind, in one call. The figures and the decision are in docs/search.md.

What it measures, for each engine:
  * the build-time cost: scholia's full build with and without its index (the
    binary of the commit before search, given as --without), alternated,
    median of --runs (3) each, with peak memory; and Pagefind's run over the
    built output;
  * the index: bytes (as written, and gzipped as a host would serve them) and
    file count;
  * a first query in headless Chromium with a cold cache, over HTTP on
    127.0.0.1: the bytes and files it downloads (as the server logs them; a
    host would gzip our plain-text files, so their gzipped size is given
    too; Pagefind's are gzipped already) and the time
    from page script start to results shown (20 results with their metadata),
    for a common word, a less common one, a phrase and a unique marker.

Exact commands (one run; ratios from that run, no timed tests anywhere):

    git stash -u  # or: git worktree add /tmp/before <commit before search>
    cargo build --release && cp target/release/scholia /tmp/scholia-without   # on the commit before
    cargo build --release                                                    # on this commit
    npm install --prefix /tmp/pf pagefind@1.6.0                              # pinned
    python3 benches/search.py --articles 10000 --without /tmp/scholia-without \\
        --pagefind /tmp/pf/node_modules/.bin/pagefind

Needs python3, chromium (Debian's package) and, for Pagefind, node/npm.
Corpora are cached under $TMPDIR/scholia-bench/corpora (generated with
../shared/bench/gen_corpus.py when missing).
"""
import argparse
import gzip
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from bench_common import BINARY, corpus

QUERIES = ["the", "hezbollah", "strait of hormuz", "bench-comment-003671-1"]
RESULTS_SHOWN = 20


def timed(command, **kwargs):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def build(binary, site, output):
    """One full build into a fresh folder: (seconds, peak RSS in MiB). The
    disk is synced first so one build's writeback does not slow the next."""
    shutil.rmtree(output, ignore_errors=True)
    os.sync()
    start = time.perf_counter()
    child = subprocess.Popen([binary, "build", "--root", site, "--output", output],
                             stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{binary} build failed")
    return seconds, usage.ru_maxrss / 1024


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def folder_size(folder, packed=True):
    files = raw = gzipped = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            data = open(os.path.join(dirpath, name), "rb").read()
            files += 1
            raw += len(data)
            gzipped += len(gzip.compress(data, 6)) if packed else 0
    return {"files": files, "bytes": raw, **({"gzip_bytes": gzipped} if packed else {})}


def mark_articles_for_pagefind(output):
    """Pagefind indexes every page's <body> unless told otherwise: mark the
    <main> of article pages only (listings, tags and redirects repeat text)."""
    marked = 0
    for dirpath, _, names in os.walk(os.path.join(output, "articles")):
        if "index.html" in names:
            path = os.path.join(dirpath, "index.html")
            html = open(path, encoding="utf-8").read()
            html = html.replace('<main id="main">', '<main id="main" data-pagefind-body>', 1)
            open(path, "w", encoding="utf-8").write(html)
            marked += 1
    return marked


OURS_PAGE = """<!DOCTYPE html><meta charset="utf-8"><title>bench</title>
<script>window.benchStart = performance.now();</script>
<form role="search"><input type="search" id="search-input" name="q"></form>
<p id="search-status"></p><ol id="search-results"></ol><button id="search-more" hidden></button>
<script>
new MutationObserver(function () {
  var s = document.getElementById("search-status").textContent;
  if (!/result|failed/.test(s)) return;
  var ms = performance.now() - window.benchStart;
  fetch("/__result", {method: "POST", body: JSON.stringify({status: s, ms: ms,
    shown: document.querySelectorAll("#search-results li").length})});
}).observe(document.getElementById("search-status"), {childList: true, characterData: true, subtree: true});
</script>
<script src="../search.js"></script>
"""

PAGEFIND_PAGE = """<!DOCTYPE html><meta charset="utf-8"><title>bench</title>
<script type="module">
const start = performance.now();
const q = new URLSearchParams(location.search).get("q");
const pagefind = await import("/pagefind/pagefind.js");
await pagefind.init();
const search = await pagefind.search(q);
const shown = await Promise.all(search.results.slice(0, %d).map(r => r.data()));
const ms = performance.now() - start;
await fetch("/__result", {method: "POST", body: JSON.stringify({status: search.results.length + " results",
  ms, shown: shown.length})});
</script>
""" % RESULTS_SHOWN


def serve(folder):
    """A static server on 127.0.0.1 that also logs each file it serves (a
    worker's fetches do not show in the page's Resource Timing) and takes the
    bench page's report by POST."""
    results = queue.Queue()
    served = []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=folder, **kwargs)

        def log_message(self, *args):
            pass

        def do_GET(self):
            path = self.translate_path(self.path)
            if os.path.isfile(path):
                served.append((self.path.split("?")[0], os.path.getsize(path)))
            super().do_GET()

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            results.put(json.loads(body))
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, results, served


def first_query(chromium, port, results, served, page, query):
    """One query in a fresh browser profile (nothing cached)."""
    from urllib.parse import quote
    served.clear()
    profile = tempfile.mkdtemp()
    url = f"http://127.0.0.1:{port}/__bench/{page}?q={quote(query)}"
    browser = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                                f"--user-data-dir={profile}", "--no-first-run", url],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        result = results.get(timeout=180)
        prefix = "/search/" if page == "ours.html" else "/pagefind/"
        result["files"] = [(name, size) for name, size in served if name.startswith(prefix)]
        return result
    finally:
        browser.terminate()
        browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


def query_report(output, result):
    files = result["files"]
    raw = sum(size for _, size in files)
    packed = 0
    for name, _ in files:
        path = os.path.join(output, name.lstrip("/"))
        packed += len(gzip.compress(open(path, "rb").read(), 6))
    return {"status": result["status"], "ms": round(result["ms"]), "shown": result["shown"],
            "files": len(files), "bytes": raw, "gzip_bytes": packed}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--binary", default=BINARY)
    ap.add_argument("--without", help="scholia built from the commit before search")
    ap.add_argument("--pagefind", help="the pagefind binary (npm package pagefind@1.6.0)")
    ap.add_argument("--runs", type=int, default=3, help="builds of each binary (median)")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "scholia-bench", "search"))
    args = ap.parse_args()
    cache = os.path.join(tempfile.gettempdir(), "scholia-bench", "corpora")
    site = corpus(args.articles, cache)
    report = {"articles": args.articles}
    ours = os.path.join(args.work, "ours")
    # Alternate the two builds, so that a slow spell of the machine falls on
    # both; report the median of each.
    runs = {"without": [], "with": []}
    for _ in range(args.runs):
        if args.without:
            runs["without"].append(build(args.without, site, os.path.join(args.work, "without")))
            shutil.rmtree(os.path.join(args.work, "without"))
        runs["with"].append(build(args.binary, site, ours))
    for name, measured in runs.items():
        if measured:
            report[f"build_{name}_s"] = round(median([s for s, _ in measured]), 2)
            report[f"build_{name}_peak_mib"] = round(median([m for _, m in measured]))
    report["ours_index"] = folder_size(os.path.join(ours, "search"))
    report["whole_output"] = folder_size(ours, packed=False)
    if args.pagefind:
        report["pagefind_marked_pages"] = mark_articles_for_pagefind(ours)
        report["pagefind_build_s"] = round(timed([args.pagefind, "--site", ours]), 2)
        report["pagefind_index"] = folder_size(os.path.join(ours, "pagefind"))
    os.makedirs(os.path.join(ours, "__bench"), exist_ok=True)
    open(os.path.join(ours, "__bench", "ours.html"), "w").write(OURS_PAGE)
    open(os.path.join(ours, "__bench", "pagefind.html"), "w").write(PAGEFIND_PAGE)
    server, results, served = serve(ours)
    port = server.server_address[1]
    try:
        for query in QUERIES:
            report[f"ours: {query}"] = query_report(ours, first_query(args.chromium, port, results, served, "ours.html", query))
            if args.pagefind:
                report[f"pagefind: {query}"] = query_report(
                    ours, first_query(args.chromium, port, results, served, "pagefind.html", query))
            print(json.dumps({k: v for k, v in report.items() if query in k}), flush=True)
    finally:
        server.shutdown()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
