"""A candidate's jobs: only the candidate's area is ranked, in one statement at any size."""

from __future__ import annotations

from marketplace.jobs import matching
from tests.factories.caseload import new_candidate

HOME, JOBCENTRE, FAR_AWAY = 657, 760, 101  # Herning, Ringkøbing-Skjern, København


def test_only_jobs_in_the_candidates_area_are_ranked(consultant, make_company, make_user, make_job):
    person = new_candidate(consultant, municipality_code=HOME)
    jobs = {}
    for code in (HOME, JOBCENTRE, FAR_AWAY):
        company = make_company(name=f"Firma {code}", municipality_code=code)
        jobs[code] = make_job(company, make_user(company))
    offered = {job.id: match.score for job, match in matching.jobs_for_candidate(person)}
    assert set(offered) == {jobs[HOME].id, jobs[JOBCENTRE].id}
    # Living in the job's municipality still counts in the score.
    assert offered[jobs[HOME].id] == offered[jobs[JOBCENTRE].id] + matching.W_AREA


def test_a_candidates_jobs_are_one_statement_however_many_jobs(
    consultant, employer, make_job, count_queries
):
    person = new_candidate(consultant)
    for _ in range(3):
        make_job(employer.organisation, employer)
    with count_queries() as few:
        assert len(matching.jobs_for_candidate(person)) == 3
    for _ in range(25):
        make_job(employer.organisation, employer)
    with count_queries() as many:
        found = matching.jobs_for_candidate(person)
    assert few.count == many.count == 1
    assert len(found) == 20
    newest_first = [job.published_at for job, _ in found]
    assert newest_first == sorted(newest_first, reverse=True)  # equal scores: newest first
