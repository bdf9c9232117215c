"""Cart, quote, checkout and placing an order.

Filled in by the orders and invoices issue.
"""
