"""The funder report's benchmark (part of bench/run; `ONLY_EXPORT=1 bash bench/run` runs it
alone, in about two minutes).

Two organisations of 1,000 projects each (bench/export-data.sql: 520 long rows per
project), both linked to one funder account. The export (`layout=long`, excel-nl CSV) is
measured for an organisation user (520,000 rows) and for the funder user (1,040,000 rows,
across both organisations) against Postgres running the same statement (the three SQL
files of crates/store/src/exports, joined as the service joins them, with the same
parameters and settings, inside the same wall) as `COPY (…) TO STDOUT WITH CSV` through
psql, in interleaved pairs (COPY, service, COPY, service). Both write to /dev/null. Also:
the time to the first byte, and the service's RSS sampled every 20 ms during its runs.
"""
import os
import re
import subprocess
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPORTS = os.path.join(ROOT, "crates", "store", "src", "exports")
PROJECTS_PER_ORG = int(os.environ.get("EXPORT_PROJECTS", "1000"))
GOAL = 0.60
RSS_GOAL_MIB = 64
FIRST_BYTE_GOAL_MS = 200


def statement(for_funder):
    """The long layout's statement with the service's default parameters in place."""
    sql = "".join(open(os.path.join(EXPORTS, name)).read()
                  for name in ("1_projects.sql", "2_figures.sql", "3_long.sql"))
    values = {1: "'{submitted,accepted}'::text[]", 2: "NULL::date", 3: "NULL::date", 4: "NULL::uuid",
              5: "NULL::uuid", 6: "NULL::uuid", 7: "true" if for_funder else "false"}
    for n, value in values.items():
        sql = re.sub(rf"\${n}::(text\[\]|date|uuid|bool)", value, sql)
    code = re.sub(r"--[^\n]*", "", sql)
    assert not re.search(r"\$[0-9]", code), "a parameter left in the export statement"
    return sql


def wall(role, account):
    """What the service's read-only transaction begins with."""
    return (f"BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n"
            f"SET LOCAL jit = off;\n"
            + (f"SET LOCAL ROLE {role};\n" if role else "")
            + f"SELECT set_config('app.organisation_id', '{account}', true), "
              f"set_config('app.actor', '', true) \\g /dev/null\n")


class ExportBench:
    def __init__(self, service, pg, bin_path, password, log):
        self.service, self.pg, self.bin, self.password, self.log = service, pg, bin_path, password, log

    def init(self, command, name_flag, name, email):
        out = subprocess.run([self.bin, command, name_flag, name, "--admin-email", email,
                              "--admin-password", self.password, "--json"], env=self.service.env,
                             check=True, capture_output=True, text=True, timeout=60).stdout
        import json
        created = json.loads(out)
        token = self.service.ok("POST", "/api/v1/auth/token", None,
                                {"email": email, "password": self.password})["access_token"]
        return created, token

    def seed(self):
        started = time.monotonic()
        account, self.funder_token = self.init("init-funder", "--name", "Gemeente Export",
                                               "funder@export.example")
        self.account = account["funder_account_id"]
        self.orgs = []
        for name in ("Export Noord", "Export Zuid"):
            created, token = self.init("init", "--organisation", name,
                                       f"admin@{name.lower().replace(' ', '-')}.example")
            org = created["organisation_id"]
            self.orgs.append((org, token))
            subprocess.run([f"{self.pg.bindir}/psql", "-h", self.pg.socket, "-U", "postgres",
                            "-d", "mantelmonitor", "-q", "-v", "ON_ERROR_STOP=1",
                            "-v", f"org={org}", "-v", f"entry={uuid.uuid4()}",
                            "-v", f"account={self.account}", "-v", f"projects={PROJECTS_PER_ORG}",
                            "-f", os.path.join(ROOT, "bench", "export-data.sql")],
                           check=True, capture_output=True, timeout=600)
        self.log(f"export data set: 2 × {PROJECTS_PER_ORG} projects in {time.monotonic() - started:.1f} s")

    def copy_script(self, role, account, for_funder):
        path = os.path.join(self.pg.work, f"export-copy-{'funder' if for_funder else 'org'}.sql")
        with open(path, "w") as f:
            f.write(wall(role, account))
            f.write("COPY (\n" + statement(for_funder) + "\n) TO STDOUT WITH CSV;\nCOMMIT;\n")
        return path

    def rows(self, role, account, for_funder):
        path = os.path.join(self.pg.work, "export-count.sql")
        with open(path, "w") as f:
            f.write(wall(role, account))
            f.write("SELECT count(*) FROM (\n" + statement(for_funder) + "\n) AS q;\nCOMMIT;\n")
        out = subprocess.run([f"{self.pg.bindir}/psql", "-h", self.pg.socket, "-U", "postgres", "-d",
                              "mantelmonitor", "-qAt", "-v", "ON_ERROR_STOP=1", "-f", path],
                             check=True, capture_output=True, text=True, timeout=600).stdout
        return int(out.split()[-1])

    def copy(self, script):
        started = time.monotonic()
        with open(os.devnull, "w") as sink:
            subprocess.run([f"{self.pg.bindir}/psql", "-h", self.pg.socket, "-U", "postgres", "-d",
                            "mantelmonitor", "-qAt", "-v", "ON_ERROR_STOP=1", "-f", script],
                           check=True, stdout=sink, timeout=600)
        return time.monotonic() - started

    def export(self, token):
        """The service's export to /dev/null: seconds, seconds to the first byte, peak RSS."""
        peak = [self.service.memory("VmRSS")]
        done = threading.Event()

        def sample():
            while not done.wait(0.02):
                peak[0] = max(peak[0], self.service.memory("VmRSS"))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        out = subprocess.run(["curl", "-sS", "-o", os.devnull, "--max-time", "600", "-w",
                              "%{http_code} %{time_starttransfer} %{size_download}",
                              "-H", f"Authorization: Bearer {token}",
                              f"{self.service.base}/api/v1/exports/quarterly-figures"],
                             check=True, capture_output=True, text=True, timeout=660).stdout
        took = time.monotonic() - started
        done.set()
        sampler.join()
        status, first, size = out.split()
        if status != "200":
            raise SystemExit(f"bench: the export answered {status}")
        return took, float(first) * 1000, peak[0], int(size)

    def run(self, rounds):
        self.seed()
        org, org_token = self.orgs[0]
        cases = [
            ("organisation user", "mantelmonitor_app", org, False, org_token),
            ("funder user", "mantelmonitor_funder", self.account, True, self.funder_token),
        ]
        results = {}
        for name, role, account, for_funder, token in cases:
            rows = self.rows(role, account, for_funder)
            script = self.copy_script(role, account, for_funder)
            self.copy(script)  # warm
            self.export(token)
            r = results[name] = {"rows": rows, "copy": [], "service": [], "first_ms": [], "rss": [],
                                 "bytes": 0}
            for round_ in range(1, rounds + 1):
                copy_s = self.copy(script)
                took, first_ms, rss, size = self.export(token)
                r["copy"].append(rows / copy_s)
                r["service"].append(rows / took)
                r["first_ms"].append(first_ms)
                r["rss"].append(rss)
                r["bytes"] = size
                self.log(f"round {round_} export, {name}: {rows:,} rows; COPY {rows / copy_s:,.0f} rows/s, "
                         f"service {rows / took:,.0f} rows/s, ratio {copy_s / took:.3f}, first byte "
                         f"{first_ms:.0f} ms, RSS peak {rss:.1f} MiB, {size / 1e6:.0f} MB")
        return results


def report_lines(results):
    """The export's rows of the table of latest figures."""
    lines = ["| export | rows | COPY rows/s | service rows/s | ratio (lowest) | goal | met | "
             "first byte | RSS peak during it |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        ratios = [s / c for s, c in zip(r["service"], r["copy"])]
        low, first, rss = min(ratios), max(r["first_ms"]), max(r["rss"])
        met = low >= GOAL and first <= FIRST_BYTE_GOAL_MS and rss <= RSS_GOAL_MIB
        lines.append(
            f"| long excel-nl CSV, {name} | {r['rows']:,} ({r['bytes'] / 1e6:.0f} MB) | "
            f"{min(r['copy']):,.0f}–{max(r['copy']):,.0f} | {min(r['service']):,.0f}–{max(r['service']):,.0f} | "
            f"{low:.3f} | ≥ {GOAL:.2f}, first byte ≤ {FIRST_BYTE_GOAL_MS} ms, RSS ≤ {RSS_GOAL_MIB} MiB | "
            f"{'yes' if met else 'no'} | {first:.0f} ms | {rss:.1f} MiB |")
    lines += ["", "Export limit: the same statement (crates/store/src/exports, the long layout, "
              "default parameters) inside the same wall as `COPY (…) TO STDOUT WITH CSV` through psql, "
              "interleaved with the service; both to /dev/null. Rows per second of each; RSS sampled "
              "every 20 ms during the service's runs."]
    return lines


def history_lines(results):
    lines = ["| round | export | rows | COPY rows/s | service rows/s | ratio | first byte ms | RSS MiB |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        for i, (c, s) in enumerate(zip(r["copy"], r["service"])):
            lines.append(f"| {i + 1} | {name} | {r['rows']:,} | {c:,.0f} | {s:,.0f} | {s / c:.3f} | "
                         f"{r['first_ms'][i]:.0f} | {r['rss'][i]:.1f} |")
    return lines
