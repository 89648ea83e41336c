"""Who may see a dataset, applied wherever a dataset shows up beside its
own page: its activities, its tags, the groups it is a member of, and the
answer to those who ask for it by id or name.

A dataset the caller cannot see is answered as if it did not exist: the
same 404 and the same message as a missing one, with no id echoed.

CKAN's activity plugin stores each activity's ``permission_labels`` when
the activity is recorded and filters every activity list (and
``activity_show``) by them in SQL. A dataset's old activities keep the
labels of the moment they were made, so a dataset made private stays
readable through them. Here every activity of a dataset is given the
dataset's current labels whenever its visibility may have changed, and a
purged dataset's activities are left to sysadmins: the lists, their
counts and their paging stay CKAN's own.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.model as model
import ckan.plugins as p
from ckan.types import Context
# the toolkit has no access to the permission labels that package_show,
# package_search and the activity lists all go by
from ckan.lib.plugins import get_permission_labels

from ckanext.nd47.logic import roles
from ckanext.nd47.logic.validators import message

DATASET_NOT_FOUND = message("Không tìm thấy bộ dữ liệu",
                            "Dataset not found")
RESOURCE_NOT_FOUND = message("Không tìm thấy tài nguyên",
                             "Resource not found")
TAG_NOT_FOUND = message("Không tìm thấy từ khóa", "Tag not found")
ACTIVITY_NOT_FOUND = message("Không tìm thấy hoạt động",
                             "Activity not found")

# the activity plugin's table (its model declares the array column as text)
_activity = sa.table("activity", sa.column("id"), sa.column("object_id"),
                     sa.column("activity_type"),
                     sa.column("permission_labels",
                               postgresql.ARRAY(sa.Text)))


# --- who sees which datasets ------------------------------------------------------

def _account(context: Context) -> Optional[model.User]:
    return roles.user_object(context.get("user"))


def visible_clause(context: Context) -> Optional[Any]:
    """A condition on ``package`` rows true for the datasets the caller may
    read, as package_show decides it; None for sysadmins, who read all.

    The user's labels come from the permission-label plugin; each kind of
    label of CKAN's default labelling (which nd47 keeps) is matched to the
    datasets that carry it: ``public`` (active and not private),
    ``member-<agency>``, ``creator-<user>`` (datasets of no agency) and
    ``collaborator-<dataset>``. A label of another kind matches nothing.
    """
    account = _account(context)
    if account is not None and account.sysadmin:
        return None
    labels = get_permission_labels().get_user_dataset_labels(account)
    pkg = model.Package

    def ids(prefix: str) -> list[str]:
        return [label[len(prefix):] for label in labels
                if label.startswith(prefix)]

    conditions: list[Any] = []
    if "public" in labels:
        conditions.append(sa.and_(pkg.state == "active",
                                  pkg.private.is_(False)))
    if ids("member-"):
        conditions.append(pkg.owner_org.in_(ids("member-")))
    if ids("creator-"):
        conditions.append(sa.and_(pkg.owner_org.is_(None),
                                  pkg.creator_user_id.in_(ids("creator-"))))
    if ids("collaborator-"):
        conditions.append(pkg.id.in_(ids("collaborator-")))
    return sa.or_(sa.false(), *conditions)


def visible_package_ids(context: Context, package_ids: Iterable[str]
                        ) -> set[str]:
    """Those of ``package_ids`` the caller may read."""
    wanted = list(package_ids)
    if not wanted:
        return set()
    query = model.Session.query(model.Package.id).filter(
        model.Package.id.in_(wanted))
    clause = visible_clause(context)
    if clause is not None:
        query = query.filter(clause)
    return {row[0] for row in query}


def visible_tags(context: Context, terms: Iterable[str] = ()) -> Any:
    """A query of the free tags (no vocabulary) that some dataset the caller
    may read carries, whose names contain every one of ``terms``."""
    tag, package_tag, pkg = model.Tag, model.PackageTag, model.Package
    carried = sa.exists().where(sa.and_(package_tag.tag_id == tag.id,
                                        package_tag.state == "active",
                                        pkg.id == package_tag.package_id))
    clause = visible_clause(context)
    if clause is not None:
        carried = carried.where(clause)
    query = model.Session.query(tag).filter(tag.vocabulary_id.is_(None),
                                            carried)
    for term in terms:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_")
        query = query.filter(tag.name.ilike(f"%{escaped}%", escape="\\"))
    return query.order_by(tag.name)


# --- activities ----------------------------------------------------------------------

def _set_activity_labels(package_id: str, labels: list[str]) -> None:
    model.Session.execute(sa.update(_activity)
                          .where(_activity.c.object_id == package_id)
                          .values(permission_labels=labels))


def sync_activities(package_ids: Iterable[str]) -> None:
    """Give every activity of these datasets the labels the datasets have
    now (public, private, draft or deleted), in the session's
    transaction."""
    if not p.plugin_loaded("activity"):
        return
    wanted = list(package_ids)
    if not wanted:
        return
    labeller = get_permission_labels()
    for package in model.Session.query(model.Package).filter(
            sa.or_(model.Package.id.in_(wanted),
                   model.Package.name.in_(wanted))):
        _set_activity_labels(package.id,
                             labeller.get_dataset_labels(package))


def of_hidden_dataset(context: Context, activity_id: str) -> bool:
    """Whether the activity is about a dataset the caller may not read
    (or one that was purged)."""
    if not p.plugin_loaded("activity"):
        return False
    row = model.Session.execute(
        sa.select(_activity.c.object_id, _activity.c.activity_type)
        .where(_activity.c.id == activity_id)).first()
    return bool(row is not None and "package" in (row.activity_type or "")
                and not visible_package_ids(context, [row.object_id]))


def hide_activities(package_id: str) -> None:
    """Leave the activities of a dataset being purged to sysadmins: no
    user's labels match an empty list."""
    if p.plugin_loaded("activity"):
        _set_activity_labels(package_id, [])


def after_dataset_change(context: Context, pkg_dict: dict[str, Any]
                         ) -> None:
    """IPackageController ``after_dataset_update`` and
    ``after_dataset_delete``."""
    if pkg_dict.get("id"):
        sync_activities([pkg_dict["id"]])
