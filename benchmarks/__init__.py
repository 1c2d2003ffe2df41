"""Peer benchmarks: who a respondent is compared with, and how."""
