"""JSON schemas of the config and the two registries, shipped with the package so that an
installed clemgrid validates without the repository (workflow/schemas/ links to them)."""
