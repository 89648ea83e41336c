"""nd47_search: a PostgreSQL search backend that stands in for Solr.

``seam`` plugs it into CKAN, ``connection`` answers CKAN's Solr calls,
``lucene`` translates query syntax to SQL, ``document`` lays out the index
rows and ``text`` folds Vietnamese diacritics.
"""
