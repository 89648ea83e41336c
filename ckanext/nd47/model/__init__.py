"""Tables owned by ckanext-nd47 (created by the plugin's alembic migrations)."""
