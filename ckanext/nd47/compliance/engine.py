"""Evaluate datasets against versioned rulebooks.

A rulebook is a YAML file: its id and version, the legal text it
implements, the datasets it applies to, named vocabularies (format lists)
and its rules. Each rule has a stable id (shown in errors, the UI, the API
and DCAT), a legal citation, a severity (``blocking`` stops an open dataset
from being published; ``warning`` is shown to stewards), a bilingual message
and a check built from :mod:`ckanext.nd47.compliance.checks`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any, Mapping

import yaml

from ckanext.nd47.compliance import checks

RULEBOOKS = Path(__file__).resolve().parent / "rulebooks"
SEVERITIES = ("blocking", "warning")


class RulebookError(ValueError):
    """A rulebook file is malformed; the message says where."""


@dataclasses.dataclass(frozen=True)
class Rule:
    id: str
    citation: dict[str, str]
    severity: str
    message: dict[str, str]
    check: checks.Predicate


@dataclasses.dataclass(frozen=True)
class RuleResult:
    rule: Rule
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.rule.id, "passed": self.passed,
            "severity": self.rule.severity,
            "citation": self.rule.citation, "message": self.rule.message,
        }


@dataclasses.dataclass(frozen=True)
class Report:
    rulebook: "Rulebook"
    applies: bool
    results: tuple[RuleResult, ...]

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed]

    @property
    def blocking_failures(self) -> list[RuleResult]:
        return [r for r in self.failures if r.rule.severity == "blocking"]

    @property
    def compliant(self) -> bool:
        """No rule fails (a rulebook that does not apply is compliant)."""
        return not self.failures


@dataclasses.dataclass(frozen=True)
class Rulebook:
    id: str
    version: str
    title: dict[str, str]
    applies_to: dict[str, Any]
    rules: tuple[Rule, ...]
    vocabularies: dict[str, tuple[str, ...]] = dataclasses.field(
        default_factory=dict)

    def applies(self, dataset: Mapping[str, Any]) -> bool:
        return all(dataset.get(field) == value
                   for field, value in self.applies_to.items())

    def evaluate(self, dataset: Mapping[str, Any],
                 today: dt.date | None = None) -> Report:
        today = today or dt.date.today()
        if not self.applies(dataset):
            return Report(self, False, ())
        return Report(self, True, tuple(
            RuleResult(rule, bool(rule.check(dataset, today)))
            for rule in self.rules))


def _bilingual(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not value.get("vi"):
        raise RulebookError(f"{where}: needs a Vietnamese text ('vi')")
    return {lang: str(text) for lang, text in value.items()}


def parse(data: Mapping[str, Any], source: str = "rulebook") -> Rulebook:
    """Build a rulebook from its parsed YAML, checking every rule."""
    for key in ("id", "version", "title", "rules"):
        if key not in data:
            raise RulebookError(f"{source}: missing '{key}'")
    vocabularies = data.get("vocabularies") or {}
    rules, seen = [], set()
    for index, spec in enumerate(data["rules"]):
        where = f"{source}: rule {spec.get('id', index)!r}"
        rule_id = spec.get("id")
        if not rule_id or rule_id in seen:
            raise RulebookError(f"{where}: needs a unique 'id'")
        seen.add(rule_id)
        if spec.get("severity") not in SEVERITIES:
            raise RulebookError(f"{where}: severity must be one of "
                                f"{SEVERITIES}")
        try:
            predicate = checks.build(spec.get("check") or {}, vocabularies)
        except checks.CheckError as error:
            raise RulebookError(f"{where}: {error}") from None
        rules.append(Rule(
            id=str(rule_id),
            citation=_bilingual(spec.get("citation"), where),
            severity=spec["severity"],
            message=_bilingual(spec.get("message"), where),
            check=predicate,
        ))
    return Rulebook(
        id=str(data["id"]), version=str(data["version"]),
        title=_bilingual(data["title"], source),
        applies_to=dict(data.get("applies_to") or {}),
        rules=tuple(rules),
        vocabularies={name: tuple(str(v) for v in values)
                      for name, values in vocabularies.items()},
    )


def load(path: Path) -> Rulebook:
    with path.open(encoding="utf-8") as f:
        try:
            data = yaml.safe_load(f)
        except yaml.YAMLError as error:
            raise RulebookError(f"{path.name}: not valid YAML ({error})")
    if not isinstance(data, dict):
        raise RulebookError(f"{path.name}: not a rulebook")
    return parse(data, path.name)


def shipped(name: str = "decree-47-2020") -> Rulebook:
    """A rulebook shipped with the extension, by file name."""
    return load(RULEBOOKS / f"{name}.yaml")
