def test_office_sees_tree_with_subtree_counts(city, client_for):
    response = client_for(city.office).get("/orgs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "示范市委" in html
    assert "党员 2" in html
