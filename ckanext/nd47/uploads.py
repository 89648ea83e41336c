"""Which files a resource may be: the upload allow-list.

CKAN's own ``ckan.upload.<type>.types`` / ``.mimetypes`` settings cover
user and organisation images only, not resource files, so the check is
done here, where every resource file passes: CKAN asks the ``IUploader``
plugins for a resource uploader (in ``resource_create`` and in
``package_update``, before anything is validated or stored). nd47
answers with a refusal for a file whose extension is not allowed and with
``None`` otherwise, so CKAN's own uploader (or another plugin's) stores
the file as before.
"""
from __future__ import annotations

import os
from typing import Any

from flask import Blueprint
from werkzeug.datastructures import FileStorage, MultiDict

import ckan.plugins.toolkit as tk

from ckanext.nd47 import config
from ckanext.nd47.logic.validators import message

__all__ = ["nd47_uploads", "extension", "check_resource_upload"]

nd47_uploads = Blueprint("nd47_uploads", __name__)


@nd47_uploads.before_app_request
def drop_empty_file_fields() -> None:
    """The resource form posts its file field even when no file was
    chosen, and CKAN's "add data" step takes an empty file part for data
    provided: "Finish" without a second file would add an empty resource.
    An empty part is no upload, so it is left out of the request's files.
    """
    request = tk.request
    if request.method != "POST" or not (request.endpoint or "").endswith(
            "resource.new"):
        return
    parts = list(request.files.items(multi=True))
    kept = [(key, item) for key, item in parts if item.filename]
    if len(kept) != len(parts):
        # werkzeug caches the parsed files in the request object's own
        # __dict__: that of this request, never of the shared proxy
        request._get_current_object().__dict__["files"] = MultiDict(kept)


def extension(filename: str) -> str:
    """The last extension of ``filename``, lower case, without the dot."""
    return os.path.splitext(filename.strip())[1].lower().lstrip(".")


def check_resource_upload(resource: dict[str, Any]) -> None:
    """Refuse (HTTP 409 through the action API) a resource whose ``upload``
    is a file with an extension outside
    ``ckanext.nd47.uploads.allowed_formats``."""
    upload = resource.get("upload")
    if not isinstance(upload, FileStorage) or not upload.filename:
        return
    allowed = config.upload_allowed_formats()
    ext = extension(upload.filename)
    if ext in allowed:
        return
    shown = f".{ext}" if ext else "?"
    listed = ", ".join(sorted(allowed))
    # the list of formats is long: it is written once, after both languages
    raise tk.ValidationError({"upload": [message(
        f"Không được tải lên tệp {shown}",
        f"Files of type {shown} cannot be uploaded")
        + f". {message('Định dạng được phép', 'Allowed')}: {listed}"]})
