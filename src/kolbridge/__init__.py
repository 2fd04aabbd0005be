"""Kolbridge: a Medical Affairs platform for personalized scientific exchange."""
