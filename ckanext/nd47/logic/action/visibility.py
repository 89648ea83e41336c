"""CKAN's own actions, chained so that a dataset the caller cannot see
is answered as a missing one and leaves no trace in tags, member lists
or activities (see ``ckanext.nd47.visibility``)."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.nd47 import visibility

__all__ = [
    "package_show", "resource_show", "member_list", "tag_list",
    "tag_search", "tag_autocomplete", "tag_show", "bulk_update_private",
    "bulk_update_public", "bulk_update_delete", "package_owner_org_update",
    "dataset_purge",
]


# --- hidden and missing: one answer -----------------------------------------------

@tk.chained_action
@tk.side_effect_free
def package_show(up: Action, context: Context, data_dict: DataDict
                 ) -> dict[str, Any]:
    """CKAN's ``package_show``; a dataset the caller may not see is not
    found, with the message of a missing one."""
    try:
        return up(context, data_dict)
    except tk.ObjectNotFound:
        raise tk.ObjectNotFound(visibility.DATASET_NOT_FOUND) from None


@tk.chained_action
@tk.side_effect_free
def resource_show(up: Action, context: Context, data_dict: DataDict
                  ) -> dict[str, Any]:
    """CKAN's ``resource_show``; a resource of a dataset the caller may not
    see is not found, with the message of a missing one."""
    try:
        return up(context, data_dict)
    except tk.ObjectNotFound:
        raise tk.ObjectNotFound(visibility.RESOURCE_NOT_FOUND) from None


# --- members and tags --------------------------------------------------------------

@tk.chained_action
@tk.side_effect_free
def member_list(up: Action, context: Context, data_dict: DataDict
                ) -> list[tuple[str, str, str]]:
    """CKAN's ``member_list`` without the datasets the caller may not see
    (the list is never paged)."""
    members: list[tuple[str, str, str]] = up(context, data_dict)
    visible = visibility.visible_package_ids(
        context, [m[0] for m in members if m[1] == "package"])
    return [m for m in members if m[1] != "package" or m[0] in visible]


def _terms(data_dict: DataDict) -> list[str]:
    terms = data_dict.get("query") or data_dict.get("q") or []
    if isinstance(terms, str):
        terms = [terms]
    fields = data_dict.get("fields") or {}
    if isinstance(fields, dict):
        terms = [*terms, *(v for k, v in fields.items()
                           if k in ("tag", "tags"))]
    return [t.strip() for t in terms if isinstance(t, str) and t.strip()]


def _window(query: Any, data_dict: DataDict) -> Any:
    if data_dict.get("offset"):
        query = query.offset(int(data_dict["offset"]))
    if data_dict.get("limit"):
        query = query.limit(int(data_dict["limit"]))
    return query


@tk.chained_action
@tk.side_effect_free
def tag_list(up: Action, context: Context, data_dict: DataDict
             ) -> list[Any]:
    """CKAN's ``tag_list``: free tags only of datasets the caller may see
    (a vocabulary's tags are listed by CKAN as they are)."""
    if data_dict.get("vocabulary_id"):
        return up(context, data_dict)
    tk.check_access("tag_list", context, data_dict)
    tags = visibility.visible_tags(context, _terms(data_dict)).all()
    if tk.asbool(data_dict.get("all_fields")):
        # the dictization tag_list itself uses
        from ckan.lib.dictization import model_dictize
        return model_dictize.tag_list_dictize(tags, context)
    return [tag.name for tag in tags]


@tk.chained_action
@tk.side_effect_free
def tag_search(up: Action, context: Context, data_dict: DataDict
               ) -> dict[str, Any]:
    """CKAN's ``tag_search`` over the free tags of datasets the caller may
    see; ``count`` counts those."""
    if "vocabulary_id" in data_dict:
        return up(context, data_dict)
    tk.check_access("tag_search", context, data_dict)
    terms = _terms(data_dict)
    if not terms:
        return {"count": 0, "results": []}
    query = visibility.visible_tags(context, terms)
    return {"count": query.count(),
            "results": [{"id": tag.id, "name": tag.name,
                         "vocabulary_id": tag.vocabulary_id}
                        for tag in _window(query, data_dict)]}


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(up: Action, context: Context, data_dict: DataDict
                     ) -> list[str]:
    """CKAN's ``tag_autocomplete`` over the free tags of datasets the
    caller may see."""
    if "vocabulary_id" in data_dict:
        return up(context, data_dict)
    tk.check_access("tag_autocomplete", context, data_dict)
    terms = _terms(data_dict)
    if not terms:
        return []
    return [tag.name for tag in
            _window(visibility.visible_tags(context, terms), data_dict)]


@tk.chained_action
@tk.side_effect_free
def tag_show(up: Action, context: Context, data_dict: DataDict
             ) -> dict[str, Any]:
    """CKAN's ``tag_show``; a free tag that no dataset the caller may see
    carries is not found, like a missing one."""
    tag_id = tk.get_or_bust(data_dict, "id")
    if not data_dict.get("vocabulary_id"):
        tag = model.Tag.get(str(tag_id))
        visible = visibility.visible_tags(context).filter(
            model.Tag.id == tag.id) if tag is not None else None
        if visible is None or visible.first() is None:
            raise tk.ObjectNotFound(visibility.TAG_NOT_FOUND)
    try:
        return up(context, data_dict)
    except tk.ObjectNotFound:
        raise tk.ObjectNotFound(visibility.TAG_NOT_FOUND) from None


# --- visibility changes that bypass the package hooks -------------------------------

def _bulk(up: Action, context: Context, data_dict: DataDict) -> None:
    up(context, data_dict)
    visibility.sync_activities(data_dict.get("datasets") or [])
    model.Session.commit()


@tk.chained_action
def bulk_update_private(up: Action, context: Context, data_dict: DataDict
                        ) -> None:
    """CKAN's ``bulk_update_private``; the datasets' activities then carry
    their new labels."""
    _bulk(up, context, data_dict)


@tk.chained_action
def bulk_update_public(up: Action, context: Context, data_dict: DataDict
                       ) -> None:
    """CKAN's ``bulk_update_public``; the datasets' activities then carry
    their new labels."""
    _bulk(up, context, data_dict)


@tk.chained_action
def bulk_update_delete(up: Action, context: Context, data_dict: DataDict
                       ) -> None:
    """CKAN's ``bulk_update_delete``; the datasets' activities then carry
    their new labels."""
    _bulk(up, context, data_dict)


@tk.chained_action
def package_owner_org_update(up: Action, context: Context,
                             data_dict: DataDict) -> None:
    """CKAN's ``package_owner_org_update``; a private dataset's activities
    then carry its new agency's label."""
    up(context, data_dict)
    visibility.sync_activities([str(data_dict.get("id") or "")])
    if not context.get("defer_commit"):
        model.Session.commit()


@tk.chained_action
def dataset_purge(up: Action, context: Context, data_dict: DataDict
                  ) -> None:
    """CKAN's ``dataset_purge``; the dataset's activities (each holding a
    copy of it) are left to sysadmins, in the purge's transaction."""
    tk.check_access("dataset_purge", context, data_dict)
    package = model.Package.get(str(tk.get_or_bust(data_dict, "id")))
    if package is None:
        raise tk.ObjectNotFound(visibility.DATASET_NOT_FOUND)
    visibility.hide_activities(package.id)
    up(context, data_dict)


# --- activities, while CKAN's activity plugin is loaded -----------------------------

def _activity_read(up: Action, context: Context, data_dict: DataDict
                   ) -> Any:
    try:
        return up(context, data_dict)
    except tk.ObjectNotFound:
        raise tk.ObjectNotFound(visibility.ACTIVITY_NOT_FOUND) from None
    except tk.NotAuthorized:
        if visibility.of_hidden_dataset(context,
                                        str(data_dict.get("id") or "")):
            raise tk.ObjectNotFound(visibility.ACTIVITY_NOT_FOUND) from None
        raise


@tk.chained_action
@tk.side_effect_free
def activity_show(up: Action, context: Context, data_dict: DataDict
                  ) -> dict[str, Any]:
    """The activity plugin's ``activity_show``; an activity of a dataset
    the caller may not see is not found, like a missing one."""
    # the action always returns the activity's data, a copy of the dataset
    # as it was: ask who may read past versions (the plugin's auth also
    # fails with a KeyError, a 500, when include_data is not given)
    result: dict[str, Any] = _activity_read(
        up, context, dict(data_dict, include_data=True))
    return result


@tk.chained_action
@tk.side_effect_free
def activity_data_show(up: Action, context: Context, data_dict: DataDict
                       ) -> dict[str, Any]:
    """The activity plugin's ``activity_data_show``; an activity of a
    dataset the caller may not see is not found, like a missing one."""
    result: dict[str, Any] = _activity_read(up, context, data_dict)
    return result


@tk.chained_action
@tk.side_effect_free
def activity_diff(up: Action, context: Context, data_dict: DataDict
                  ) -> dict[str, Any]:
    """The activity plugin's ``activity_diff``; an activity of a dataset
    the caller may not see is not found, like a missing one."""
    result: dict[str, Any] = _activity_read(up, context, data_dict)
    return result


#: chained actions of the activity plugin's actions, registered only while
#: it is loaded (a chained action of an action that is not there is an
#: error); see ``ckanext.nd47.logic.action.registry``
ACTIVITY_ACTIONS: dict[str, Action] = {
    "activity_show": activity_show,
    "activity_data_show": activity_data_show,
    "activity_diff": activity_diff,
}
