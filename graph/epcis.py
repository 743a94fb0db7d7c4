"""A lot's trace events as a GS1 EPCIS 2.0 JSON document (DOMAIN.md section 8). Pure:
no database. graph/trace.py's `epcis` field reads the events and hands them here.

    commissioning   ObjectEvent, action ADD, quantityList: the lot made
    accepting       ObjectEvent, action OBSERVE, quantityList: the lots taken, the
                    acceptance as a purchase-order bizTransaction
    transforming,   TransformationEvent, inputQuantityList and outputQuantityList
      packing
    retail_selling  ObjectEvent, action OBSERVE, quantityList: the lots sold, the
                    order as a purchase-order bizTransaction

eventTime keeps China Standard Time ("+08:00", eventTimeZoneOffset); bizStep is the
CBV word, as the official JSON-LD context abbreviates it. readPoint and bizLocation are
the place's region (`urn:fupin:region:<code>`: villages have no GLN); a lot class
(epcClass) is its trace code's public address, `{FUPIN_PUBLIC_BASE_URL}/t/{code}`.
The JSON-LD context is named, never fetched (there is no network at run time): the
subset this module writes is described by the JSON Schema beside it (SCHEMA_PATH),
which the tests validate every document against.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from graph.trace_code import trace_url

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
SCHEMA_PATH = Path(__file__).with_name("epcis.schema.json")
TIME_ZONE = "+08:00"
_ZONE_NAME = re.compile(r"\[[^\]]*\]$")
_FRACTION = re.compile(r"\.[0-9]+")
# UN/ECE Recommendation 20 codes of the catalogue's units (graph/product.py).
UOM = {
    "KILOGRAM": "KGM",
    "PIECE": "H87",
    "BOTTLE": "BO",
    "BOX": "BX",
    "DOZEN": "DZN",
    "LITRE": "LTR",
}
# bizStep -> (EPCIS event type, action, disposition)
_SHAPES: dict[str, tuple[str, str | None, str | None]] = {
    "commissioning": ("ObjectEvent", "ADD", "active"),
    "accepting": ("ObjectEvent", "OBSERVE", "in_progress"),
    "transforming": ("TransformationEvent", None, "active"),
    "packing": ("TransformationEvent", None, "active"),
    "retail_selling": ("ObjectEvent", "OBSERVE", "retail_sold"),
}


def schema() -> dict[str, Any]:
    """The JSON Schema of the subset of EPCIS 2.0 this module writes."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def timestamp(value: str | dt.datetime) -> str:
    """An xsd:dateTime with milliseconds, in CST: 2026-09-02T00:00:00.000+08:00
    (Neo4j writes 2026-09-02T00:00+08:00)."""
    if isinstance(value, str):
        # Neo4j's text may carry nanoseconds and a zone name: Python reads microseconds.
        text = _ZONE_NAME.sub("", value)
        text = _FRACTION.sub(lambda m: m.group(0)[:7], text)
        moment = dt.datetime.fromisoformat(text)
    else:
        moment = value
    cst = dt.timezone(dt.timedelta(hours=8))
    return moment.astimezone(cst).isoformat(timespec="milliseconds")


def _event_id(value: str) -> str:
    try:
        return uuid.UUID(value).urn
    except ValueError:
        return f"urn:fupin:event:{value}"


def _quantities(base_url: str, flows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for flow in flows:
        element: dict[str, Any] = {
            "epcClass": trace_url(base_url, str(flow["lot"])),
            "quantity": flow["quantity"],
        }
        uom = UOM.get(str(flow.get("unit")))
        if uom is not None:
            element["uom"] = uom
        out.append(element)
    return out


def event(base_url: str, e: Mapping[str, Any]) -> dict[str, Any]:
    """One stored TraceEvent ({id, bizStep, eventTime, recordTime, readPoint,
    bizTransaction, inputs, outputs: [{lot, quantity, unit}]}) as an EPCIS event."""
    kind, action, disposition = _SHAPES.get(str(e["bizStep"]), ("ObjectEvent", "OBSERVE", None))
    out: dict[str, Any] = {
        "type": kind,
        "eventID": _event_id(str(e["id"])),
        "eventTime": timestamp(e["eventTime"]),
        "eventTimeZoneOffset": TIME_ZONE,
    }
    if e.get("recordTime"):
        out["recordTime"] = timestamp(e["recordTime"])
    inputs = _quantities(base_url, e.get("inputs") or [])
    outputs = _quantities(base_url, e.get("outputs") or [])
    if kind == "TransformationEvent":
        out["inputQuantityList"] = inputs
        out["outputQuantityList"] = outputs
    else:
        out["action"] = action
        out["quantityList"] = outputs or inputs
    out["bizStep"] = e["bizStep"]
    if disposition is not None:
        out["disposition"] = disposition
    if e.get("readPoint"):
        place = f"urn:fupin:region:{e['readPoint']}"
        out["readPoint"] = {"id": place}
        out["bizLocation"] = {"id": place}
    if e.get("bizTransaction"):
        out["bizTransactionList"] = [
            {"type": "po", "bizTransaction": f"urn:fupin:{e['bizTransaction']}"}
        ]
    return out


def document(
    base_url: str, events: Sequence[Mapping[str, Any]], created: str | dt.datetime | None
) -> dict[str, Any]:
    """The EPCISDocument of `events` (in the order given: by eventTime), created at
    `created` (the latest record time: the same facts give the same document)."""
    when = timestamp(created) if created is not None else "1970-01-01T08:00:00.000+08:00"
    return {
        "@context": [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": when,
        "epcisBody": {"eventList": [event(base_url, e) for e in events]},
    }
