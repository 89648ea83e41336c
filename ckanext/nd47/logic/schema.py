"""Schemas of the nd47 actions' parameters."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Schema, Validator, ValidatorFactory


@tk.validator_args
def compliance_show(nd47_required: Validator,
                    unicode_safe: Validator) -> Schema:
    return {"id": [nd47_required, unicode_safe]}


@tk.validator_args
def compliance_summary(ignore_missing: Validator,
                       unicode_safe: Validator) -> Schema:
    return {"organization": [ignore_missing, unicode_safe]}
