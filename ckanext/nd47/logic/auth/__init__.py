"""Auth functions of every nd47 action, one module per concern."""
from __future__ import annotations

from ckanext.nd47.logic.auth import compliance, feedback
from ckanext.nd47.logic.auth.compliance import *  # noqa: F401,F403
from ckanext.nd47.logic.auth.feedback import *  # noqa: F401,F403
from ckanext.nd47.logic.auth import visibility
from ckanext.nd47.logic.auth.visibility import *  # noqa: F401,F403

__all__ = [*compliance.__all__, *feedback.__all__, *visibility.__all__]
