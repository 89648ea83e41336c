"""Every nd47 action, one module per concern."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p

from ckanext.nd47.logic.action import (compliance, dcat, feedback, follow,
                                      urls)
from ckanext.nd47.logic.action.compliance import *  # noqa: F401,F403
from ckanext.nd47.logic.action.dcat import *  # noqa: F401,F403
from ckanext.nd47.logic.action.feedback import *  # noqa: F401,F403
from ckanext.nd47.logic.action.follow import *  # noqa: F401,F403
from ckanext.nd47.logic.action.urls import *  # noqa: F401,F403
from ckanext.nd47.logic.action import visibility
from ckanext.nd47.logic.action.visibility import *  # noqa: F401,F403
from ckanext.nd47.logic.action import search
from ckanext.nd47.logic.action.search import *  # noqa: F401,F403

__all__ = [*compliance.__all__, *dcat.__all__, *feedback.__all__,
           *follow.__all__, *urls.__all__, *visibility.__all__,
           *search.__all__]


def registry() -> dict[str, Any]:
    """The actions of ``__all__`` and, while CKAN's activity plugin is
    loaded, the chained actions of its actions (for the plugin's
    ``tk.blanket.actions``: read each time CKAN gathers the actions)."""
    actions = {name: globals()[name] for name in __all__}
    if p.plugin_loaded("activity"):
        actions.update(visibility.ACTIVITY_ACTIONS)
    return actions
