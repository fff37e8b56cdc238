"""Checks a Slack payload the way Slack would: it must parse with slack_sdk's Block Kit models
(unchanged by a round trip) and stay inside every limit in adapters/slack/limits.py."""
from __future__ import annotations

import json

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from adapters.slack import limits as L


def _over(value: int | None, limit: L.Limit, where: str) -> list[str]:
    if value is not None and value > limit.value:
        return [f"{where}: {value} > {limit.value} {limit.what} ({limit.source})"]
    return []


def _text(obj: dict | None) -> str:
    return (obj or {}).get("text", "") if isinstance(obj, dict) else ""


def _element(el: dict, where: str) -> list[str]:
    out = _over(len(el.get("action_id", "")), L.ACTION_ID, f"{where}.action_id")
    kind = el.get("type")
    if kind == "button":
        out += _over(len(_text(el.get("text"))), L.BUTTON_TEXT, f"{where}.text")
        out += _over(len(el.get("value", "")), L.BUTTON_VALUE, f"{where}.value")
        out += _over(len(el.get("url", "")), L.BUTTON_URL, f"{where}.url")
    if kind == "plain_text_input":
        if "max_length" in el and not 1 <= el["max_length"] <= L.PLAIN_TEXT_INPUT_MAX.value:
            out.append(f"{where}.max_length: {el['max_length']} is outside 1..{L.PLAIN_TEXT_INPUT_MAX.value} "
                       f"({L.PLAIN_TEXT_INPUT_MAX.source})")
    if "placeholder" in el:
        out += _over(len(_text(el["placeholder"])), L.PLACEHOLDER, f"{where}.placeholder")
    if kind == "static_select":
        options = el.get("options", [])
        out += _over(len(options), L.SELECT_OPTIONS, f"{where}.options")
        for i, o in enumerate(options):
            out += _over(len(_text(o.get("text"))), L.OPTION_TEXT, f"{where}.options[{i}].text")
            out += _over(len(o.get("value", "")), L.OPTION_VALUE, f"{where}.options[{i}].value")
    return out


def block_problems(blocks: list[dict], surface: str = "message") -> list[str]:
    out = _over(len(blocks), L.MESSAGE_BLOCKS if surface == "message" else L.VIEW_BLOCKS, f"{surface}.blocks")
    for i, block in enumerate(blocks):
        where = f"blocks[{i}]"
        try:
            parsed = Block.parse(block)
            parsed.validate_json()
            if parsed.to_dict() != block:
                out.append(f"{where}: slack_sdk reads it differently: {json.dumps(parsed.to_dict())[:300]}")
        except (SlackObjectFormationError, KeyError, TypeError, ValueError) as exc:
            out.append(f"{where}: slack_sdk refuses it: {exc}")
        out += _over(len(block.get("block_id", "")), L.BLOCK_ID, f"{where}.block_id")
        kind = block.get("type")
        if kind == "section":
            out += _over(len(_text(block.get("text"))), L.SECTION_TEXT, f"{where}.text")
            out += _over(len(block.get("fields", [])), L.SECTION_FIELDS, f"{where}.fields")
        if kind == "context":
            out += _over(len(block.get("elements", [])), L.CONTEXT_ELEMENTS, f"{where}.elements")
            for j, el in enumerate(block.get("elements", [])):
                out += _over(len(_text(el)), L.CONTEXT_TEXT, f"{where}.elements[{j}]")
        if kind == "actions":
            out += _over(len(block.get("elements", [])), L.ACTIONS_ELEMENTS, f"{where}.elements")
            for j, el in enumerate(block.get("elements", [])):
                out += _element(el, f"{where}.elements[{j}]")
        if kind == "header":
            out += _over(len(_text(block.get("text"))), L.HEADER_TEXT, f"{where}.text")
        if kind == "input":
            out += _over(len(_text(block.get("label"))), L.INPUT_LABEL, f"{where}.label")
            out += _over(len(_text(block.get("hint"))), L.INPUT_HINT, f"{where}.hint")
            out += _element(block.get("element", {}), f"{where}.element")
        if kind == "section" and "accessory" in block:
            out += _element(block["accessory"], f"{where}.accessory")
    return out


def view_problems(view: dict) -> list[str]:
    out = []
    try:
        View(**view).validate_json()
    except (SlackObjectFormationError, TypeError, ValueError) as exc:
        out.append(f"view: slack_sdk refuses it: {exc}")
    if view.get("type") == "modal":
        out += _over(len(_text(view.get("title"))), L.MODAL_TITLE, "view.title")
        for key in ("submit", "close"):
            out += _over(len(_text(view.get(key))), L.MODAL_BUTTON, f"view.{key}")
    out += _over(len(view.get("private_metadata", "")), L.PRIVATE_METADATA, "view.private_metadata")
    out += _over(len(view.get("callback_id", "")), L.CALLBACK_ID, "view.callback_id")
    return out + block_problems(view.get("blocks", []), view.get("type", "modal"))


def message_problems(params: dict) -> list[str]:
    """chat.postMessage / chat.postEphemeral / chat.update parameters as the Web API received them."""
    out = _over(len(params.get("text") or ""), L.MESSAGE_TEXT, "text")
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return out + (block_problems(blocks) if blocks else [])


def payload_problems(method: str, params: dict) -> list[str]:
    if method in ("views.open", "views.publish", "views.update", "views.push"):
        view = params.get("view")
        return view_problems(json.loads(view) if isinstance(view, str) else view)
    if method.startswith("chat."):
        return message_problems(params)
    return []
