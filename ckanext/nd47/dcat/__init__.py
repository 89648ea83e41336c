"""DCAT-AP 3 export: the profile, the own vocabulary, the public
catalogue's filter and pages."""
