"""Evaluation of each stage against public gold data (`parley eval NAME`)."""
