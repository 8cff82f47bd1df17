"""The demo town (idempotent): town (seeding), data (its people and jobs), placements (a
placement at every phase, dated around today), hours (confirmed, waiting and corrected weeks).
"""
