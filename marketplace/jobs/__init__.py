"""Jobs (småjobs): what a company posts, and how consultants find them.

postings (post, edit with stale saves refused, publish, copy, close), board (the consultants'
job board: filters and sorting in SQL, one COUNT and one page), matching (a job's candidates
and a candidate's jobs, ranked in SQL, with reasons).
"""
