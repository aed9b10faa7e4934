#!/usr/bin/env python3
"""The benchmark suite behind bench/run (see there for how to call it).

Every request is measured against what Postgres itself does for it, in interleaved pairs
(limit, service, limit, service) with the same connection count, after a warm-up, because
these machines drift 20-50 % within an hour: the ratio is the figure, not the rate.

- Single-resource GETs (a project, a quarterly report, a plan line): against the *tenant
  read*, the one SELECT inside what the tenant wall needs (BEGIN; SET LOCAL ROLE;
  set_config; SELECT; COMMIT), prepared, as pgbench sends it, and against the bare SELECT.
  p99 is also measured at half the service's rate (a fixed rate, with hey).
- The report PUT: against pgbench running the same write transaction (the project under
  a key-share lock, the report updated with a changed body sent as text and read as JSON,
  its event written by the trigger), as the service's load sends a changed body each time.
- Lists, summary, plan document, progress: against pgbench running the statements the
  service itself sent for that request (captured with log_statement), inside the wall.
- Bulk figures: a 100,000-row CSV, stored, in rows per second.
- RSS: idle after start, and the peak (VmHWM) over every load.
- Statements per request, from Postgres' own log (log_statement = all).
- The funder report (bench/export_bench.py): the export against COPY of the same statement,
  for an organisation user and a funder user, with its first byte and RSS.

Only loopback addresses are used, and every run is bounded in time.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_bench  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DURATION = int(os.environ.get("DURATION", "8"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "8"))
ROUNDS = int(os.environ.get("ROUNDS", "2"))
BULK_ROWS = int(os.environ.get("BULK_ROWS", "100000"))
BIN = os.environ["BIN"]
LABEL = os.environ.get("LABEL", "unknown")
QUIET_BUSY = 0.15  # the share of CPU time others may use before we start
PASSWORD = "bench password 123"

GOALS = {
    "single": 0.60,
    "write": 0.50,
    "many": 0.30,
    "bulk_rows_per_s": 50_000,
    "rss_idle_mib": 30,
    "rss_load_mib": 100,
    "p99_half_rate_ms": 3.0,
}


def log(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    def __init__(self, work):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, MANTELMONITOR_DATA_DIR=work,
                        MANTELMONITOR_BIND=f"127.0.0.1:{self.port}",
                        MANTELMONITOR_LOG_FORMAT="json", RUST_LOG="warn",
                        # No background rounds (webhook delivery, the overdue check):
                        # their statements would be counted as a request's.
                        MANTELMONITOR_WEBHOOK_DELIVERY="false",
                        MANTELMONITOR_OVERDUE_CHECK_SECONDS="86400")
        self.env.pop("DATABASE_URL", None)
        self.log = open(os.path.join(work, "server.log"), "w")
        started = time.monotonic()
        self.process = subprocess.Popen([BIN, "serve"], env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = started + 60
        while time.monotonic() < deadline:
            try:
                if self.call("GET", "/health/ready", timeout=1)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.02)
        else:
            sys.exit("bench: the service did not start within 60 s")
        self.cold_start = time.monotonic() - started

    def call(self, method, path, token=None, body=None, content_type="application/json",
             headers=None, timeout=120):
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", content_type)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def ok(self, method, path, token, body=None, **kwargs):
        status, answer = self.call(method, path, token, body, **kwargs)
        if status not in (200, 201, 204):
            sys.exit(f"bench: {method} {path} answered {status}: {answer[:500]!r}")
        return json.loads(answer) if answer else None

    def memory(self, field):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def cpu_busy(seconds=2.0):
    def sample():
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields), idle
    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def wait_until_quiet():
    """The share of CPU busy before the run (waiting up to 30 s for it to fall)."""
    busy = cpu_busy()
    deadline = time.monotonic() + 30
    while busy > QUIET_BUSY and time.monotonic() < deadline:
        log(f"bench: the machine is {busy:.0%} busy; waiting for it to be quiet")
        busy = cpu_busy(3)
    return busy


def seed(service):
    """An organisation, its admin signed in, a project with a plan and a report."""
    subprocess.run([BIN, "init", "--organisation", "Bench", "--admin-email", "bench@bench.example",
                    "--admin-password", PASSWORD, "--json"], env=service.env, check=True,
                   stdout=subprocess.DEVNULL, timeout=60)
    token = service.ok("POST", "/api/v1/auth/token", None,
                       {"email": "bench@bench.example", "password": PASSWORD})["access_token"]
    org = service.ok("GET", "/api/v1/organisation", token)["id"]
    project = service.ok("POST", "/api/v1/projects", token,
                         {"name": "Bench", "start_date": "2026-01-01", "end_date": "2026-12-31"})["id"]
    lines = f"/api/v1/projects/{project}"
    groups = [service.ok("POST", f"{lines}/target-groups", token,
                         {"name": f"Groep {i}", "languages": ["nl", "tr"]})["id"] for i in range(20)]
    budget = [service.ok("POST", f"{lines}/budget-lines", token,
                         {"category": "communication", "description": f"Post {i}", "amount": "1000.00"})["id"]
              for i in range(5)]
    for activity, quarter in [("outreach", "2026-Q1"), ("coordination", "2026-Q2")]:
        service.ok("POST", f"{lines}/hours", token,
                   {"activity": activity, "quarter": quarter, "hours": "40", "hourly_rate": "50"})
    for i in range(49):
        service.ok("POST", "/api/v1/projects", token,
                   {"name": f"Project {i}", "start_date": "2026-01-01", "end_date": "2026-12-31"})
    content = {
        "reach": {"per_target_group": [{"target_group_id": g, "new": 3, "total": 9} for g in groups[:5]],
                  "key_person_contacts": 4},
        "communication": [{"channel": "flyers", "language": "tr", "count": 20, "estimated_reach": 15,
                           "cost": "12.50"}],
        "budget": {"spent": [{"budget_line_id": b, "amount": "100.00"} for b in budget],
                   "hours": [{"activity": "outreach", "hours": "12.50"}]},
        "narrative": {"developments": "Bench __N__"},
    }
    report = f"{lines}/quarterly-reports/2026-Q1"
    service.ok("PUT", report, token, json.loads(json.dumps(content).replace("__N__", "0")))
    return {"token": token, "org": org, "project": project, "group": groups[0], "report": report,
            "content": content}


class Postgres:
    def __init__(self, work):
        pid_file = os.path.join(work, "postgres", "data", "postmaster.pid")
        with open(pid_file) as f:
            self.socket = f.read().splitlines()[4]
        pg_ctl = shutil.which("pg_ctl") or "/usr/lib/postgresql/15/bin/pg_ctl"
        bindir = os.path.dirname(os.path.realpath(pg_ctl))
        if not os.path.exists(os.path.join(bindir, "pgbench")):
            bindir = "/usr/lib/postgresql/15/bin"
        self.bindir = bindir
        self.work = work
        self.logs = [os.path.join(d, f) for d, _, files in os.walk(os.path.join(work, "postgres"))
                     for f in files if f.endswith(".log")]
        if not self.logs:
            sys.exit(f"bench: no Postgres log under {work}/postgres")

    def psql(self, *commands):
        args = [f"{self.bindir}/psql", "-h", self.socket, "-U", "postgres", "-d", "mantelmonitor", "-qAt"]
        for c in commands:
            args += ["-c", c]
        return subprocess.run(args, check=True, capture_output=True, text=True, timeout=30).stdout

    def pgbench(self, script, seconds=DURATION):
        path = os.path.join(self.work, "script.sql")
        with open(path, "w") as f:
            f.write(script)
        out = subprocess.run([f"{self.bindir}/pgbench", "-h", self.socket, "-U", "postgres", "-n",
                              "-M", "prepared", "-c", str(CONNECTIONS), "-j", "2", "-T", str(seconds),
                              "-f", path, "mantelmonitor"], capture_output=True, text=True,
                             timeout=seconds + 60)
        found = re.search(r"^tps = ([0-9.]+)", out.stdout, re.M)
        if not found:
            sys.exit(f"bench: pgbench failed: {out.stderr[-800:]}\n{script}")
        return float(found.group(1))

    def log_size(self):
        return sum(os.path.getsize(p) for p in self.logs)

    def statements_of(self, action):
        """The statements Postgres logged while `action` ran, with their parameters in place."""
        self.psql("ALTER SYSTEM SET log_statement = 'all'", "SELECT pg_reload_conf()")
        time.sleep(0.3)
        # Twice, and only the second counts: the first refreshes the remembered user check
        # that the pause for the log setting may have outlived.
        action()
        # A read's COMMIT goes out with its connection's next statement or from the
        # sweep of idle connections within milliseconds: wait for the first request's
        # before counting (not so long that the user check is due again), and for the
        # second's after.
        time.sleep(0.05)
        sizes = [os.path.getsize(p) for p in self.logs]
        action()
        time.sleep(0.3)
        self.psql("ALTER SYSTEM RESET log_statement", "SELECT pg_reload_conf()")
        text = ""
        for path, size in zip(self.logs, sizes):
            with open(path, errors="replace") as f:
                f.seek(size)
                text += f.read()
        statements = []
        for line in text.splitlines():
            found = re.search(r"LOG:\s+(?:statement|execute [^:]+): (.*)$", line)
            if found:
                statements.append(found.group(1))
                continue
            found = re.search(r"DETAIL:\s+parameters: (.*)$", line)
            if found and statements:
                values = dict(re.findall(r"\$(\d+) = ('(?:[^']|'')*'|NULL)", found.group(1)))
                sql = statements[-1]
                for n in sorted(values, key=int, reverse=True):
                    sql = sql.replace(f"${n}", values[n])
                statements[-1] = sql
        statements = [s for s in statements if "ALTER SYSTEM" not in s and "pg_reload_conf" not in s]
        if os.environ.get("SHOW_STATEMENTS"):
            log("\n".join(f"  {s[:160]}" for s in statements))
        return statements


def tenant_wall(org, statements, actor=None):
    """`statements` inside what the tenant wall needs, one statement per line for pgbench."""
    settings = f"set_config('app.organisation_id', '{org}', true)"
    if actor:
        settings += f", set_config('app.actor', '{actor}', true)"
    lines = ["BEGIN;", "SET LOCAL ROLE mantelmonitor_app;", f"SELECT {settings};"]
    lines += [s.rstrip(";") + ";" for s in statements]
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def without_wall(statements):
    """The service's own statements, less its transaction start and end."""
    kept = []
    for s in statements:
        if s.startswith("BEGIN"):
            continue
        if s in ("COMMIT", "ROLLBACK"):
            continue
        kept.append(s)
    return kept


def wrk(service, token, path, seconds=DURATION, script=None):
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
            "-H", f"Authorization: Bearer {token}"]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [service.base + path], capture_output=True, text=True,
                         timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"bench: {path} answered {errors.group(1)} errors under load:\n{out}")

    def latency(p):
        found = re.search(rf"^\s+{p}%\s+([0-9.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(found.group(1)), found.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rate, latency(50), latency(99)


def hey_p99(service, token, path, rate, seconds=DURATION):
    """p99 in ms at a fixed `rate` of requests per second (hey, CONNECTIONS workers)."""
    per_worker = max(1, int(rate / CONNECTIONS))
    out = subprocess.run(["hey", "-z", f"{seconds}s", "-c", str(CONNECTIONS), "-q", str(per_worker),
                          "-H", f"Authorization: Bearer {token}", service.base + path],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    found = re.search(r"99%+ in ([0-9.]+) secs", out)
    return float(found.group(1)) * 1000 if found else float("nan")


def put_script(work, seeded):
    """A wrk script: the report PUT with a changed body each time."""
    body = json.dumps(seeded["content"]).replace('"', '\\"')
    path = os.path.join(work, "put.lua")
    with open(path, "w") as f:
        f.write(f'''
local counter = 0
local template = "{body}"
function setup(thread) thread:set("seed", math.random(1, 1000000000)) end
function init(args) counter = seed * 1000 end
function request()
  counter = counter + 1
  local body = string.gsub(template, "__N__", tostring(counter))
  return wrk.format("PUT", "{seeded['report']}", {{["Content-Type"] = "application/json",
    ["If-Match"] = "*", ["Authorization"] = "Bearer {seeded['token']}"}}, body)
end
''')
    return path


def bulk_csv(service, seeded, rows):
    """A CSV of `rows` distinct figures over enough projects and quarters, and its row count."""
    token = seeded["token"]
    per_project = 0
    projects = []
    # Each project: 250 target groups and 250 budget lines (one plan PUT), 2020-2029:
    # 500 reach figures and 250 spent figures per quarter.
    quarters = [f"{y}-Q{q}" for y in range(2020, 2030) for q in range(1, 5)]
    per_project = len(quarters) * 750
    for p in range((rows + per_project - 1) // per_project):
        document = {
            "project": {"name": f"Bulk {p}", "start_date": "2020-01-01", "end_date": "2029-12-31"},
            "target_groups": [{"id": f"00000000-0000-4000-8000-{i:012d}", "name": f"Groep {i}", "languages": ["nl"]} for i in range(250)],
            "budget_lines": [{"id": f"00000000-0000-4000-9000-{i:012d}", "category": "activities", "description": f"Post {i}",
                              "amount": "100000.00"} for i in range(250)],
        }
        project = service.ok("POST", "/api/v1/projects", token,
                             {"name": f"Bulk {p}", "start_date": "2020-01-01", "end_date": "2029-12-31"})["id"]
        plan = service.ok("PUT", f"/api/v1/projects/{project}/plan", token, document,
                          headers={"If-Match": "*"})
        projects.append((project, [g["id"] for g in plan["target_groups"]],
                         [b["id"] for b in plan["budget_lines"]]))
    out = ["project;kwartaal;cijfer;onderwerp;waarde"]
    for project, groups, lines in projects:
        for quarter in quarters:
            for g in groups:
                out.append(f"{project};{quarter};reach_new;{g};3")
                out.append(f"{project};{quarter};reach_total;{g};7")
            for b in lines:
                out.append(f"{project};{quarter};spent;{b};12,50")
            if len(out) > rows:
                break
        if len(out) > rows:
            break
    out = out[: rows + 1]
    return ("\r\n".join(out) + "\r\n").encode(), len(out) - 1


def main():
    work = tempfile.mkdtemp(prefix="mm-bench-")
    os.chmod(work, 0o755)
    busy = wait_until_quiet()
    service = Service(work)
    try:
        run(service, work, busy)
    finally:
        service.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(service, work, busy):
    time.sleep(2)
    rss_idle = service.memory("VmRSS")
    if os.environ.get("ONLY_EXPORT"):
        exports = export_bench.ExportBench(service, Postgres(work), BIN, PASSWORD, log).run(ROUNDS)
        write_export(exports)
        return
    seeded = seed(service)
    pg = Postgres(work)
    token, org, project = seeded["token"], seeded["org"], seeded["project"]
    user = service.ok("GET", "/api/v1/users/me", token)["id"]
    actor = f"user:{user}"

    project_select = (f"SELECT * FROM projects WHERE organisation_id = '{org}' AND id = '{project}'")
    report_select = (f"SELECT * FROM quarterly_reports WHERE organisation_id = '{org}' "
                     f"AND project_id = '{project}' AND quarter = '2026-01-01'")
    line_select = (f"SELECT * FROM target_groups WHERE organisation_id = '{org}' "
                   f"AND id = '{seeded['group']}'")
    report_id = pg.psql(f"SELECT id FROM quarterly_reports WHERE project_id = '{project}'").strip()
    # A changed body each time, as the service's load sends: the content is sent as text
    # and read as JSON on every transaction, and since it changed, the report's event is
    # written (a body that stays the same leaves the row as it is and writes no event).
    before, after = (part.replace("'", "''") for part in json.dumps(seeded["content"]).split("__N__"))
    write = [f"SELECT id FROM projects WHERE organisation_id = '{org}' AND id = '{project}' FOR KEY SHARE",
             f"UPDATE quarterly_reports SET content = ('{before}' || :n || '{after}')::jsonb, "
             f"version = version + 1, updated_at = now() WHERE id = '{report_id}'"]

    cases = [
        # name, kind, path, reference script, bare script
        ("GET /projects/{id}", "single", f"/api/v1/projects/{project}",
         tenant_wall(org, [project_select]), project_select + ";\n"),
        ("GET …/quarterly-reports/{quarter}", "single", seeded["report"],
         tenant_wall(org, [report_select]), report_select + ";\n"),
        ("GET …/target-groups/{id}", "single", f"/api/v1/projects/{project}/target-groups/{seeded['group']}",
         tenant_wall(org, [line_select]), line_select + ";\n"),
        ("PUT …/quarterly-reports/{quarter}", "write", seeded["report"],
         "\\set n random(1, 2000000000)\n" + tenant_wall(org, write, actor), None),
    ]
    for name, path in [("GET /projects?limit=50", "/api/v1/projects?limit=50"),
                       ("GET …/summary", f"/api/v1/projects/{project}/summary"),
                       ("GET …/plan", f"/api/v1/projects/{project}/plan"),
                       ("GET …/progress", f"/api/v1/projects/{project}/progress")]:
        sent = pg.statements_of(lambda: service.ok("GET", path, token))
        cases.append((name, "many", path, tenant_wall(org, without_wall(sent)), None))

    # CASES="GET /projects/{id},PUT" measures only the cases whose names contain one of
    # the comma-separated parts, logs them and writes nothing: for trying a change.
    only = [part for part in os.environ.get("CASES", "").split(",") if part]
    if only:
        cases = [case for case in cases if any(part in case[0] for part in only)]

    # Statements per request, as Postgres logged them (the user check remembered).
    statements = {}
    for name, kind, path, _, _ in cases:
        if kind == "write":
            sent = iter(range(1_000_000))  # a changed body each time, as under load

            def action(path=path, sent=sent):
                body = json.dumps(seeded["content"]).replace("__N__", f"statements {next(sent)}")
                service.ok("PUT", path, token, body.encode(), headers={"If-Match": "*"})
        else:
            action = lambda: service.ok("GET", path, token)
        service.ok("GET", "/api/v1/users/me", token)
        statements[name] = len(pg.statements_of(action))
        log(f"{name}: {statements[name]} statements per request")

    if os.environ.get("ONLY_STATEMENTS"):
        return
    script = put_script(work, seeded)
    log("warming up")
    for name, kind, path, reference, bare in cases:
        pg.pgbench(reference, 2)
        wrk(service, token, path, 2, script if kind == "write" else None)

    results = {name: {"ref": [], "bare": [], "service": [], "p50": [], "p99": []} for name, *_ in cases}
    for round_ in range(1, ROUNDS + 1):
        for name, kind, path, reference, bare in cases:
            r = results[name]
            r["ref"].append(pg.pgbench(reference))
            rate, p50, p99 = wrk(service, token, path, script=script if kind == "write" else None)
            r["service"].append(rate)
            r["p50"].append(p50)
            r["p99"].append(p99)
            if bare:
                r["bare"].append(pg.pgbench(bare))
            log(f"round {round_} {name}: Postgres {r['ref'][-1]:.0f} tps, service {rate:.0f} req/s, "
                f"ratio {rate / r['ref'][-1]:.3f}, p50 {p50:.2f} ms, p99 {p99:.2f} ms")

    if only:
        log(f"RSS peak {service.memory('VmHWM'):.1f} MiB; CASES is set: nothing written")
        return
    half_rate = {}
    if shutil.which("hey"):
        for name, kind, path, _, _ in cases:
            if kind == "single":
                rate = min(results[name]["service"]) / 2
                half_rate[name] = (rate, hey_p99(service, token, path, rate))
                log(f"{name}: p99 {half_rate[name][1]:.2f} ms at {rate:.0f} req/s")

    body, rows = bulk_csv(service, seeded, BULK_ROWS)
    bulk = []
    for attempt in range(2):
        started = time.monotonic()
        status, answer = service.call("POST", "/api/v1/quarterly-figures", token, body,
                                      content_type="text/csv", timeout=300)
        took = time.monotonic() - started
        if status != 200:
            sys.exit(f"bench: bulk figures answered {status}: {answer[:800]!r}")
        bulk.append(rows / took)
        log(f"bulk figures: {rows} rows ({len(body) / 1e6:.1f} MB) stored in {took:.2f} s: {rows / took:.0f} rows/s")
    rss_peak = service.memory("VmHWM")
    rss_after = service.memory("VmRSS")
    report(results, cases, statements, half_rate, bulk, rows, len(body), busy, rss_idle, rss_peak,
           rss_after, service.cold_start)
    exports = export_bench.ExportBench(service, pg, BIN, PASSWORD, log).run(ROUNDS)
    write_export(exports)


def write_export(exports):
    """The export's table (between its markers in BENCHMARKS.md) and its history."""
    when = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime())
    latest = [f"Latest export run: {when}, {LABEL}, {os.cpu_count()} cores, {ROUNDS} interleaved rounds.",
              "", *export_bench.report_lines(exports)]
    path = os.path.join(ROOT, "BENCHMARKS.md")
    with open(path) as f:
        text = f.read()
    start, end = "<!-- export -->", "<!-- /export -->"
    block = start + "\n" + "\n".join(latest) + "\n" + end
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        after = text.index("<!-- /latest -->") + len("<!-- /latest -->")
        text = text[:after] + "\n\n" + block + text[after:]
    text = text.rstrip("\n") + "\n\n" + "\n".join([
        f"## {when} {LABEL}: the funder report export", "",
        *export_bench.history_lines(exports)]) + "\n"
    with open(path, "w") as f:
        f.write(text)
    print("\n".join(latest))
    log("written to BENCHMARKS.md")


def report(results, cases, statements, half_rate, bulk, rows, body_bytes, busy, rss_idle, rss_peak,
           rss_after, cold_start):
    commit = LABEL
    when = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime())
    cores = os.cpu_count()
    goal_of = {"single": GOALS["single"], "write": GOALS["write"], "many": GOALS["many"]}
    latest = [f"Latest run: {when}, {commit}, {cores} cores, {CONNECTIONS} connections, "
              f"{ROUNDS} interleaved rounds of {DURATION} s; the machine was {busy:.0%} busy before it.",
              "", "| request | statements | service req/s | limit tps | ratio (lowest) | goal | met | "
              "ratio to the bare read | p99 (at half rate) |",
              "|---|---|---|---|---|---|---|---|---|"]
    history = []
    for name, kind, *_ in cases:
        r = results[name]
        ratios = [s / l for s, l in zip(r["service"], r["ref"])]
        low = min(ratios)
        bare = ", ".join(f"{s / b:.3f}" for s, b in zip(r["service"], r["bare"])) if r["bare"] else "—"
        p99 = f"{max(r['p99']):.2f} ms"
        if name in half_rate:
            p99 += f" ({half_rate[name][1]:.2f} ms at {half_rate[name][0]:.0f}/s)"
        goal = goal_of[kind]
        latest.append(f"| `{name}` | {statements[name]} | {min(r['service']):,.0f}–{max(r['service']):,.0f} | "
                      f"{min(r['ref']):,.0f}–{max(r['ref']):,.0f} | {low:.3f} | ≥ {goal:.2f} | "
                      f"{'yes' if low >= goal else 'no'} | {bare} | {p99} |")
        for i, (s, l) in enumerate(zip(r["service"], r["ref"])):
            history.append(f"| {i + 1} | `{name}` | {l:,.0f} | {s:,.0f} | {s / l:.3f} | "
                           f"{r['p50'][i]:.2f} | {r['p99'][i]:.2f} |")
    low_bulk = min(bulk)
    latest += [
        f"| bulk `POST /quarterly-figures`, {rows:,} CSV rows ({body_bytes / 1e6:.1f} MB) | — | "
        f"{low_bulk:,.0f}–{max(bulk):,.0f} rows/s | — | — | ≥ {GOALS['bulk_rows_per_s']:,} rows/s | "
        f"{'yes' if low_bulk >= GOALS['bulk_rows_per_s'] else 'no'} | — | — |",
        "",
        "Limits (pgbench -M prepared, same socket and connections): single-resource GETs against "
        "the tenant read (BEGIN; SET LOCAL ROLE mantelmonitor_app; set_config; the SELECT; COMMIT) "
        "and, in its own column, the bare SELECT; the PUT against the same write transaction "
        "(the project key-share locked, the report updated with a changed body sent as text, its "
        "event written by the trigger; before 2026-12-08 the body stayed the same, so no event was "
        "written and the limit was higher); "
        "lists, summary, plan and progress against the statements the service sent for them "
        "(log_statement), inside the same wall. Statements: as Postgres logged them for one "
        "request, the transaction's start (sent with the first statement) and its COMMIT included.",
        "",
        f"RSS: {rss_idle:.1f} MiB idle after start (goal ≤ {GOALS['rss_idle_mib']}: "
        f"{'met' if rss_idle <= GOALS['rss_idle_mib'] else 'not met'}), peak {rss_peak:.1f} MiB over every load "
        f"(goal ≤ {GOALS['rss_load_mib']}: {'met' if rss_peak <= GOALS['rss_load_mib'] else 'not met'}), "
        f"{rss_after:.1f} MiB after. Cold start with a new cluster (initdb included): {cold_start:.2f} s.",
    ]
    path = os.path.join(ROOT, "BENCHMARKS.md")
    with open(path) as f:
        text = f.read()
    start, end = "<!-- latest -->", "<!-- /latest -->"
    block = start + "\n" + "\n".join(latest) + "\n" + end
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        first = text.index("\n## ") if "\n## " in text else len(text)
        text = text[:first] + "\n\n" + block + "\n" + text[first:]
    text = text.rstrip("\n") + "\n\n" + "\n".join([
        f"## {when} {commit}: the suite ({CONNECTIONS} connections, {DURATION} s per run)",
        "",
        f"{cores} cores, {busy:.0%} busy before. Limits: pgbench -M prepared on the same socket, "
        "interleaved with the service (see the table at the top for what each limit runs).",
        "",
        "| round | request | Postgres tps | service req/s | ratio | p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
        *history,
        "",
        f"Bulk: {', '.join(f'{b:,.0f}' for b in bulk)} rows/s for {rows:,} rows. RSS idle {rss_idle:.1f} MiB, "
        f"peak {rss_peak:.1f} MiB. Cold start {cold_start:.2f} s.",
    ]) + "\n"
    with open(path, "w") as f:
        f.write(text)
    print("\n".join(latest))
    log("written to BENCHMARKS.md")


if __name__ == "__main__":
    main()
