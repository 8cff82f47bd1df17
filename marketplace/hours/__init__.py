"""Hours: the paid hours of placements, week by week, append-only with corrections.

ledger (planned hours of a week; confirm a week; correct a confirmed day), weeks (a week of one
or many placements: plan, records, corrections, flags), flags (the consultant's question about
a week and the answer), tallies (confirmed hours against the hour rules in force), progress
(a placement's hours for its page), more_hours (who worked the planned hours four weeks
running), reminders (the weekly reminder and its one-click link), exports (CSV for payroll and
the jobcentre), forms, pages (the week page's shared steps) and export_pages.
"""
