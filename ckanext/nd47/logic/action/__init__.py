"""Every nd47 action, one module per concern."""
from __future__ import annotations

from ckanext.nd47.logic.action import compliance, dcat, feedback
from ckanext.nd47.logic.action.compliance import *  # noqa: F401,F403
from ckanext.nd47.logic.action.dcat import *  # noqa: F401,F403
from ckanext.nd47.logic.action.feedback import *  # noqa: F401,F403

__all__ = [*compliance.__all__, *dcat.__all__, *feedback.__all__]
