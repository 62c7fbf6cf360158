"""Benchmarks (not timed tests): python bench/orders.py --help."""
