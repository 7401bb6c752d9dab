"""Checks a simulator answer against a component schema of ConnectWise's OpenAPI extract.

The extract is read from ``../shared/reference/openapi/`` beside the repository (it is reference
material, never copied into the repository). It holds only some components: a ``$ref`` to one it
lacks (``SystemLocationReference``, ``MemberReference``, ...) is checked as a reference object,
``{"id": int, "_info": {str: str}, ...}``, which is the shape all of them share.
"""

import json
import os
import re

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA_FILE = os.path.join(os.path.dirname(REPO_ROOT), "shared", "reference", "openapi", "manage.subset.json")
_MAX_LENGTH = re.compile(r"Max length: (\d+);")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_CACHE = {}


def document():
    if "doc" not in _CACHE:
        assert os.path.exists(SCHEMA_FILE), "the OpenAPI extract is missing: %s" % SCHEMA_FILE
        with open(SCHEMA_FILE, encoding="utf-8") as handle:
            _CACHE["doc"] = json.load(handle)
    return _CACHE["doc"]


def component(name):
    return document()["components"]["schemas"][name]


def problems(value, schema, where="$"):
    """A list of human-readable mismatches between ``value`` and ``schema`` (empty when it fits)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        known = document()["components"]["schemas"].get(name)
        return problems(value, known, where) if known else _reference_problems(value, where)
    if value is None:
        return [] if schema.get("nullable") else ["%s is null but the schema does not allow null" % where]
    kind = schema.get("type")
    found = []
    if "enum" in schema and value not in schema["enum"]:
        found.append("%s = %r is not one of %s" % (where, value, schema["enum"]))
    if kind == "object":
        found += _object_problems(value, schema, where)
    elif kind == "array":
        if not isinstance(value, list):
            return ["%s should be an array, got %r" % (where, value)]
        for index, item in enumerate(value):
            found += problems(item, schema.get("items", {}), "%s[%d]" % (where, index))
    elif kind in _SCALARS and not _SCALARS[kind](value):
        found.append("%s should be %s, got %r" % (where, kind, value))
    elif kind == "string":
        limit = _MAX_LENGTH.search(schema.get("description", ""))
        if limit and len(value) > int(limit.group(1)):
            found.append("%s is longer than %s characters" % (where, limit.group(1)))
        if schema.get("format") == "date-time" and not _DATE_TIME.match(value):
            found.append("%s = %r is not an ISO-8601 date-time" % (where, value))
    return found


_SCALARS = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def _object_problems(value, schema, where):
    if not isinstance(value, dict):
        return ["%s should be an object, got %r" % (where, value)]
    found = ["%s lacks the required field %s" % (where, field) for field in schema.get("required", ()) if field not in value]
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    for key, item in value.items():
        if key in properties:
            found += problems(item, properties[key], "%s.%s" % (where, key))
        elif isinstance(extra, dict):
            found += problems(item, extra, "%s.%s" % (where, key))
        elif properties:
            found.append("%s has %s, which the schema does not define" % (where, key))
    return found


def _reference_problems(value, where):
    if not isinstance(value, dict):
        return ["%s should be a reference object, got %r" % (where, value)]
    found = [] if isinstance(value.get("id"), int) else ["%s.id should be an integer" % where]
    info = value.get("_info")
    if info is not None and not (isinstance(info, dict) and all(isinstance(v, str) for v in info.values())):
        found.append("%s._info should map strings to strings" % where)
    return found


def assert_fits(value, name):
    """Fail with every mismatch between ``value`` and the component schema ``name``."""
    found = problems(value, component(name), name)
    assert not found, "\n".join(found)
