"""Adaptive Cards (version 1.5, the newest Teams renders) and the bilingual strings they show."""
