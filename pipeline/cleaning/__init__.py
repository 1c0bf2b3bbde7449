"""Cleaning: normalization, rule packs, the line classifier, corpus-learned repeated lines and the document filters."""
