"""Count what a generated client could not type in the OpenAPI schema (issue 17's closing counts).

- an *untyped response*: a documented response whose body schema is "any value" or "any object"
  (``{}``, ``{"type": "object"}`` with neither properties nor typed additional properties);
- an *untyped property*: the same inside a component, at any depth (a property, an array's
  items, a map's values);
- a *bodiless error*: a 4xx/5xx response documented without a body schema.
"""

from __future__ import annotations

from typing import Any

_META = {"description", "title", "readOnly", "writeOnly", "nullable", "deprecated", "default", "example", "examples"}


def is_untyped(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return schema is True
    keys = set(schema) - _META
    if not keys:
        return True
    if any(k in schema for k in ("$ref", "allOf", "oneOf", "anyOf", "enum", "const")):
        return False
    kinds = schema.get("type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    if kinds - {"null"} == {"object"}:
        extra = schema.get("additionalProperties")
        return not schema.get("properties") and (extra is None or extra is True or is_untyped(extra))
    if kinds - {"null"} == {"array"}:
        return "items" not in schema or is_untyped(schema["items"])
    return not (kinds - {None})


def untyped_inside(schema: Any, where: str) -> list[str]:
    """Untyped schemas nested in ``schema`` (not counting ``schema`` itself)."""
    found: list[str] = []
    if not isinstance(schema, dict):
        return found
    children: list[tuple[str, Any]] = [(f"{where}.{k}", v) for k, v in (schema.get("properties") or {}).items()]
    if isinstance(schema.get("items"), dict):
        children.append((f"{where}[]", schema["items"]))
    if isinstance(schema.get("additionalProperties"), dict):
        children.append((f"{where}{{}}", schema["additionalProperties"]))
    for key in ("allOf", "oneOf", "anyOf"):
        children += [(where, s) for s in schema.get(key, [])]
    for name, child in children:
        if is_untyped(child):
            found.append(name)
        else:
            found += untyped_inside(child, name)
    return found


def measure(document: dict[str, Any]) -> dict[str, list[str]]:
    untyped_responses, bodiless_errors = [], []
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for code, response in operation.get("responses", {}).items():
                where = f"{method.upper()} {path} {code}"
                content = response.get("content") or {}
                if not content:
                    if code[0] in "45":
                        bodiless_errors.append(where)
                    continue
                for media in content.values():
                    if is_untyped(media.get("schema", {})):
                        untyped_responses.append(where)
                    else:
                        untyped_responses += [f"{where} {p}" for p in untyped_inside(media["schema"], "") if p == ""]
    untyped_properties = []
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        untyped_properties += untyped_inside(schema, name)
    return {"untyped_responses": untyped_responses, "untyped_properties": untyped_properties, "bodiless_errors": bodiless_errors}
