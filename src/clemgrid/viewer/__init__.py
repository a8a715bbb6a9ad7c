"""Static HTML viewer of transcripts and scores, for reading why a model fails.

`clemgrid.viewer.site.render_site` builds the site; `clemgrid.viewer.cli` is its command line.
Nothing is imported here, so the `clemgrid` CLI can register the command without loading
Jinja and pandas.
"""
