"""Privacy: what a company may read, who saw a person, and what is kept how long.

screening (every text a company reads: health words, identity before consent, CPR numbers;
the words are data in health_terms.txt), disclosure (pseudonyms, the company's view of a
candidate, consent, and revealing name and phone, logged), naming (who a notification names,
for its reader: pseudonym or name, worded when shown; logged), access_log (@purpose per route,
record(), the citizen's log), citizen_copy (everything held about one person), retention (the
nightly erasure in bounded batches), report (stored texts that fail the screening today).
"""
