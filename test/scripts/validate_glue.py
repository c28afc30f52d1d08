"""Validates a Decant Glue deploy bundle (JSON on stdin) against botocore's own Glue service model.

Prints one JSON object: for each operation, the ParamValidator's report ("" when valid).
"""
import json
import sys

import botocore.session
from botocore.validate import ParamValidator

OPERATIONS = ["CreateDatabase", "CreateTable", "CreateClassifier", "CreateCrawler", "CreateJob", "CreateWorkflow", "CreateTrigger"]

bundle = json.load(sys.stdin)
model = botocore.session.get_session().get_service_model("glue")
validator = ParamValidator()
report = {}
for op in OPERATIONS:
    inputs = bundle.get(op)
    if inputs is None:
        continue
    shape = model.operation_model(op).input_shape
    for i, params in enumerate(inputs if isinstance(inputs, list) else [inputs]):
        errors = validator.validate(params, shape)
        report[f"{op}[{i}]"] = errors.generate_report() if errors.has_errors() else ""
print(json.dumps(report))
