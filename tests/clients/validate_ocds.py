#!/usr/bin/env python3
"""Validate OCDS packages with the real libcoveocds, offline, and print a JSON summary.

Usage: validate_ocds.py PACKAGE.json [PACKAGE.json ...]

libcoveocds normally downloads the OCDS standard (a ZIP of the standard repository at tag
1__1__5) and every extension listed in a package's `extensions`. This machine (and CI)
only reach package registries, so this script:

* builds that ZIP in memory from the schema files vendored in
  crates/opendata/schema/ocds-1.1.5/ and hands it to libcoveocds through its
  `standard_zip` setting (ocdsextensionregistry accepts the ZIP as bytes);
* answers requests for https://standard.open-contracting.org/schema/1__1__5/*.json (the
  record package schema's $refs, which jsonref resolves over HTTP) from the same files;
* answers requests for the bids extension's canonical URL
  (https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/),
  and for the GitHub archive ZIP that ocdsextensionregistry derives from it, from
  crates/opendata/schema/ocds_bid_extension-v1.1.5/, by mounting a requests
  adapter on ocdsextensionregistry's HTTP session;
* refuses every other HTTP request, so nothing silently depends on the network;
* derives one-column codelist CSVs for the closed codelists from the schemas' enums
  (libcoveocds reports closed-codelist violations from codelists, not from the enums);
* works around a libcoveocds 0.17.0 crash when the standard has no codelists (below).

Prints one JSON object per package: {"file", "validation_errors": [...],
"invalid_extension": {...}, "additional_fields": [...], "deprecated_fields": [...],
"additional_closed_codelist_values": {...}, "additional_checks": {...}, "json_deref_error"}.
Exit status: 0 if every package has no validation errors, no value outside a closed
codelist and no invalid extension; 1 otherwise.
"""

import functools
import io
import json
import sys
import zipfile
from pathlib import Path

import requests
import urllib3
from requests.adapters import BaseAdapter

import libcoveocds.api
import ocdsextensionregistry.util
from libcoveocds.config import LibCoveOCDSConfig
from libcoveocds.schema import SchemaOCDS

# libcoveocds 0.17.0's process_codelists() calls self._standard_codelists.cache_clear()
# when the standard yields no codelists, on a method that is not cached (AttributeError).
# Caching it, as that call assumes, keeps a failure to read codelists from crashing.
SchemaOCDS._standard_codelists = functools.lru_cache(SchemaOCDS._standard_codelists)  # noqa: B019

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "crates" / "opendata" / "schema"
STANDARD_DIR = SCHEMA / "ocds-1.1.5"
BIDS_DIR = SCHEMA / "ocds_bid_extension-v1.1.5"
BIDS_PREFIX = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/"
# ocdsextensionregistry downloads a GitHub-hosted extension as the repository archive.
BIDS_ARCHIVE = "https://github.com/open-contracting-extensions/ocds_bid_extension/archive/v1.1.5.zip"
STANDARD_PREFIXES = (
    "https://standard.open-contracting.org/schema/1__1__5/",
    "http://standard.open-contracting.org/schema/1__1__5/",
)


def closed_codelists(schema) -> dict:
    """{"method.csv": ["open", ...]} for every closed codelist, from the schema's enums.

    The codelist CSVs are not vendored (no offline source had them byte-exact). For a
    closed codelist the schema's `enum` is the codelist's Code column, so a one-column CSV
    is derived from it here; libcoveocds reports values outside closed codelists from these.
    Open codelists (partyRole, documentType, ...) have no enum and are left out, so their
    "additional open codelist values" check does not run offline.
    """
    found = {}

    def walk(node):
        if isinstance(node, dict):
            name = node.get("codelist")
            enum = node.get("enum") or (node.get("items") or {}).get("enum")
            if name and node.get("openCodelist") is False and enum:
                found[name] = [v for v in enum if v is not None]
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    return found


def csv_text(codes) -> str:
    return "Code\r\n" + "".join(f"{c}\r\n" for c in codes)


def standard_zip() -> bytes:
    """A ZIP laid out like GitHub's archive of open-contracting/standard at 1__1__5."""
    buf = io.BytesIO()
    release_schema = json.loads((STANDARD_DIR / "release-schema.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("standard-1__1__5/", "")  # ocdsextensionregistry reads names[0] as the root
        for f in sorted(STANDARD_DIR.glob("*.json")):
            z.write(f, f"standard-1__1__5/schema/{f.name}")
        for name, codes in sorted(closed_codelists(release_schema).items()):
            z.writestr(f"standard-1__1__5/schema/codelists/{name}", csv_text(codes))
    return buf.getvalue()


# The Code column of the extension's open bidStatistics.csv codelist (v1.1.5).
BID_STATISTICS = [
    "requests", "bids", "validBids", "bidders", "qualifiedBidders", "disqualifiedBidders",
    "electronicBids", "smeBids", "foreignBids", "foreignBidsFromEU",
]


def bids_zip() -> bytes:
    """A ZIP laid out like GitHub's archive of ocds_bid_extension at v1.1.5."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ocds_bid_extension-1.1.5/", "")
        for f in sorted(BIDS_DIR.glob("*.json")):
            z.write(f, f"ocds_bid_extension-1.1.5/{f.name}")
        ext_schema = json.loads((BIDS_DIR / "release-schema.json").read_text(encoding="utf-8"))
        for name, codes in sorted(closed_codelists(ext_schema).items()):
            if name != "currency.csv":  # a core codelist, not the extension's
                z.writestr(f"ocds_bid_extension-1.1.5/codelists/{name}", csv_text(codes))
        z.writestr("ocds_bid_extension-1.1.5/codelists/bidStatistics.csv", csv_text(BID_STATISTICS))
    return buf.getvalue()


def make_response(request, status, content, content_type):
    raw = urllib3.HTTPResponse(
        body=io.BytesIO(content),
        headers={"Content-Type": content_type},
        status=status,
        preload_content=False,
        request_url=request.url,
    )
    # HTTPAdapter.build_response() is what real adapters use; requests-cache needs `raw`.
    return requests.adapters.HTTPAdapter().build_response(request, raw)


class OfflineAdapter(BaseAdapter):
    """Serves vendored standard and extension files; refuses everything else."""

    def send(self, request, **kwargs):
        path = None
        if request.url == BIDS_ARCHIVE:
            return make_response(request, 200, bids_zip(), "application/zip")
        if request.url.startswith(BIDS_PREFIX):
            path = BIDS_DIR / request.url[len(BIDS_PREFIX):]
        for prefix in STANDARD_PREFIXES:
            if request.url.startswith(prefix):
                path = STANDARD_DIR / request.url[len(prefix):]
        if path is not None:
            if path.is_file():
                return make_response(request, 200, path.read_bytes(), "application/json")
            return make_response(request, 404, b"", "text/plain")
        raise requests.ConnectionError(f"offline validation: refusing to fetch {request.url}")

    def close(self):
        pass


def main(paths):
    session = ocdsextensionregistry.util.session
    adapter = OfflineAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    # jsonref (dereferencing the record package schema's $refs) uses plain requests.get().
    requests.adapters.HTTPAdapter.send = lambda self, request, **kw: adapter.send(request, **kw)
    zip_bytes = standard_zip()

    ok = True
    for path in paths:
        config = LibCoveOCDSConfig()
        config.config["context"] = "api"
        config.config["standard_zip"] = zip_bytes
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        ctx = libcoveocds.api.ocds_json_output("", json_data=data, lib_cove_ocds_config=config)
        summary = {
            "file": str(path),
            "schema_version": ctx.get("version_used"),
            "validation_errors": ctx.get("validation_errors", []),
            "invalid_extension": (ctx.get("extensions") or {}).get("invalid_extension", {}),
            "extensions": sorted((ctx.get("extensions") or {}).get("extensions", {}) or []),
            "additional_fields": [f.get("path") if isinstance(f, dict) else f for f in ctx.get("additional_fields", [])],
            "deprecated_fields": ctx.get("deprecated_fields", []),
            "additional_closed_codelist_values": ctx.get("additional_closed_codelist_values", {}),
            "additional_open_codelist_values": ctx.get("additional_open_codelist_values", {}),
            "additional_checks": ctx.get("additional_checks", {}),
            "json_deref_error": ctx.get("json_deref_error"),
        }
        if (
            summary["validation_errors"]
            or summary["invalid_extension"]
            or summary["json_deref_error"]
            or summary["additional_closed_codelist_values"]
        ):
            ok = False
        print(json.dumps(summary, ensure_ascii=False, default=list))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
