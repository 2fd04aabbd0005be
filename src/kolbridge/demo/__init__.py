"""Deterministic demo data: a believable company, its users and KOLs with years of history."""
