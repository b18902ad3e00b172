def test_a_parent_lists_only_their_own_child(api_as, demo):
    answer = api_as("parent.leo").get("/api/v1/students/")
    assert answer.status_code == 200
    assert {row["id"] for row in answer.json()["results"]} == {demo.leo.id}
