"""The caseload: the jobcentre's candidates.

candidates (create, edit with stale saves refused, status, hand over; profile texts screened,
CPR numbers refused in every field; the caseload list in SQL).
"""
