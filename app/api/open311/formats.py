"""Open311's two formats: the same lists of dicts as JSON, or as XML whose element names the
specification fixes (a root, one element per item, lists of attributes and values nested)."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from flask import Response

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

# Which child element a list inside an item becomes, by the list's own element name.
_LIST_ITEMS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _append(parent: ET.Element, name: str, value) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner)
    elif isinstance(value, list):
        child = _LIST_ITEMS.get(name, "item")
        for inner in value:
            _append(element, child, inner)
    else:
        element.text = _text(value)


def to_xml(root: str, item: str | None, data) -> bytes:
    """A list of dicts as <root><item>…</item>…</root>, or one dict as <root>…</root>."""
    element = ET.Element(root)
    if item is None:
        for key, value in data.items():
            _append(element, key, value)
    else:
        for entry in data:
            _append(element, item, entry)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="unicode").encode("utf-8")


def respond(fmt: str, data, *, root: str, item: str | None, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(to_xml(root, item, data), status=status, content_type=XML_TYPE)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(body.encode("utf-8"), status=status, content_type=JSON_TYPE)


def error(fmt: str, status: int, description: str) -> Response:
    """The specification's error shape: a list of {code, description}."""
    return respond(fmt, [{"code": status, "description": description}], root="errors", item="error", status=status)
