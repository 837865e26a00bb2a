#!/usr/bin/env python3
"""Wall time and peak memory of `scholia import wordpress` at two export sizes.

Generates (or reuses) synthetic WordPress exports of 10 MB and 100 MB with
gen_wxr.py, imports each N times into a fresh folder with the release binary
and prints, per size, the median wall time and median peak RSS, with the
ratio of peak memory between the largest and the smallest size: an importer
that streams the export stays near 1 however large the file. Then it builds
the smallest import once with `scholia build` to confirm the result is a
site. Speed and memory targets live here, never in tests.

    cargo build --release && python3 benches/import.py [--runs 3] [--sizes 10,100]

Peak RSS comes from GNU time (`/usr/bin/time -v`; `apt-get install time`),
else from getrusage(RUSAGE_CHILDREN) in a fresh helper process per run.
MB here are 1,000,000 bytes; memory is in MiB.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BINARY = os.path.join(ROOT, "target", "release", "scholia")
GNU_TIME = "/usr/bin/time"
sys.path.insert(0, HERE)
import gen_wxr  # noqa: E402  (beside this script)

# Runs a command, then reports its wall time and peak RSS (KiB) on the last
# line: a fresh process, so RUSAGE_CHILDREN holds that one command only.
RUSAGE_HELPER = r"""
import resource, subprocess, sys, time
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    start = time.perf_counter()
    code = subprocess.call(sys.argv[3:], stdout=out, stderr=err)
    wall = time.perf_counter() - start
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def export(size_mb, seed, cache):
    """The cached export of this size, generated (and checked) on first use."""
    os.makedirs(cache, exist_ok=True)
    stem = os.path.join(cache, "wxr-%smb-seed%d-v%s" % (format(size_mb, "g"), seed, gen_wxr.GENERATOR_VERSION))
    path, summary_path = stem + ".xml", stem + ".json"
    if not (os.path.exists(path) and os.path.exists(summary_path)):
        print("generating a %s MB export in %s ..." % (format(size_mb, "g"), cache), file=sys.stderr, flush=True)
        partial = path + ".partial"
        summary = gen_wxr.generate(size_mb, partial, seed)
        problems = gen_wxr.check(partial, summary)
        if problems:
            sys.exit("the generated export does not read back:\n  " + "\n  ".join(problems))
        os.replace(partial, path)
        with open(summary_path, "w") as f:
            f.write(gen_wxr.json.dumps(summary, sort_keys=True) + "\n")
    with open(summary_path) as f:
        return path, gen_wxr.json.load(f)


def gnu_time_works():
    if not os.path.exists(GNU_TIME):
        return False
    with tempfile.NamedTemporaryFile() as report:
        ok = subprocess.run([GNU_TIME, "-v", "-o", report.name, "true"], capture_output=True).returncode == 0
        return ok and b"Maximum resident set size" in open(report.name, "rb").read()


def measure(command, logs, timer):
    """(wall seconds, peak RSS in KiB, exit code) of one run of command."""
    out, err = logs + ".out", logs + ".err"
    if timer == "time":
        report = logs + ".time"
        with open(out, "wb") as o, open(err, "wb") as e:
            start = time.perf_counter()
            code = subprocess.call([GNU_TIME, "-v", "-o", report] + command, stdout=o, stderr=e)
            wall = time.perf_counter() - start
        text = open(report).read()
        peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
        return wall, peak, code
    line = subprocess.run([sys.executable, "-c", RUSAGE_HELPER, out, err] + command,
                          check=True, capture_output=True, text=True).stdout.split()
    return float(line[0]), int(line[1]), int(line[2])


def tail(path, lines=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


LEAKS = re.compile(rb"192\.0\.2\.\d|198\.51\.100\.\d|[\w.-]+\.\d+@example\.org")


def survey(folder):
    """What an import wrote: article files, pages, comments, bytes, privacy leaks."""
    found = {"articles": 0, "pages": 0, "comments": 0, "files": 0, "bytes": 0, "leaks": []}
    for dirpath, _dirs, files in os.walk(folder):
        rel = os.path.relpath(dirpath, folder).replace(os.sep, "/")
        for name in files:
            path = os.path.join(dirpath, name)
            found["files"] += 1
            found["bytes"] += os.path.getsize(path)
            if rel.startswith("content/articles") and (name == "index.md" or
                                                       (name.endswith(".md") and not os.path.exists(
                                                           os.path.join(dirpath, "index.md")))):
                found["articles"] += 1
            elif rel == "content/pages" and name.endswith(".md"):
                found["pages"] += 1
            if name.endswith((".md", ".toml", ".txt", ".json", ".html")):
                with open(path, "rb") as f:
                    data = f.read()
                if name.endswith("comments.toml"):
                    found["comments"] += len(re.findall(rb"(?m)^\[\[comment\]\]", data))
                m = LEAKS.search(data)
                if m and len(found["leaks"]) < 5:
                    found["leaks"].append("%s: %s" % (os.path.relpath(path, folder), m.group().decode()))
    return found


def mib(kib):
    return kib / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="imports per size; the median is reported")
    parser.add_argument("--sizes", default="10,100", help="export sizes in MB, comma-separated")
    parser.add_argument("--binary", default=BINARY)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the last import of each size (and print where)")
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "scholia-bench", "wxr"),
                        help="where generated exports are kept between calls")
    parser.add_argument("--timer", choices=["auto", "time", "rusage"], default="auto")
    args = parser.parse_args()
    sizes = sorted(float(s) for s in args.sizes.split(","))
    if not os.path.exists(args.binary):
        sys.exit("build the release binary first: cargo build --release")
    if subprocess.run([args.binary, "import", "wordpress", "--help"], capture_output=True).returncode != 0:
        sys.exit("%s has no `import wordpress` command" % args.binary)
    timer = args.timer
    if timer == "auto":
        timer = "time" if gnu_time_works() else "rusage"
    elif timer == "time" and not gnu_time_works():
        sys.exit("%s -v does not work here (apt-get install time)" % GNU_TIME)

    work = tempfile.mkdtemp(prefix="scholia-import-bench-")
    results, kept, failed = [], {}, False
    try:
        for size in sizes:
            path, summary = export(size, args.seed, args.cache)
            walls, peaks = [], []
            for run in range(args.runs):
                into = os.path.join(work, "import-%smb-%d" % (format(size, "g"), run))
                logs = os.path.join(work, "import-%smb-%d" % (format(size, "g"), run))
                wall, peak, code = measure([args.binary, "import", "wordpress", path, "--into", into], logs, timer)
                if code != 0:
                    print("import of the %s MB export failed (exit %d):\n%s%s" % (
                        format(size, "g"), code, tail(logs + ".out"), tail(logs + ".err")), file=sys.stderr)
                    sys.exit(1)
                walls.append(wall)
                peaks.append(peak)
                if run < args.runs - 1:
                    shutil.rmtree(into)
            written = survey(into)
            kept[size] = into
            results.append({"size": size, "summary": summary, "wall": statistics.median(walls),
                            "walls": walls, "peak": statistics.median(peaks), "peaks": peaks,
                            "written": written, "report": "\n".join(t.rstrip() for t in (tail(logs + ".out", 12), tail(logs + ".err", 12)) if t)})

        # the smallest import must build
        smallest = kept[sizes[0]]
        logs = os.path.join(work, "build")
        b_wall, b_peak, b_code = measure([args.binary, "build", "--root", smallest], logs, timer)

        print()
        print("scholia import wordpress, %d run%s per size, medians; peak RSS by %s" % (
            args.runs, "" if args.runs == 1 else "s", "/usr/bin/time -v" if timer == "time" else "getrusage"))
        head = "%8s %7s %9s %10s %10s %8s   %s" % ("export", "posts", "comments", "wall", "peak RSS", "MB/s",
                                                 "written: articles, pages, comments, files, MB")
        print(head)
        print("-" * len(head))
        for r in results:
            s, w = r["summary"], r["written"]
            print("%5s MB %7s %9s %8.2f s %6.1f MiB %8.1f   %d, %d, %d, %d, %.1f" % (
                format(r["size"], "g"), format(s["posts"], ","), format(s["comments"]["total"], ","),
                r["wall"], mib(r["peak"]), s["bytes"] / 1e6 / r["wall"],
                w["articles"], w["pages"], w["comments"], w["files"], w["bytes"] / 1e6))
        small, large = results[0], results[-1]
        if len(results) > 1:
            print("peak RSS %s MB / %s MB: %.2fx (near 1 when the import streams; the file grew %.1fx)" % (
                format(large["size"], "g"), format(small["size"], "g"), large["peak"] / small["peak"],
                large["summary"]["bytes"] / small["summary"]["bytes"]))
            print("wall     %s MB / %s MB: %.2fx (near %.0fx when time is linear in the file)" % (
                format(large["size"], "g"), format(small["size"], "g"), large["wall"] / small["wall"],
                large["summary"]["bytes"] / small["summary"]["bytes"]))
        if args.runs > 1:
            for r in results:
                print("  %s MB runs: %s; peaks %s MiB" % (
                    format(r["size"], "g"), ", ".join("%.2f s" % w for w in r["walls"]),
                    ", ".join("%.1f" % mib(p) for p in r["peaks"])))
        print("export contents (per size): %s" % "; ".join(
            "%s MB: %d posts %s, %d pages, %d attachments, %d comments (%d approved, %d spam, %d pingbacks)" % (
                format(r["size"], "g"), r["summary"]["posts"], r["summary"]["post_status"], r["summary"]["pages"],
                r["summary"]["attachments"], r["summary"]["comments"]["total"], r["summary"]["comments"]["approved"],
                r["summary"]["comments"]["spam"], r["summary"]["comments"]["pingback"]) for r in results))
        for r in results:
            if r["written"]["leaks"]:
                failed = True
                print("PRIVACY: the %s MB import wrote commenter e-mails or IPs: %s" % (
                    format(r["size"], "g"), "; ".join(r["written"]["leaks"])))
        if b_code == 0:
            print("scholia build --root <the %s MB import>: ok in %.2f s, peak %.1f MiB" % (
                format(sizes[0], "g"), b_wall, mib(b_peak)))
        else:
            failed = True
            print("scholia build --root <the %s MB import>: FAILED (exit %d):\n%s" % (
                format(sizes[0], "g"), b_code, tail(logs + ".err", 40) or tail(logs + ".out", 40)))
        print("the importer's last words (%s MB):\n%s" % (format(large["size"], "g"), large["report"].rstrip()))
        if args.keep:
            for size, folder in kept.items():
                print("kept: %s MB import in %s" % (format(size, "g"), folder))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
