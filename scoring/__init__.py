"""Scoring: pure Python, no Django. Frozen dataclasses in, numbers out."""
