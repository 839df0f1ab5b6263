"""The card's household (webapp/blueprints/children/households.py and its views): staff choose a
household of the same home's children or make a new one; the card shows the siblings; every
change is audited and worded on the audit page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.world import login
from webapp.extensions import db
from webapp.models import AuditLog, Child
from webapp.models.children import Household

HTMX = {"HX-Request": "true"}


@pytest.fixture
def family(app):
    """Two children of one home sharing a household, a third without one, and another home's
    household."""
    manager = factories.user(roles=("home_manager",))
    home = factories.home(managers=(manager,))
    shared = Household(label="石门村 三组 1", village="石门村", lat=27.1, lon=109.2)
    elder = factories.child(pseudonym="姐姐", home=home)
    younger = factories.child(pseudonym="弟弟", home=home)
    alone = factories.child(pseudonym="小明", home=home)
    elder.household = younger.household = shared
    far = factories.child(pseudonym="远方", home=factories.home())
    far.household = Household(label="龙潭村 一组 4", village="龙潭村")
    db.session.commit()
    return {
        "manager": manager,
        "shared": shared.id,
        "far": far.household_id,
        "elder": elder.id,
        "alone": alone.id,
    }


def _household_of(child_id: int) -> int | None:
    db.session.expire_all()
    return db.session.get(Child, child_id).household_id


def _entries() -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "child.household")))


def test_the_card_shows_the_household_and_the_siblings(coordinator_client, family):
    page = coordinator_client.get(f"/children/{family['elder']}").text
    assert "石门村 三组 1" in page and "弟弟" in page
    assert "龙潭村 一组 4" not in page  # another home's household is not offered


def test_a_manager_moves_a_child_into_a_siblings_household(app, family):
    client = login(app.test_client(), family["manager"])
    response = client.post(
        f"/children/{family['alone']}/household", data={"household_id": family["shared"]}
    )
    assert response.status_code == 303 and response.location.endswith("#household")
    assert _household_of(family["alone"]) == family["shared"]
    (entry,) = _entries()
    assert entry.object_id == family["alone"] and entry.actor_id == family["manager"].id
    assert entry.before == {"household": None} and entry.after == {"household": "石门村 三组 1"}
    page = client.get(f"/children/{family['alone']}").text
    assert "姐姐" in page and "弟弟" in page


def test_another_homes_household_is_refused(coordinator_client, family):
    response = coordinator_client.post(
        f"/children/{family['alone']}/household", data={"household_id": family["far"]}
    )
    assert response.status_code == 422
    assert "请选择本之家孩子所在的家庭" in response.text
    assert _household_of(family["alone"]) is None and _entries() == []


def test_choosing_none_takes_the_child_out_and_the_same_one_changes_nothing(
    coordinator_client, family
):
    url = f"/children/{family['elder']}/household"
    assert coordinator_client.post(url, data={"household_id": family["shared"]}).status_code == 303
    assert _entries() == []  # nothing changed, nothing to audit
    response = coordinator_client.post(url, data={"household_id": 0}, headers=HTMX)
    assert response.status_code == 200 and 'id="household"' in response.text
    assert _household_of(family["elder"]) is None
    (entry,) = _entries()
    assert entry.after == {"household": None}


def test_a_new_household_with_a_map_point(coordinator_client, family):
    response = coordinator_client.post(
        f"/children/{family['alone']}/household/new",
        data={
            "household-label": " 高坡村  二组 7 ",
            "household-village": "高坡村",
            "household-lat": "27.2",
            "household-lon": "109.5",
        },
    )
    assert response.status_code == 303
    household = db.session.get(Household, _household_of(family["alone"]))
    assert (household.label, household.village, household.lat, household.lon) == (
        "高坡村 二组 7",
        "高坡村",
        27.2,
        109.5,
    )
    (entry,) = _entries()
    assert entry.after["household"] == "高坡村 二组 7" and entry.after["created"] is True


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"household-label": ""}, "必填"),
        ({"household-label": "甲", "household-lat": "27.2"}, "纬度和经度"),
        ({"household-label": "甲", "household-lat": "95", "household-lon": "109"}, "-90"),
    ],
)
def test_a_new_household_is_refused_with_the_reason(coordinator_client, family, data, reason):
    response = coordinator_client.post(
        f"/children/{family['alone']}/household/new", data=data, headers=HTMX
    )
    assert response.status_code == 422
    assert reason in response.text
    assert _household_of(family["alone"]) is None


def test_the_audit_page_words_the_change(coordinator_client, admin_client, family):
    coordinator_client.post(
        f"/children/{family['alone']}/household", data={"household_id": family["shared"]}
    )
    body = admin_client.get("/admin/audit").text
    assert "更改了" in body and "所在的家庭" in body and "石门村 三组 1" in body
    assert "<code>child.household</code>" not in body


def test_who_may_change_it(app, family):
    stranger = factories.user(roles=("home_manager",))
    factories.home(managers=(stranger,))
    carer = factories.user(roles=("volunteer",))
    child = db.session.get(Child, family["alone"])
    factories.pairing(volunteer=factories.volunteer(user=carer), child=child)
    url = f"/children/{family['alone']}/household"
    data = {"household_id": family["shared"]}
    assert login(app.test_client(), stranger).post(url, data=data).status_code == 404
    carer_client = login(app.test_client(), carer)
    assert carer_client.post(url, data=data).status_code == 403
    assert carer_client.post(url + "/new", data={"household-label": "甲"}).status_code == 403
    assert 'id="household"' not in carer_client.get(f"/children/{family['alone']}").text
    assert _household_of(family["alone"]) is None
