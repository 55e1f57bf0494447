"""Validate a forkload report against the JSON Schema: schema.py SCHEMA REPORT.

Exits 0 when valid; prints the first error and exits 1 otherwise.
"""
import json
import sys

import jsonschema

with open(sys.argv[1]) as f:
    schema = json.load(f)
with open(sys.argv[2]) as f:
    report = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(report),
                key=lambda e: list(e.path))
for e in errors[:1]:
    print("# schema: %s at %s" % (e.message, list(e.path)))
sys.exit(1 if errors else 0)
