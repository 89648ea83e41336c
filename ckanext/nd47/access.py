"""Who may create what on a provincial portal: the ``ckan.auth.*``
settings (and one privacy setting) whose CKAN defaults are wrong for one.

CKAN's defaults suit a community portal where anyone may open an
organisation. On a province's portal an organisation is a state agency:
its name and agency code reach the national portal through the DCAT
feed, so only sysadmins create (or delete) agencies and groups, and a
user publishes only as an editor or admin of an agency a sysadmin made
them a member of. These become the defaults once nd47 is installed, so a
portal configured without ``./bin/dev`` gets them too; a ``ckan.ini``
can still set them otherwise.
"""
from __future__ import annotations

from typing import Any

#: CKAN setting -> the default nd47 gives it
DEFAULTS: dict[str, Any] = {
    "ckan.auth.user_create_organizations": False,
    "ckan.auth.user_delete_organizations": False,
    "ckan.auth.user_create_groups": False,
    "ckan.auth.user_delete_groups": False,
    "ckan.auth.create_dataset_if_not_in_organization": False,
    "ckan.auth.create_unowned_dataset": False,
    "ckan.auth.anon_create_dataset": False,
    "ckan.auth.create_user_via_api": False,
    "ckan.auth.public_user_details": False,
    # no avatars from gravatar.com: the pages load nothing from outside
    # (the Content-Security-Policy), and a user's e-mail hash stays here
    "ckan.gravatar_default": "disabled",
}
