"""What every request shares."""

from flask import request


def test_nul_characters_are_taken_out_of_queries_and_forms(app):
    with app.test_request_context("/posts?q=a%00b&%00k=v", method="POST", data={"title": "x\x00y", "a\x00": "1"}):
        assert request.args["q"] == "ab" and request.args["k"] == "v"
        assert request.form["title"] == "xy" and request.form["a"] == "1"


def test_a_search_with_a_nul_character_is_answered(client):
    assert client.get("/posts?q=a%00b&category=%00").status_code == 200
    refused = client.post("/login", data={"email": "a\x00@example.org", "password": "x"})
    assert refused.status_code == 422 and 'value="a@example.org"' in refused.get_data(as_text=True)
