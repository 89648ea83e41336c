"""ckanext-scheming schemas of ckanext-nd47 (YAML), shipped as package data."""
