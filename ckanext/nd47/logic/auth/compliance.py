"""Who may call the nd47 actions (sysadmins always may: CKAN lets them
through before these run)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.nd47.logic.roles import AGENCY_NOT_FOUND, stewarded_organizations
from ckanext.nd47.logic.validators import message

__all__ = ["nd47_compliance_show", "nd47_compliance_summary"]


@tk.auth_allow_anonymous_access
def nd47_compliance_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone who may see the dataset may see its compliance."""
    try:
        tk.check_access("package_show", context, data_dict)
    except tk.NotAuthorized:
        return {"success": False,
                "msg": message("Không có quyền xem bộ dữ liệu này",
                               "Not authorized to see this dataset")}
    return {"success": True}


def nd47_compliance_summary(context: Context,
                            data_dict: DataDict) -> AuthResult:
    """Stewards of an agency (editors, admins) see its summary."""
    user = context.get("user")
    if not user:
        return {"success": False, "msg": message(
            "Vui lòng đăng nhập bằng tài khoản cán bộ đầu mối",
            "Log in as a data steward")}
    mine = stewarded_organizations(user)
    wanted = data_dict.get("organization")
    if wanted:
        try:
            org = tk.get_action("organization_show")(
                {"ignore_auth": True}, {"id": wanted,
                                        "include_datasets": False})
        except tk.ObjectNotFound:
            return {"success": False, "msg": AGENCY_NOT_FOUND}
        if org["id"] in mine:
            return {"success": True}
    elif mine:
        return {"success": True}
    return {"success": False,
            "msg": message(
                "Chỉ cán bộ đầu mối của cơ quan mới xem được nội dung này",
                "Only the agency's data stewards can see this")}
