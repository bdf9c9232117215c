"""Billing accounts (MOSA; MCA with billing profiles and invoice sections) and roles.

Filled in by the accounts and lifecycle issue.
"""
