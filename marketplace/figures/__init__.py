"""The jobcentre's figures: the programme's measures, defined once (measures.py)."""
