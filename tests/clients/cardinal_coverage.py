#!/usr/bin/env python3
"""Run OCP Cardinal (the `ocdscardinal` PyPI package) on compiled releases and print JSON.

Usage: cardinal_coverage.py COMPILED_RELEASES.jsonl

The PyPI package ocdscardinal 0.0.8 exposes one function, `coverage(path)`, Cardinal's
`coverage` command: it counts how many compiled releases set each field. Its `prepare`
and `indicators` commands ship only as the Rust `ocdscardinal` binary (GitHub releases,
or `cargo install ocdscardinal`), which this machine cannot fetch; see docs/opendata.md.

Prints {"version": ..., "coverage": {path: count, ...}}.
"""

import json
import sys
from importlib.metadata import version

import ocdscardinal


def main(path):
    print(json.dumps({"version": version("ocdscardinal"), "coverage": ocdscardinal.coverage(path)}, sort_keys=True))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
