"""official(code) on the demo story: load, scope and masking."""

from __future__ import annotations

from api.auth import Role
from seeds.demo import HUANG, LIN

OFFICIAL = """
query($code: String!) {
  official(code: $code) { code name unit position phone idNumber maxLoad load }
}
"""


def test_official(api, demo):
    official = api.data(OFFICIAL, {"code": HUANG})["official"]
    assert official["name"] == "Huang Dehui"
    assert official["load"] == 4
    assert official["maxLoad"] == 3
    lin = api.data(OFFICIAL, {"code": LIN})["official"]
    assert len(lin["idNumber"]) == 18
    assert api.data(OFFICIAL, {"code": "O-000000-000"})["official"] is None


def test_official_scope_and_masking(api, demo):
    lin = api.data(OFFICIAL, {"code": LIN}, role=Role.INVESTIGATOR)["official"]
    assert "*" in lin["idNumber"] and "*" in lin["phone"]
    # A field official sees themself and officials paired with their households.
    field = {"role": Role.FIELD_OFFICIAL, "scope": HUANG}
    assert api.data(OFFICIAL, {"code": HUANG}, **field)["official"]["code"] == HUANG
    assert api.data(OFFICIAL, {"code": LIN}, **field)["official"] is None
    region = {"role": Role.REGION_OFFICER, "scope": "469001"}
    assert api.data(OFFICIAL, {"code": HUANG}, **region)["official"]["code"] == HUANG
    assert api.data(OFFICIAL, {"code": LIN}, **region)["official"] is None
