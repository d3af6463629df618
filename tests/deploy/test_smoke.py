from tests.client import exact_queries


def test_viewer_reports_the_token_owner_and_scope(gql):
    with exact_queries(1):
        r = gql.post("{ viewer { username canWrite authMethod departmentIds } }")
    assert r.status == 200
    assert r.data == {
        "viewer": {
            "username": "writer",
            "canWrite": True,
            "authMethod": "token",
            "departmentIds": None,
        }
    }
