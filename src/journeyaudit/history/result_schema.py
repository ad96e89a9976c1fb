"""The JSON Schema of ``result.json``, generated from :class:`journeyaudit.model.Result`.

Generated rather than written by hand so that it cannot drift from the dataclasses
that write the file (``store.save_result``); committed as ``schema/result.schema.json``
(``make schema``) and described field by field in ``docs/result.md``.
"""

from __future__ import annotations

from typing import Any

from journeyaudit.model import Result

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """The schema of a result as ``store.save_result`` writes it (every field present)."""
    from pydantic import TypeAdapter  # only needed when the schema is asked for

    schema = TypeAdapter(Result).json_schema(mode="serialization")
    schema["title"] = "journeyaudit result.json"
    schema["description"] = (
        "The machine-readable result of a journeyaudit run: what ran, what was found, "
        "which rules checked what, and how it compares with earlier runs. Fields: docs/result.md. "
        "Readers should ignore properties they do not know: later versions may add some."
    )
    return {"$schema": DIALECT, **schema}
