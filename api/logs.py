"""Log lines as JSON or text (FUPIN_LOG_FORMAT; json by default in production).

    fupin.access   one line per request (api/observe.py): time, level, request id,
                   method, route, status, duration, root fields, statements, role
    fupin.slow     a WARNING per statement slower than FUPIN_SLOW_STATEMENT_MS, with
                   its Cypher (values are parameters, never logged)
    fupin.api      unexpected errors with their redacted traceback (api/errors.py)
    uvicorn.error  the server's own lines

A JSON line is one object: `time`, `level`, `logger`, `message`, and the record's
structured fields (`request_id`, `route`, ...) at the top level. Both formats pass any
traceback through api/errors.py's redaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any, Literal

from api.errors import redact


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatException(self, ei: Any) -> str:
        return redact(super().formatException(ei))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fupin", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["traceback"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_config(style: Literal["json", "text"]) -> dict[str, Any]:
    """A logging.config dictionary for `fupin serve` (uvicorn's `log_config`): every
    logger through one stderr handler in `style`; uvicorn's own access log off (the
    app writes its own line)."""
    formatter = JsonFormatter if style == "json" else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"fupin": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "fupin",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": "INFO"},
        "loggers": {
            "uvicorn": {"level": "INFO"},
            "uvicorn.access": {"level": "WARNING"},
            # The driver's DEBUG lines print statements' parameters.
            "neo4j": {"level": "WARNING"},
        },
    }
