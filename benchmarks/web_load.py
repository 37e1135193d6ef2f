"""Load for the web benchmark (benchmarks/web.py): `wrk` at a fixed concurrency for a fixed time,
or, without wrk, a Python client (asyncio + httpx) that is slower than the server it measures, so
its figures are lower bounds. Both only ever talk to 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

WRK_HINT = "apt-get install wrk (Debian/Ubuntu) or brew install wrk"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    ids_file: Path | None = None
    """with one: each request asks `path` + one of the file's lines, picked at random"""


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    """non-2xx/3xx answers, timeouts and socket errors"""
    bytes_read: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def has_wrk() -> bool:
    return shutil.which("wrk") is not None


def _local(base: str) -> None:
    if urlsplit(base).hostname != "127.0.0.1":
        raise ValueError(f"the benchmark only loads 127.0.0.1, not {base}")


# ------------------------------------------------------------------------------------ wrk

_LUA_RANDOM = """
local paths = {}
for line in io.lines("%s") do
  if #line > 0 then paths[#paths + 1] = "%s" .. line end
end
function init(args)
  math.randomseed(tonumber(tostring({}):match("0x(%%x+)"), 16) %% 2147483647)
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def run_wrk(base: str, page: Page, *, seconds: float, connections: int, threads: int) -> Result:
    _local(base)
    with tempfile.TemporaryDirectory(prefix="mekaar-wrk-") as tmp:
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
        command += ["--latency", "--timeout", "10s"]
        if page.ids_file is not None:
            script = Path(tmp) / "random.lua"
            script.write_text(_LUA_RANDOM % (_lua_string(str(page.ids_file)), page.path))
            command += ["-s", str(script), base + page.path]
        else:
            command.append(base + page.path)
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def _lua_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def parse_wrk(out: str) -> Result:
    def number(pattern: str, default: float | None = None) -> float:
        found = re.search(pattern, out)
        if found is None:
            if default is None:
                raise ValueError(f"wrk said something unexpected:\n{out}")
            return default
        return float(found.group(1))

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        return float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")

    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    if done is None:
        raise ValueError(f"wrk said something unexpected:\n{out}")
    read = re.search(r"requests in [^,]+, ([\d.]+)([KMGT]?B) read", out)
    scale = {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Result(
        requests=int(done.group(1)),
        seconds=float(done.group(2)) * _UNITS[done.group(3)] / 1e3,
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        errors=int(number(r"Non-2xx or 3xx responses: (\d+)", 0))
        + (sum(int(n) for n in socket.groups()) if socket else 0),
        bytes_read=int(float(read.group(1)) * scale[read.group(2)]) if read else 0,
    )


# ------------------------------------------------------------------------- python fallback


def run_python(base: str, page: Page, *, seconds: float, connections: int) -> Result:
    _local(base)
    return asyncio.run(_python(base, page, seconds, connections))


async def _python(base: str, page: Page, seconds: float, connections: int) -> Result:
    import random

    import httpx

    if page.ids_file is not None:
        paths = [page.path + line for line in page.ids_file.read_text().split()]
    else:
        paths = [page.path]
    latencies: list[float] = []
    errors = 0
    size = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10.0) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def user() -> None:
            nonlocal errors, size
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    response = await client.get(random.choice(paths))
                    client.cookies.clear()  # like wrk: every request a new visitor
                    size += len(response.content)
                    if response.status_code >= 400:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append((time.perf_counter() - sent) * 1e3)

        await asyncio.gather(*(user() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    return Result(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(0.50),
        p99_ms=percentile(0.99),
        errors=errors,
        bytes_read=size,
    )
