"""Swaps: offered to a colleague, checked again at acceptance, both told."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.conftest import AuthActions
from webapp.extensions import db
from webapp.models import Assignment, OutboxMessage, SwapOffer


def _login(app, volunteer):
    client = app.test_client()
    assert AuthActions(client).login(volunteer.user.email).status_code == 303
    return client


def _mine(volunteer) -> list[Assignment]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.volunteer_id == volunteer.id)
            .order_by(Assignment.id)
        )
    )


def _setup(app):
    need, occurrence = factories.open_need(title="绘本阅读会")
    owner = factories.volunteer_with_login(name="李秀兰")
    colleague = factories.volunteer_with_login(name="王丽")
    taken = factories.assignment(owner, need_id=need.id, occurrence_id=occurrence.id)
    return need, occurrence, owner, colleague, taken


def test_a_swap_offered_and_accepted_moves_the_assignment_and_tells_both(app):
    need, occurrence, owner, colleague, taken = _setup(app)
    owner_client = _login(app, owner)
    response = owner_client.post(
        f"/me/assignments/{taken.id}/swap", data={"contact": colleague.phone, "note": "家里有事"}
    )
    assert response.status_code == 303
    swap = db.session.scalar(select(SwapOffer))
    colleague_client = _login(app, colleague)
    assert "家里有事" in colleague_client.get("/me/schedule").text
    assert colleague_client.post(f"/me/swaps/{swap.id}/accept").status_code == 303
    assert [a.status for a in _mine(owner)] == ["withdrawn"]
    assert [a.status for a in _mine(colleague)] == ["confirmed"]
    told = {m.to_address for m in db.session.scalars(select(OutboxMessage))}
    assert {owner.user.email, colleague.user.email} <= told
    assert "绘本阅读会" in colleague_client.get("/me/schedule").text


def test_an_ineligible_colleague_is_asked_and_hears_the_reason_when_accepting(app):
    need, occurrence, owner, colleague, taken = _setup(app)
    colleague.vetting_status = "pending"
    db.session.commit()
    response = _login(app, owner).post(
        f"/me/assignments/{taken.id}/swap", data={"contact": colleague.email}
    )
    assert response.status_code == 303  # the offerer learns nothing about the colleague
    swap = db.session.scalar(select(SwapOffer))
    assert swap.to_volunteer_id == colleague.id
    refused = _login(app, colleague).post(
        f"/me/swaps/{swap.id}/accept", headers={"Accept-Language": "en"}
    )
    assert refused.status_code == 422 and "You cannot take this" in refused.text
    assert "pending" in refused.text
    assert [a.status for a in _mine(owner)] == ["confirmed"]


def test_acceptance_checks_the_rules_again(app):
    need, occurrence, owner, colleague, taken = _setup(app)
    _login(app, owner).post(f"/me/assignments/{taken.id}/swap", data={"contact": colleague.phone})
    swap = db.session.scalar(select(SwapOffer))
    # Between the offer and the answer the colleague's clearance lapses.
    colleague.expires_on = occurrence.starts_at.date() - timedelta(days=1)
    db.session.commit()
    response = _login(app, colleague).post(
        f"/me/swaps/{swap.id}/accept", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert "clearance" in response.text
    assert [a.status for a in _mine(owner)] == ["confirmed"]
    assert _mine(colleague) == []
    db.session.refresh(swap)
    assert swap.status == "pending"


def test_unknown_colleague_self_and_someone_elses_offer(app):
    need, occurrence, owner, colleague, taken = _setup(app)
    client = _login(app, owner)
    unknown = client.post(f"/me/assignments/{taken.id}/swap", data={"contact": "13900000000"})
    assert unknown.status_code == 303
    offer = db.session.scalar(select(SwapOffer))
    assert offer.to_volunteer_id is None and offer.contact == "13900000000"
    assert db.session.scalar(select(OutboxMessage)) is None  # nobody to ask
    client.post(f"/me/assignments/{taken.id}/swap/take-back")
    self_swap = client.post(
        f"/me/assignments/{taken.id}/swap",
        data={"contact": owner.phone},
        headers={"Accept-Language": "en"},
    )
    assert self_swap.status_code == 422
    # The colleague cannot offer what is not theirs.
    assert (
        _login(app, colleague)
        .post(f"/me/assignments/{taken.id}/swap", data={"contact": owner.phone})
        .status_code
        == 404
    )


def test_declined_offer_keeps_the_assignment_and_tells_the_offerer(app):
    need, occurrence, owner, colleague, taken = _setup(app)
    _login(app, owner).post(f"/me/assignments/{taken.id}/swap", data={"contact": colleague.phone})
    swap = db.session.scalar(select(SwapOffer))
    stranger = factories.volunteer_with_login()
    assert _login(app, stranger).post(f"/me/swaps/{swap.id}/accept").status_code == 404
    colleague_client = _login(app, colleague)
    assert colleague_client.post(f"/me/swaps/{swap.id}/decline").status_code == 303
    assert colleague_client.post(f"/me/swaps/{swap.id}/accept").status_code == 409
    assert [a.status for a in _mine(owner)] == ["confirmed"]
    assert any(m.to_address == owner.user.email for m in db.session.scalars(select(OutboxMessage)))


def test_a_team_placement_cannot_be_swapped(app):
    member = factories.volunteer_with_login()
    colleague = factories.volunteer_with_login()
    team = factories.team(members=(member,))
    programme = factories.programme()
    post = factories.post(programme)
    placed = factories.assignment(
        member, plan=factories.plan(programme), post_id=post.id, team_id=team.id
    )
    response = _login(app, member).post(
        f"/me/assignments/{placed.id}/swap",
        data={"contact": colleague.phone},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 409
    assert "Team placements" in response.text


def _offer_read_by(app, locale: str) -> str:
    """李秀兰 offers her date at a home in 石门镇石门村 (manager 吴老师, phone known) to a colleague
    who reads `locale`; the body of the message the colleague gets."""
    need, occurrence, owner, colleague, taken = _setup(app)
    colleague.user.locale = locale
    manager = factories.user(roles=("home_manager",), name="吴老师")
    factories.volunteer(name="吴老师", user=manager, phone="13912345678")
    home = occurrence.room.home
    home.name, home.managers = "石门村留守儿童之家", [manager]
    town = factories.place(name="石门镇", kind="township")
    home.place = factories.place(name="石门村", parent=town)
    db.session.commit()
    response = _login(app, owner).post(
        f"/me/assignments/{taken.id}/swap", data={"contact": colleague.phone, "note": "家里有事"}
    )
    assert response.status_code == 303
    return db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.to_user_id == colleague.user_id)
    )


def test_a_swap_offer_tells_the_colleague_what_where_when_and_whom_to_ask(app):
    body = _offer_read_by(app, "zh_CN")
    assert body.startswith("李秀兰 请您接替：\n\n绘本阅读会\n")
    assert "地点：石门村留守儿童之家，石门镇石门村 · " in body
    assert "时间：" in body and " 09:00–10:30" in body
    assert "联系人：吴老师 13912345678" in body and "附言：家里有事" in body


def test_a_swap_offer_to_an_english_reader_is_in_english(app):
    body = _offer_read_by(app, "en")
    assert body.startswith("李秀兰 asks whether you can take over:\n\n绘本阅读会\n")
    assert "Where: 石门村留守儿童之家, 石门镇石门村 · " in body
    assert "When: " in body and " 09:00–10:30" in body
    assert "Contact: 吴老师 13912345678" in body and "Their note: 家里有事" in body
    assert "地点" not in body and "时间" not in body


def _without_csrf(body: bytes) -> bytes:
    """The page without its CSRF tokens (and the minute of its offline copy's note, which can
    tick over between two requests)."""
    body = re.sub(rb'(name="csrf_token" value|name="csrf-token" content)="[^"]*"', rb"\1", body)
    return re.sub(rb"data-offline-note hidden>[^<]*<", b"", body)


def test_the_offerer_learns_nothing_about_the_contact_typed(app):
    """A colleague with an account, one without (袁华怡), an ineligible one, nobody: the same
    answer and the same page afterwards, byte for byte apart from the CSRF token."""
    need, occurrence, owner, colleague, taken = _setup(app)
    no_login = factories.volunteer(name="袁华怡", phone="13811112222")
    other_need, other_date = factories.open_need(starts_at=occurrence.starts_at)
    factories.assignment(colleague, need_id=other_need.id, occurrence_id=other_date.id)  # busy
    db.session.commit()
    client = _login(app, owner)
    seen = []
    for contact in (colleague.phone, no_login.phone, "13900000000", "nobody@example.org"):
        answer = client.post(f"/me/assignments/{taken.id}/swap", data={"contact": contact})
        page = client.get("/me/schedule")
        seen.append((answer.status_code, answer.headers["Location"], answer.data,
                     _without_csrf(page.data)))  # fmt: skip
        client.post(f"/me/assignments/{taken.id}/swap/take-back")
        client.get("/me/schedule")  # reads the "withdrawn" notice
    assert all(s == seen[0] for s in seen[1:])
    text = seen[0][3].decode()
    assert "如果此人有账号，我们已经询问了他/她" in text
    for secret in ("王丽", "袁华怡", "还没有登录账号", "已有", colleague.phone):
        assert secret not in text
    # Only the colleague with an account was asked; the offers to nobody reached nobody.
    asked = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert asked == [colleague.user.email]
