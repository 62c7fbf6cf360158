"""The demo company (issue 2 §9): people, customers, products, leads and orders.

A plain package, not a Django app: `manage.py load_demo` (orderflow.core) drives it.
"""
