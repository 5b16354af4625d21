#!/usr/bin/env python3
"""Smoke-test a running Prongsai CKAN-compatible API with the real `ckanapi` client.

Usage: ckan_smoke.py BASE_URL [--query Q] [--dataset NAME]

BASE_URL is the site root (ckanapi adds /api/action/...), e.g. http://127.0.0.1:8080
or http://127.0.0.1:8080/orgs/chachoengsao if the API is mounted per organization.
Needs tests/clients/.venv (run tests/clients/setup.sh). Exits non-zero on the first
failed assertion. Each check runs the `ckanapi` command line, as a user would:

  ckanapi action package_list -r URL            (POST) and with -g (GET)
  ckanapi action package_search -r URL q=Q rows=2
  ckanapi action package_show -r URL id=NAME
  ckanapi action package_show -r URL id=<missing>   -> must fail with NotFound
  ckanapi action organization_list -r URL all_fields=true
  ckanapi action status_show -r URL
  ckanapi search datasets -r URL q=Q            (pages through package_search like a harvester)
  ckanapi dump datasets --all -r URL -O FILE -p 1
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CKANAPI = Path(__file__).resolve().parent / ".venv" / "bin" / "ckanapi"


def ckanapi(*args, expect_ok=True):
    cmd = [str(CKANAPI), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if expect_ok and proc.returncode != 0:
        sys.exit(f"FAILED: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    return proc


def action(url, name, *params, get=False):
    extra = ["-g"] if get else []
    return json.loads(ckanapi("action", name, "-r", url, *extra, *params).stdout)


def check(cond, what):
    if not cond:
        sys.exit(f"FAILED: {what}")
    print(f"ok - {what}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base_url")
    ap.add_argument("--query", default="")
    ap.add_argument("--dataset")
    a = ap.parse_args()
    url = a.base_url.rstrip("/")
    if not CKANAPI.exists():
        sys.exit("tests/clients/.venv is missing: run tests/clients/setup.sh")

    names = action(url, "package_list")
    check(isinstance(names, list) and all(isinstance(n, str) for n in names), "package_list returns names (POST)")
    check(action(url, "package_list", get=True) == names, "package_list over GET matches POST")

    q = [f"q={a.query}"] if a.query else []
    res = action(url, "package_search", *q, "rows=2")
    check(set(res) >= {"count", "results", "sort", "facets", "search_facets"}, "package_search result keys")
    check(len(res["results"]) <= 2 and res["count"] >= len(res["results"]), "package_search honours rows")

    name = a.dataset or (res["results"][0]["name"] if res["results"] else (names[0] if names else None))
    if name:
        pkg = action(url, "package_show", f"id={name}")
        check(pkg["name"] == name or pkg["id"] == name, f"package_show id={name}")
        check(pkg["num_resources"] == len(pkg["resources"]), "num_resources matches resources")
        check(pkg["num_tags"] == len(pkg["tags"]), "num_tags matches tags")
        check("data_type" in pkg, "dataset carries thai-gdc fields (data_type)")
        for r in pkg["resources"][:1]:
            rs = action(url, "resource_show", f"id={r['id']}")
            check(rs["id"] == r["id"], "resource_show")

    missing = ckanapi("action", "package_show", "-r", url, "id=prongsai-no-such-dataset", expect_ok=False)
    check(missing.returncode != 0 and "NotFound" in (missing.stdout + missing.stderr), "missing dataset is NotFound")

    orgs = action(url, "organization_list", "all_fields:true")
    check(isinstance(orgs, list) and all("package_count" in o for o in orgs), "organization_list all_fields")
    status = action(url, "status_show")
    check("ckan_version" in status, "status_show has ckan_version")

    found = [json.loads(line) for line in ckanapi("search", "datasets", "-r", url, *q).stdout.splitlines() if line.strip()]
    full = action(url, "package_search", *q, "rows=0")
    check(len(found) == full["count"], f"search datasets paged through all {full['count']} results")

    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "datasets.jsonl"
        ckanapi("dump", "datasets", "--all", "-r", url, "-O", str(out), "-p", "1", "-q")
        dumped = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
        check(sorted(p["name"] for p in dumped) == sorted(names), f"dump datasets --all wrote {len(names)} datasets")
    print("all ckanapi checks passed")


if __name__ == "__main__":
    main()
