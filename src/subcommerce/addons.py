"""Add-on kinds (traditional and standalone), availability with reasons, purchase paths.

Filled in by the catalog and availability issue.
"""
