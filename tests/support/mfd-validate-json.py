#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validates Mail Flow Doctor's JSON documents against the schemas in data/schemas.

A document names its schema in its "schema" member ("mail-flow-doctor/diagnosis/1"
-> diagnosis-1.schema.json); a document without one, or naming an unknown one, is
invalid.

  mfd-validate-json.py --check-schemas SCHEMA_DIR   the schemas themselves are valid
  mfd-validate-json.py --serve SCHEMA_DIR           for the test helpers: reads
      "LENGTH\\n" then LENGTH bytes of JSON, answers one line, "ok" or
      "invalid: WHY", until end of input (one process for a whole test binary)
  mfd-validate-json.py --self-test SCHEMA_DIR DATA_DIR
      the schemas are valid, every DATA_DIR/valid/*.json validates and every
      DATA_DIR/invalid/*.json does not (TAP output)
  mfd-validate-json.py SCHEMA_DIR FILE...           validates files, exit 1 if any fails
"""

import json
import os
import sys

import jsonschema

PREFIX = "mail-flow-doctor/"


def load_schemas(schema_dir):
    schemas = {}
    for name in sorted(os.listdir(schema_dir)):
        if name.endswith(".schema.json"):
            with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
                schemas[name] = json.load(f)
    if not schemas:
        raise SystemExit(f"no *.schema.json in {schema_dir}")
    return schemas


def make_validators(schemas):
    """One validator per document kind; $refs between the files resolve by $id."""
    by_id = {s["$id"]: s for s in schemas.values()}
    validators = {}
    try:
        # jsonschema >= 4.18 resolves through the referencing library.
        from referencing import Registry, Resource

        registry = Registry().with_resources(
            (uri, Resource.from_contents(s)) for uri, s in by_id.items())
        for name, schema in schemas.items():
            validators[name] = jsonschema.Draft202012Validator(schema, registry=registry)
    except ImportError:
        # Debian 12's jsonschema (4.10) has RefResolver.
        for name, schema in schemas.items():
            resolver = jsonschema.RefResolver.from_schema(schema, store=by_id)
            validators[name] = jsonschema.Draft202012Validator(schema, resolver=resolver)
    return validators


def problems(validators, text):
    try:
        document = json.loads(text)
    except ValueError as e:
        return [f"not JSON: {e}"]
    if not isinstance(document, dict):
        return ["not a JSON object"]
    schema_id = document.get("schema")
    if not isinstance(schema_id, str) or not schema_id.startswith(PREFIX):
        return [f"no mail-flow-doctor schema named: {schema_id!r}"]
    name = schema_id[len(PREFIX):].replace("/", "-") + ".schema.json"
    validator = validators.get(name)
    if validator is None:
        return [f"no schema file {name} for {schema_id}"]
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
            for e in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))]


def serve(validators):
    stdin = sys.stdin.buffer
    stdout = sys.stdout
    while True:
        line = stdin.readline()
        if not line:
            return 0
        length = int(line)
        text = stdin.read(length).decode("utf-8")
        found = problems(validators, text)
        answer = "ok" if not found else "invalid: " + " | ".join(found)
        stdout.write(answer.replace("\n", " ") + "\n")
        stdout.flush()


def self_test(schema_dir, data_dir):
    schemas = load_schemas(schema_dir)
    cases = []
    for name, schema in schemas.items():
        cases.append((f"schema {name} is a valid 2020-12 schema",
                      lambda s=schema: jsonschema.Draft202012Validator.check_schema(s) or []))
    validators = make_validators(schemas)
    for kind, want_valid in (("valid", True), ("invalid", False)):
        directory = os.path.join(data_dir, kind)
        for name in sorted(os.listdir(directory)):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                text = f.read()
            cases.append((f"{kind}/{name}",
                          lambda t=text, w=want_valid: (problems(validators, t) if w
                                                        else ([] if problems(validators, t) else ["validated, but must not"]))))
    print(f"1..{len(cases)}")
    failed = 0
    for i, (name, run) in enumerate(cases, 1):
        found = run()
        print(f"{'not ok' if found else 'ok'} {i} {name}")
        for p in found:
            print(f"# {p}")
        failed += bool(found)
    return 1 if failed else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--self-test":
        return self_test(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "--check-schemas":
        schemas = load_schemas(argv[2])
        for name, schema in schemas.items():
            jsonschema.Draft202012Validator.check_schema(schema)
            print(f"ok {name}")
        make_validators(schemas)
        return 0
    if len(argv) == 3 and argv[1] == "--serve":
        return serve(make_validators(load_schemas(argv[2])))
    if len(argv) >= 3:
        validators = make_validators(load_schemas(argv[1]))
        failed = 0
        for path in argv[2:]:
            with open(path, encoding="utf-8") as f:
                found = problems(validators, f.read())
            for p in found:
                print(f"{path}: {p}")
            failed += bool(found)
        return 1 if failed else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
