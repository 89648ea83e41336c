"""Who a user is to the portal: a sysadmin, or a data steward (editor or
admin) of which agencies."""
from __future__ import annotations

from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.nd47.logic.validators import message

#: the answer for an agency that does not exist
AGENCY_NOT_FOUND = message("Không tìm thấy cơ quan", "Agency not found")


def user_object(name: Optional[str]) -> Optional[model.User]:
    """The active account of that name, None for anonymous users."""
    account = model.User.get(name) if name else None
    return account if account is not None and account.state == "active" else None


def is_sysadmin(name: Optional[str]) -> bool:
    account = user_object(name)
    return bool(account and account.sysadmin)


def stewarded_organizations(user: str) -> list[str]:
    """Ids of the agencies where ``user`` can publish datasets (editors and
    admins: the agency's data stewards)."""
    organizations = tk.get_action("organization_list_for_user")(
        {"user": user, "ignore_auth": True},
        {"permission": "create_dataset"})
    return [org["id"] for org in organizations]


def is_steward(user: Optional[str], organization_id: Optional[str]) -> bool:
    """A sysadmin, or a steward of that agency. Requests with no agency
    are the province's: only sysadmins handle them."""
    if not user:
        return False
    if is_sysadmin(user):
        return True
    return bool(organization_id) and \
        organization_id in stewarded_organizations(user)
