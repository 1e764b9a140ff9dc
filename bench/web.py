"""The web app under load: case search and case pages, signed in, 50 connections.

    .venv/bin/python bench/web.py [--cases 5000] [--duration 60] [--connections 50]
                                  [--archive PATH] [--keep]

Builds a synthetic archive of N cases (generation, ingest and `cases build`: about 15 minutes
for 5,000 here; --cases 300 for a quick run; --archive reuses one kept by --keep), adds an
analyst's account, serves it with `caesar serve` on loopback, signs in, and drives it with
`wrk` (Debian's; a Lua script carries the session cookie and picks, at random, a search by
number, by branch or by a month, or a case's page). wrk costs little CPU, but it shares this
machine's two cores with the server: figures vary with load.

Side by side, the baseline: `/api/me`, a signed-in request that does no work on cases (the
session looked up, the gate, the security headers, a small JSON document): what any route
costs before its own work. Target: p95 under 200 ms for cases, no errors.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CAESAR, PASSPHRASE, env, new_archive, timed, workspace

from caesar.core import Archive
from caesar.demo.generate import generate_collection

USER, PASSWORD = "bench-analyst", "a long benchmark password"
LUA = """
local paths = {%(paths)s}
local cookie = "caesar_session=%(token)s"
math.randomseed(7)
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Cookie"] = cookie})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT {\\"requests\\": %%d, \\"seconds\\": %%f, \\"p50\\": %%f,"
    .. " \\"p95\\": %%f, \\"p99\\": %%f, \\"errors\\": %%d, \\"non2xx\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--duration", type=int, default=60, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--archive", type=Path, help="a built archive to reuse (from --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the archive made")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: ./setup.sh installs it (Debian package wrk)")
    with workspace(args.keep) as work:
        path = args.archive or _build(work, args.cases)
        _add_user(path)
        port = _free_port()
        server = subprocess.Popen([*CAESAR, "--archive", str(path), "serve", "--port", str(port),
                                   "--workers", str(args.workers)],
                                  env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            url = f"http://127.0.0.1:{port}"
            token = _sign_in(url)
            cases = _case_paths(path)
            print(f"serving the archive at {url} with {args.workers} worker(s)")
            base = _wrk(url, ["/api/me"], token, args)
            mix = cases["pages"] + cases["searches"]
            load = _wrk(url, mix, token, args)
            _report("baseline: /api/me (signed in, no work on cases)", base)
            _report("case search and case pages", load)
            print(f"target: p95 under 200 ms, no errors -> "
                  f"{'met' if load['p95'] < 200 and not _failures(load) else 'NOT met'}")
        finally:
            server.terminate()
            server.wait(timeout=30)


def _build(work: Path, count: int) -> Path:
    started = time.perf_counter()
    drives = max(2, count // 700)
    truth = generate_collection(work / "collection", cases=count, drives=drives, reports=False,
                                seed=13)
    print(f"generated {count} cases ({len(truth.files)} files on {drives} drives) in"
          f" {time.perf_counter() - started:.0f} s")
    path = new_archive(work / "archive")
    seconds = timed([*CAESAR, "--archive", str(path), "ingest",
                     *(str(work / "collection" / d) for d in truth.drives)])
    print(f"ingested in {seconds:.0f} s")
    seconds = timed([*CAESAR, "--archive", str(path), "cases", "build"])
    print(f"cases build in {seconds:.0f} s")
    shutil.rmtree(work / "collection")
    return path


def _add_user(path: Path) -> None:
    archive = Archive.open(path, PASSPHRASE)
    try:
        if USER not in {u.name for u in archive.access.accounts.list()}:
            archive.access.accounts.add(USER, "analyst", actor="bench", password=PASSWORD)
    finally:
        archive.close()


def _case_paths(path: Path) -> dict[str, list[str]]:
    archive = Archive.open(path, PASSPHRASE)
    try:
        cases = archive.cases.cases()
    finally:
        archive.close()
    rng = random.Random(5)
    numbers = [c.numbers.detainee for c in cases if c.numbers.detainee]
    branches = sorted({c.numbers.branch for c in cases if c.numbers.branch})
    months = sorted({c.photographed_on.strftime("%Y-%m") for c in cases if c.photographed_on})
    searches = [f"/cases?number={n}" for n in rng.sample(numbers, min(200, len(numbers)))]
    searches += [f"/cases?branch={b}" for b in branches]
    searches += [f"/cases?since={m}-01&until={m}-28" for m in months]
    pages = [f"/cases/{c.id}" for c in rng.sample(cases, min(500, len(cases)))]
    return {"pages": pages, "searches": searches}


def _sign_in(url: str) -> str:
    with httpx2.Client(base_url=url, follow_redirects=False, timeout=30) as client:
        for _ in range(600):
            try:
                page = client.get("/login")
                break
            except httpx2.ConnectError:
                time.sleep(0.1)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        reply = client.post("/login", data={"name": USER, "password": PASSWORD,
                                            "csrf_token": token.group(1)})
        assert reply.status_code == 303, reply.text
        session: str = client.cookies["caesar_session"]
        for warm in ("/", "/cases", "/cases?number=1"):  # first use loads the index, matplotlib
            client.get(warm, cookies={"caesar_session": session})
        return session


def _wrk(url: str, paths: list[str], token: str, args: argparse.Namespace) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "token": token})
    try:
        run = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s",
                              "--timeout", "10s", "-s", script.name, url],
                             capture_output=True, text=True, check=True)
    finally:
        os.unlink(script.name)
    line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, float] = json.loads(line.removeprefix("RESULT "))
    return result


def _failures(r: dict[str, float]) -> int:
    return int(r["errors"] + r["non2xx"])


def _report(what: str, r: dict[str, float]) -> None:
    print(f"{what}: {r['requests'] / r['seconds']:.0f} requests/s, p50 {r['p50']:.0f} ms,"
          f" p95 {r['p95']:.0f} ms, p99 {r['p99']:.0f} ms, {_failures(r)} errors"
          f" ({int(r['requests'])} requests)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


if __name__ == "__main__":
    main()
