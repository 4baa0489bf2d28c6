"""Template tables of scripts/guard_train/near_miss.py (benign near-miss texts, own words).

Each module exports GROUPS: a list of (group id, family, lang, templates, slots). A template is
a str.format string; slots maps a slot name to its values. near_miss.py expands every
combination and keeps a seeded sample per group.
"""
