"""ckanext-nd47: a CKAN open-data portal for a Vietnamese province
under Decree 47/2020/NĐ-CP."""
