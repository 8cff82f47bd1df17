"""Placements: a match carried up the trial ladder (snusepraktik, praktik, paid hours).

ladder (start a placement from an accepted proposal; propose, accept, refuse or withdraw a
step; end), steps (what a step proposes, the terms version it would make, and its rules),
timeline (one placement's timeline; the overview of many), notices (the placement
notification kinds), reminders (phase ends soon, long praktik, step waiting, ask for more
hours), forms, pages (the routes both sides share, registered on each side's blueprint).
"""
