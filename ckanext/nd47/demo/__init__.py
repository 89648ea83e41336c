"""Demo catalogue of a provincial portal: agencies, groups, datasets, files."""
