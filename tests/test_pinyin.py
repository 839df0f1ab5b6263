"""Names sort by pinyin, character by character, in Python and in the database alike."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests import factories
from webapp.blueprints.auth import registration
from webapp.blueprints.volunteers import import_files, importing
from webapp.demo import load_demo_county
from webapp.extensions import db
from webapp.models import Home, Team, User, Volunteer
from webapp.pinyin import initial, sort_key

# Each name sorts before the next: by syllable, then tone, character by character.
IN_ORDER = ["安宁", "陈静", "何涵曦", "何欣曦", "李安", "李秀兰", "连杰", "吕明", "曾国藩", "张伟"]


def test_names_sort_by_pinyin_not_by_code_point():
    assert sorted(IN_ORDER) != IN_ORDER  # code points put 何欣曦 and 何涵曦 the other way round
    assert sorted(IN_ORDER, key=sort_key) == IN_ORDER


def test_polyphonic_surnames_take_their_surname_reading():
    assert sort_key("曾国藩").startswith("zeng00")
    assert sort_key("单田芳").startswith("shan00")


def test_latin_letters_digits_and_punctuation():
    assert sort_key("买买提·艾力") == sort_key("买买提艾力")
    assert sort_key("Anna 李") == "a000000n000000n000000a000000li00003"
    assert sort_key("") == "" and sort_key(None) == "" and initial("") == "#"
    assert initial(sort_key("何涵曦")) == "H"


@given(st.text(max_size=120))
def test_a_key_holds_only_letters_and_digits_in_units_of_seven(name):
    key = sort_key(name)
    assert re.fullmatch(r"[a-z0-9]*", key) and len(key) <= 255
    assert len(key) % 7 == 0 or len(key) == 255


def test_the_database_sorts_and_pages_volunteers_by_pinyin(app, coordinator_client):
    for name in reversed(IN_ORDER):
        factories.volunteer(name=name)
    stored = db.session.scalars(select(Volunteer.name).order_by(*Volunteer.by_name())).all()
    assert stored == IN_ORDER  # whatever the database's collation

    html = coordinator_client.get("/volunteers/?sort=name").get_data(as_text=True)
    positions = [html.index(name) for name in IN_ORDER]
    assert positions == sorted(positions)
    html = coordinator_client.get("/volunteers/?sort=name&dir=desc").get_data(as_text=True)
    positions = [html.index(name) for name in IN_ORDER]
    assert positions == sorted(positions, reverse=True)


def test_every_write_path_keeps_the_key(app, client, coordinator_client):
    """Form, import, registration, invitation and the demo all set the key with the name."""
    coordinator_client.post(
        "/volunteers/new",
        data={
            "kind": "teacher",
            "name": "何欣曦",
            "phone": "13500000001",
            "transport_mode": "bus",
            "max_travel_minutes": "30",
            "max_sessions_per_week": "2",
        },
    )
    with app.test_request_context("/"):  # registration: the link in the message finishes it
        link = registration.make_token(
            registration.Registration(
                email="zeng@example.org",
                name="曾小明",
                kind="community",
                phone="13900000002",
                locale=None,
            )
        )
    finish = {"password": "a-long-password", "confirm": "a-long-password"}
    assert client.post(f"/auth/register/{link}", data=finish).status_code in (302, 303)
    table = import_files.read_table("v.csv", "姓名,类型,手机号\n仇导入,教师,13500000003\n".encode())
    importing.apply(importing.analyse(table), coordinator_client.user)
    volunteer = factories.volunteer(name="旧名字")
    volunteer.name = "单新名"  # an edit through the ORM
    team = factories.team(name="春晖队")
    team.name = "萤火队"
    db.session.commit()
    load_demo_county()
    db.session.commit()
    rows = []
    for model in (Volunteer, User, Team, Home):
        rows += db.session.execute(select(model.name, model.name_key)).all()
    assert len(rows) > 100
    assert [(name, key) for name, key in rows if key != sort_key(name)] == []
    assert {"何欣曦", "曾小明", "仇导入", "单新名", "萤火队"} <= {name for name, _key in rows}


def test_the_list_sorted_by_name_is_grouped_by_initial(app, coordinator_client):
    for name in ("何欣曦", "何涵曦", "安宁"):
        factories.volunteer(name=name)
    html = coordinator_client.get("/volunteers/").get_data(as_text=True)
    groups = re.findall(r'<tr class="group-row"><th[^>]*>(.)</th>', html)
    assert groups == ["A", "H"]
    assert html.index("安宁") < html.index("何涵曦") < html.index("何欣曦")
    by_kind = coordinator_client.get("/volunteers/?sort=kind").get_data(as_text=True)
    assert "group-row" not in by_kind
