"""Privacy-law comparison knowledge base: load + validate -> model -> pages and exports.

The core (load, model, gaps, claims, pages, exports, citations) does not depend on MkDocs;
kb.plugin, the only module that imports it, hosts the pages and files in a MkDocs site.
"""
