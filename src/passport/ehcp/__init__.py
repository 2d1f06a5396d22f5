"""Statutory EHC needs assessments, plans (sections A-K), annual reviews and legacy plans."""
