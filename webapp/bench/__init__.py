"""Benchmarks that need the web app or the database (`make bench` runs them; JSON lines out).

They live outside the blueprints so that no blueprint imports the app factory. The pure solver
benchmarks are in webapp.scheduling.bench.
"""
