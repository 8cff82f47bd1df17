"""Agreements: the dated terms of a placement, its two parties, and the rules terms keep.

terms (reading terms versions: the one in force on a day, its phase, every version's
period), rules (a jobcentre's ladder rules, defaults until its admin changes them, and their
checks), parties (who stands on each side of a placement and telling them), document (what the
printed praktik agreement adds: the jobcentre's contact person, who accepted each version).
Both hours and placements stand on this area.
"""
