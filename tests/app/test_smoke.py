from tests.support import submit


def test_login_page_is_danish(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert '<html lang="da">' in response.get_data(as_text=True)


def test_employer_logs_in_and_reaches_company_page(client, employer, login):
    response = login(employer)
    assert response.headers["Location"] == "/company/"
    page = client.get("/company/")
    assert page.status_code == 200
    assert employer.organisation.name in page.get_data(as_text=True)


def test_signup_with_bad_cvr_keeps_input(client):
    response = submit(client, "/signup", {"company_name": "Kiosken", "cvr": "12345678"})
    assert response.status_code == 200
    assert 'value="Kiosken"' in response.get_data(as_text=True)
