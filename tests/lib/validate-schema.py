#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""validate-schema.py: check a JSON document against one of the OCI runtime spec's JSON schemas.

    validate-schema.py SCHEMA_DIR SCHEMA_FILE JSON_FILE

SCHEMA_FILE is a name inside SCHEMA_DIR (config-schema.json, state-schema.json,
features-schema.json). The schemas refer to each other by relative names ("defs.json#/...",
"config-linux.json#/linux"), so every $ref is loaded from SCHEMA_DIR: nothing is fetched from the
network. Exit status 0: valid; 1: invalid (every error is printed with its JSON path); 2: usage
or unreadable input. Needs python3-jsonschema (Debian/Ubuntu), python3-jsonschema (Fedora).
"""

import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.stderr.write("validate-schema.py: python3-jsonschema is missing: install the Debian package "
                     "'python3-jsonschema' (Fedora: 'python3-jsonschema')\n")
    sys.exit(2)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def json_path(error):
    """jq-style path of the failing instance: .linux.namespaces[3]"""
    out = ""
    for p in error.absolute_path:
        if isinstance(p, int):
            out += "[%d]" % p
        elif p.isidentifier():
            out += "." + p
        else:
            out += "[%s]" % json.dumps(p)
    return out or "."


def make_validator(schema_dir, schema):
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)

    def from_dir(uri):
        # Relative refs arrive as "defs.json" (or file:// URIs from older jsonschema).
        name = uri[len("file://"):] if uri.startswith("file://") else uri
        return load(os.path.join(schema_dir, os.path.basename(name.split("#")[0])))

    try:
        # jsonschema >= 4.18: the 'referencing' library.
        import referencing
        import referencing.jsonschema

        def retrieve(uri):
            contents = from_dir(uri)
            spec = referencing.jsonschema.specification_with(
                contents.get("$schema", "http://json-schema.org/draft-04/schema#"))
            return referencing.Resource.from_contents(contents, default_specification=spec)

        registry = referencing.Registry(retrieve=retrieve)
        return cls(schema, registry=registry)
    except ImportError:
        # Older jsonschema (e.g. Debian 12's 4.10): RefResolver with the directory as base URI.
        base = "file://" + os.path.abspath(schema_dir) + "/"
        resolver = jsonschema.RefResolver(base_uri=base, referrer=schema,
                                          handlers={"file": lambda uri: from_dir(uri)})
        return cls(schema, resolver=resolver)


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: validate-schema.py SCHEMA_DIR SCHEMA_FILE JSON_FILE\n")
        return 2
    schema_dir, schema_file, json_file = argv[1:]
    try:
        schema = load(os.path.join(schema_dir, schema_file))
    except (OSError, ValueError) as e:
        sys.stderr.write("validate-schema.py: %s: %s\n" % (schema_file, e))
        return 2
    try:
        doc = load(json_file)
    except OSError as e:
        sys.stderr.write("validate-schema.py: %s: %s\n" % (json_file, e))
        return 2
    except ValueError as e:
        print("%s: invalid JSON: %s" % (json_file, e))
        return 1

    errors = sorted(make_validator(schema_dir, schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors:
        print("%s: %s: %s" % (json_file, json_path(e), e.message))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
