"""JSON schemas of the config and the two registries, shipped with the package so that an
installed clemgrid validates without the repository. The files here link to
workflow/schemas/, where the workflow's layout keeps them; a wheel holds their text."""
