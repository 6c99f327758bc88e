#!/usr/bin/env python3
"""Fleets for scripts/bench: N targets on the stack's servers, audited by `assay run`, watched.

    fleet.py ASSAY STACK_DIR SIZE[,SIZE…] [RUNS] [-- ASSAY-RUN-ARGUMENTS…]

Half the targets are PostgreSQL databases (fleet_1 … fleet_K, created on the stack's server when
missing), half Redis logical databases (0 … 15, round robin) of the stack's Redis. Each run is
measured from outside:

  wall        elapsed time of `assay run` (supervisor and all its workers)
  cpu         user + system time of the run and every worker it waited for (wait4's rusage)
  rss max     the largest peak RSS of one process of the run (wait4's ru_maxrss)
  rss sum     the peak of the summed RSS of the whole process tree, sampled every 10 ms
  pg / redis  the most audit connections each server had at once, sampled every 10 ms from the
              server's side (pg_stat_activity of the audit user; INFO clients less the sampler)

Prints one row per fleet size: the median of the runs and, in brackets, min–max.
"""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def env(stack_dir):
    values = {}
    with open(os.path.join(stack_dir, "stack.env")) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                key, value = line.rstrip("\n").split("=", 1)
                values[key] = value
    return values


def psql(url, sql):
    return subprocess.run(["psql", "-qAtX", url, "-c", sql], check=True, capture_output=True, text=True).stdout


def ensure_databases(admin_url, count):
    existing = set(psql(admin_url, "SELECT datname FROM pg_database WHERE datname LIKE 'fleet\\_%'").split())
    missing = [f"fleet_{i}" for i in range(1, count + 1) if f"fleet_{i}" not in existing]
    if not missing:
        return
    print(f"  creating {len(missing)} PostgreSQL databases…", file=sys.stderr, flush=True)
    script = "".join(f"CREATE DATABASE {name};\n" for name in missing)
    subprocess.run(["psql", "-qX", admin_url], input=script, check=True, capture_output=True, text=True)


def write_config(path, size, e, connections_per_server):
    pg_port, redis_port = e["ASSAY_STACK_POSTGRES_PORT"], e["ASSAY_STACK_REDIS_PORT"]
    lines = ["# A fleet for scripts/bench (written by scripts/bench.d/fleet.py).", "targets:"]
    for i in range(1, size + 1):
        if i % 2:
            db = (i + 1) // 2
            lines.append(f'  - {{ name: pg-{db}, kind: postgres, url: "postgres://assay@127.0.0.1:{pg_port}/fleet_{db}", '
                         'password_env: ASSAY_STACK_POSTGRES_PASSWORD }')
        else:
            n = i // 2
            lines.append(f'  - {{ name: redis-{n}, kind: redis, url: "redis://127.0.0.1:{redis_port}/{n % 16}", '
                         'password_env: ASSAY_STACK_REDIS_PASSWORD }')
    lines += ["limits:", f"  connections_per_server: {connections_per_server}", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


class Sampler:
    """Calls `sample` every 10 ms on a thread of its own and keeps the maximum."""

    def __init__(self, sample):
        self.peak = 0
        self.samples = 0
        self._running = True
        self._sample = sample
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        while self._running:
            try:
                value = self._sample()
            except Exception:
                value = None
            if value is not None:
                self.peak = max(self.peak, value)
                self.samples += 1
            time.sleep(0.01)

    def stop(self):
        self._running = False
        self._thread.join()
        return self.peak


class PostgresCounter:
    """One psql session, kept open, that counts the audit user's connections."""

    QUERY = ("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE usename = 'assay' "
             "AND backend_type = 'client backend';\n")

    def __init__(self, admin_url):
        self.process = subprocess.Popen(["psql", "-qAtX", admin_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)

    def __call__(self):
        self.process.stdin.write(self.QUERY)
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def close(self):
        self.process.stdin.close()
        self.process.wait()


class RedisCounter:
    """One Redis connection, kept open, that reads INFO clients (less itself)."""

    def __init__(self, port, password):
        self.sock = socket.create_connection(("127.0.0.1", int(port)))
        self.file = self.sock.makefile("rb")
        self._command("AUTH", password)

    def _command(self, *words):
        payload = f"*{len(words)}\r\n" + "".join(f"${len(w.encode())}\r\n{w}\r\n" for w in words)
        self.sock.sendall(payload.encode())
        line = self.file.readline()
        if line.startswith(b"$"):
            return self.file.read(int(line[1:]) + 2).decode()
        return line.decode()

    def __call__(self):
        for line in self._command("INFO", "clients").splitlines():
            if line.startswith("connected_clients:"):
                return int(line.split(":")[1]) - 1
        return None

    def close(self):
        self.sock.close()


def tree_rss_kib(root):
    """Summed RSS of `root` and its descendants, from /proc."""
    total, stack = 0, [root]
    page_kib = os.sysconf("SC_PAGE_SIZE") // 1024
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * page_kib
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                stack += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            pass
    return total


def run_once(assay, config, e, extra):
    pg = PostgresCounter(e["ASSAY_STACK_POSTGRES_ADMIN_URL"])
    redis = RedisCounter(e["ASSAY_STACK_REDIS_PORT"], e["ASSAY_STACK_REDIS_PASSWORD"])
    pg_sampler, redis_sampler = Sampler(pg), Sampler(redis)
    child_env = dict(os.environ, **e)
    start = time.monotonic()
    process = subprocess.Popen([assay, "run", "--config", config, "--quiet", *extra], env=child_env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    rss_sampler = Sampler(lambda: tree_rss_kib(process.pid))
    # wait4 gives the rusage of the run and of every worker it reaped.
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    out, err = process.stdout.read().decode(), process.stderr.read().decode()
    rss_sum = rss_sampler.stop()
    peaks = pg_sampler.stop(), redis_sampler.stop()
    pg.close()
    redis.close()
    return {
        "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_max": usage.ru_maxrss / 1024, "rss_sum": rss_sum / 1024,
        "pg": peaks[0], "redis": peaks[1], "code": process.returncode, "verdict": (out.strip().splitlines() or [err.strip()])[-1],
    }


def spread(values, unit, digits=2):
    values = sorted(values)
    return f"{statistics.median(values):.{digits}f}{unit} [{values[0]:.{digits}f}–{values[-1]:.{digits}f}]"


def main():
    args, extra = sys.argv[1:], []
    if "--" in args:
        args, extra = args[:args.index("--")], args[args.index("--") + 1:]
    if len(args) < 3:
        sys.exit(__doc__)
    assay, stack_dir, sizes = args[0], args[1], [int(s) for s in args[2].split(",")]
    runs = int(args[3]) if len(args) > 3 else 3
    limit = int(os.environ.get("BENCH_CONNECTIONS_PER_SERVER", "4"))
    e = env(stack_dir)
    ensure_databases(e["ASSAY_STACK_POSTGRES_ADMIN_URL"], (max(sizes) + 1) // 2)
    print(f"assay run --config fleet.yaml --quiet {' '.join(extra)}".rstrip() +
          f"; connections_per_server: {limit}; {runs} runs per size; median [min–max]")
    print("| targets | wall | CPU (user+sys) | peak RSS, one process | peak RSS, all processes | peak conns PostgreSQL | peak conns Redis | exit |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    workdir = tempfile.mkdtemp(prefix="assay-fleet-")
    for size in sizes:
        config = os.path.join(workdir, f"fleet-{size}.yaml")
        write_config(config, size, e, limit)
        results = [run_once(assay, config, e, extra) for _ in range(runs)]
        codes = sorted({r["code"] for r in results})
        print(f"| {size} | {spread([r['wall'] for r in results], ' s')} | {spread([r['cpu'] for r in results], ' s')} "
              f"| {spread([r['rss_max'] for r in results], ' MB', 0)} | {spread([r['rss_sum'] for r in results], ' MB', 0)} "
              f"| {max(r['pg'] for r in results)} (limit {limit}) | {max(r['redis'] for r in results)} (limit {limit}) "
              f"| {','.join(map(str, codes))} |", flush=True)
        if any(code not in (0, 1) for code in codes):
            print(f"  exit codes {codes}: {results[-1]['verdict']}", file=sys.stderr)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
