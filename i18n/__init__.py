"""Translations of ckanext-nd47 (gettext catalogues), shipped as package data."""
