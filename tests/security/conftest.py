"""The `steward` fixture: an editor of one agency."""
from tests.helpers import steward  # noqa: F401
