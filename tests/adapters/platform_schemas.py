"""The chat platforms' own published schemas, for tests: Adaptive Cards per card version and the
Teams app manifest. They live in ``../shared/platform-schemas`` beside the repository (CI runs from
a sibling clone with the same layout); a missing folder fails the tests, it never skips them."""
from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT.parent / "shared" / "platform-schemas"


def schemas_dir() -> Path:
    if not (SCHEMAS / "MicrosoftTeams.v1.16.json").exists():
        pytest.fail(f"the published platform schemas are missing: expected {SCHEMAS} (../shared/platform-schemas "
                    "beside the repository)", pytrace=False)
    return SCHEMAS


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


@lru_cache
def card_schema(version: str) -> dict:
    """The published schema for a card's declared version ("1.5" → adaptive-card-1.5.0.json)."""
    name = version if version.count(".") == 2 else f"{version}.0"
    path = schemas_dir() / f"adaptive-card-{name}.json"
    if not path.exists():
        pytest.fail(f"no published Adaptive Cards schema for version {version} ({path})", pytrace=False)
    schema = json.loads(path.read_text())
    if _key(version) == (1, 5):
        # Upstream gap, allowed here and nowhere else: the published 1.5.0 schema leaves
        # `filtered` out of ChoiceInputStyle although the type-ahead ChoiceSet is a 1.5 feature
        # (the 1.6.0 schema lists it, the schema sources annotate it "version": "1.5", and Teams and
        # the official renderer accept it from card version 1.5; see ../shared/platform-schemas/README.md).
        schema = copy.deepcopy(schema)
        styles = schema["definitions"]["ChoiceInputStyle"]["anyOf"][0]["enum"]
        assert "filtered" not in styles, "the 1.5.0 schema now lists `filtered`: remove this allowance"
        styles.append("filtered")
    return schema


def _definition(schema: dict, ref: str) -> dict:
    return schema["definitions"][ref.rsplit("/", 1)[-1]]


def _property(schema: dict, definition: dict, key: str) -> dict | None:
    """A property's own schema, looking through the `allOf` parents for inherited (`{}`) entries."""
    own = definition.get("properties", {}).get(key)
    if own:
        return own
    for parent in definition.get("allOf", []):
        if "$ref" in parent:
            found = _property(schema, _definition(schema, parent["$ref"]), key)
            if found is not None:
                return found
    return own


def _typed(schema: dict, prop: dict) -> str | None:
    """The definition an untyped child follows (e.g. `choices` → Input.Choice)."""
    for node in (prop, prop.get("items") or {}):
        ref = node.get("$ref")
        if ref and "properties" in _definition(schema, ref):
            return ref.rsplit("/", 1)[-1]
    return None


def newer_properties(card: dict) -> list[str]:
    """Every element, action and property used that its schema marks as newer than the card's version."""
    version = card.get("version", "1.0")
    schema = card_schema(version)
    problems: list[str] = []

    def walk(node, path: str, as_type: str | None = None) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]", as_type)
            return
        if not isinstance(node, dict):
            return
        name = node.get("type") if node.get("type") in schema["definitions"] else as_type
        if name is None:
            return  # free-form data (Action.Submit `data`)
        definition = schema["definitions"][name]
        if _key(definition.get("version", "1.0")) > _key(version):
            problems.append(f"{path}: {name} needs version {definition['version']}, the card declares {version}")
        for key, value in node.items():
            prop = _property(schema, definition, key)
            if prop is None:
                continue  # unknown properties are reported by the schema itself (additionalProperties: false)
            needs = prop.get("version")
            if needs and _key(needs) > _key(version):
                problems.append(f"{path}.{key}: needs version {needs}, the card declares {version}")
            child = _typed(schema, prop)
            if key != "data":
                walk(value, f"{path}.{key}", child)

    walk(card, "$", "AdaptiveCard")
    return problems


def _explain(error: jsonschema.ValidationError) -> list[str]:
    """An `anyOf` error says only "not valid under any of the given schemas": report instead the
    errors of the branches that match the element's `type` (the others fail on `type` alone)."""
    if not error.context:
        where = "/".join(map(str, error.absolute_path)) or "$"
        return [f"{where}: {error.message[:300]}"]
    branches: dict = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
    relevant = [subs for subs in branches.values()
                if not any(list(s.relative_path) == ["type"] or s.validator == "$ref" and not s.context and
                           "type" in s.message for s in subs)]
    out = [line for subs in relevant for s in subs for line in _explain(s)]
    return out or [f"{'/'.join(map(str, error.absolute_path)) or '$'}: {error.message[:300]}"]


def card_problems(card: dict) -> list[str]:
    """Schema errors at the card's declared version, and properties newer than that version."""
    version = card.get("version")
    if not version:
        return ["the card declares no version"]
    schema = card_schema(version)
    # validate against the AdaptiveCard definition itself, so errors point into the card
    validator = jsonschema.Draft6Validator({"$ref": "#/definitions/AdaptiveCard", "definitions": schema["definitions"]})
    errors = [line for e in sorted(validator.iter_errors(card), key=lambda e: list(map(str, e.absolute_path)))
              for line in _explain(e)]
    return errors + newer_properties(card)


def manifest_problems(manifest: dict) -> list[str]:
    schema = json.loads((schemas_dir() / "MicrosoftTeams.v1.16.json").read_text())
    validator = jsonschema.Draft4Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}" for e in validator.iter_errors(manifest)]
