"""What every request shares."""


def test_a_nul_byte_in_a_query_or_a_form_is_a_clear_400(client):
    assert client.get("/posts?q=a%00b").status_code == 400
    assert client.get("/posts?%00=x").status_code == 400
    assert client.post("/login", data={"email": "a\x00@example.org", "password": "x"}).status_code == 400
    page = client.get("/posts?q=ab")
    assert page.status_code == 200
