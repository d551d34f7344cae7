"""Privacy-law comparison knowledge base: load + validate -> model -> render and export.

The package does not depend on MkDocs; scripts/mkdocs_hook.py hosts its output in a site.
"""
