"""Schemathesis against the app in-process: every public operation, valid and invalid
input, on a seeded register. No 5xx, and every answer as the served spec documents it.

The CI stage .ci/fuzz does the same, larger, against gunicorn.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from registry.demo.seed import seed_register

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25  # per operation and mode: ≈ 450 requests in all, ~15 s on SQLite


def test_every_operation_survives_generated_requests(app, session, clock):
    seed_register(session, clock, organisations=200, community=100, commit=False)
    session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.validate()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    sent = 0

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,  # the same requests every run
                database=None,
                phases=[Phase.explicit, Phase.generate],  # a failure is reported unshrunk
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case: schemathesis.Case) -> None:
                nonlocal sent
                sent += 1
                # The WSGI transport does not decompress; over HTTP (.ci/fuzz) gzip is used.
                case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=CHECKS)

            try:
                fuzz()
            except Unsatisfiable:
                # No invalid input exists for it (no parameters, or only free strings).
                assert mode is GenerationMode.NEGATIVE, operation.label
    assert sent >= 300, f"only {sent} requests were generated"
