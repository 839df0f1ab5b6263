"""The volunteers blueprint through HTTP, as coordinators and volunteers use it."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests import factories
from tests.conftest import csrf_token_from
from webapp import clock
from webapp.extensions import db
from webapp.models import AuditLog, PendingImport, Team, Volunteer

HTMX = {"HX-Request": "true"}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def own_profile(client, **fields) -> Volunteer:
    return factories.volunteer(user=client.user, **fields)


# --- Access -------------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/volunteers/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_volunteer_cannot_open_the_volunteer_list_gets_403(volunteer_client):
    assert volunteer_client.get("/volunteers/").status_code == 403
    assert volunteer_client.get("/volunteers/export.csv").status_code == 403
    assert volunteer_client.get("/volunteers/import").status_code == 403


def test_volunteer_cannot_read_another_volunteers_profile_gets_404(volunteer_client):
    own_profile(volunteer_client)
    other = factories.volunteer()
    assert volunteer_client.get(f"/volunteers/{other.id}").status_code == 404
    assert volunteer_client.get(f"/volunteers/{other.id}/edit").status_code == 404
    response = volunteer_client.post(
        f"/volunteers/{other.id}/weekly", data={"weekday": 0, "start": "16:00", "end": "18:00"}
    )
    assert response.status_code == 404
    assert other.weekly_availability == []


def test_volunteer_cannot_change_their_own_vetting_gets_403(volunteer_client):
    mine = own_profile(volunteer_client, cleared=False)
    assert volunteer_client.get(f"/volunteers/{mine.id}/vetting").status_code == 403
    response = volunteer_client.post(f"/volunteers/{mine.id}/vetting", data={"status": "cleared"})
    assert response.status_code == 403
    db.session.refresh(mine)
    assert mine.vetting_status == "none"


def test_unknown_ids_give_404(coordinator_client):
    for url in (
        "/volunteers/9999",
        "/volunteers/9999/vetting",
        "/volunteers/teams/9999",
        "/volunteers/import/not-a-token",
        "/volunteers/export.pdf",
    ):
        assert coordinator_client.get(url).status_code == 404, url


def test_my_profile_shows_the_volunteers_own_page(volunteer_client):
    assert "还没有志愿者资料" in volunteer_client.get("/volunteers/me").get_data(as_text=True)
    mine = own_profile(volunteer_client)
    response = volunteer_client.get("/volunteers/me")
    assert response.status_code == 200  # the page itself: no redirect on a phone
    page = response.get_data(as_text=True)
    assert mine.name in page and "/vetting" not in page
    assert f"/volunteers/{mine.id}/weekly" in page


# --- List ---------------------------------------------------------------------------------------


def test_list_shows_counts_and_htmx_gets_the_table_alone(coordinator_client):
    factories.volunteer(name="甲老师", kind="teacher")
    factories.volunteer(name="乙同学", kind="college_student", cleared=False)
    page = coordinator_client.get("/volunteers/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert "2 volunteers" in html or "2 名志愿者" in html
    fragment = coordinator_client.get("/volunteers/?kind=teacher", headers=HTMX)
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "甲老师" in text and "乙同学" not in text
    assert "HX-Request" in fragment.headers["Vary"]


def test_list_shows_each_volunteers_own_skills(coordinator_client):
    factories.volunteer(name="甲老师", skills=("math", "chinese"))
    factories.volunteer(name="乙同学")
    page = coordinator_client.get("/volunteers/", headers={"Accept-Language": "en"}).text
    cells = {
        cells[0].split("</a>")[0].rsplit(">", 1)[-1]: cells[5].split("</td>")[0]
        for row in page.split("<tr>")[1:]
        if len(cells := row.split("<td>")[1:]) == 7
    }
    assert cells == {"甲老师": "Chinese, Mathematics", "乙同学": ""}  # an English list


def test_list_survives_nonsense_in_the_query_string(coordinator_client):
    response = coordinator_client.get(
        "/volunteers/?page=abc&sort=drop&dir=x&team=%27&available_from=yesterday&kind=%3C"
    )
    assert response.status_code == 200


def test_export_follows_the_filters(coordinator_client):
    factories.volunteer(name="导出甲", kind="teacher")
    factories.volunteer(name="导出乙", kind="community")
    response = coordinator_client.get("/volunteers/export.csv?kind=teacher")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # charset once
    text = response.get_data().decode("utf-8-sig")
    assert "导出甲" in text and "导出乙" not in text
    assert text.startswith("姓名,类型,手机号") and ",教师," in text
    xlsx = coordinator_client.get("/volunteers/export.xlsx")
    assert xlsx.data[:2] == b"PK" and "attachment" in xlsx.headers["Content-Disposition"]


def test_the_xlsx_export_keeps_numbers_as_numbers_in_a_chinese_sheet(coordinator_client):
    import io

    from openpyxl import load_workbook

    factories.volunteer(name="导出丙", max_travel_minutes=45, lat=26.6, lon=107.5)
    sheet = load_workbook(io.BytesIO(coordinator_client.get("/volunteers/export.xlsx").data)).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert sheet.title == "志愿者"
    assert row["最长路程（分钟）"] == 45 and isinstance(row["纬度"], float)
    assert sheet.column_dimensions["A"].width >= 6


# --- Profiles -----------------------------------------------------------------------------------


def profile_data(**overrides):
    data = {
        "kind": "teacher",
        "name": "赵老师",
        "phone": "13500000001",
        "email": "zhao@example.org",
        "gender": "",
        "skills": ["math", "chinese"],
        "township_id": "",
        "place_name": "石门村",
        "lat": "26.64",
        "lon": "107.43",
        "transport_mode": "ebike",
        "max_travel_minutes": "40",
        "max_sessions_per_week": "2",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_coordinator_adds_a_volunteer(coordinator_client):
    response = coordinator_client.post("/volunteers/new", data=profile_data())
    assert response.status_code == 303
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.name == "赵老师"))
    assert sorted(s.code for s in volunteer.skills) == ["chinese", "math"]
    assert volunteer.lat == 26.64


def test_profile_form_with_errors_rerenders_with_422_and_saves_nothing(coordinator_client):
    response = coordinator_client.post(
        "/volunteers/new",
        data=profile_data(phone="12", lat="26.6", lon="", max_travel_minutes="999"),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count('class="field-error"') >= 3
    assert count(Volunteer) == 0


def test_a_taken_phone_is_a_field_error(coordinator_client):
    factories.volunteer(phone="13500000001")
    response = coordinator_client.post("/volunteers/new", data=profile_data())
    assert response.status_code == 422
    assert count(Volunteer) == 1


def test_volunteer_edits_own_profile(volunteer_client):
    mine = own_profile(volunteer_client, kind="community")
    response = volunteer_client.post(
        f"/volunteers/{mine.id}/edit",
        data=profile_data(name="新名字", phone=mine.phone, email=mine.email, kind="community"),
    )
    assert response.status_code == 303
    db.session.refresh(mine)
    assert mine.name == "新名字" and mine.transport_mode == "ebike"
    assert mine.vetting_status == "cleared"  # a profile edit never touches vetting


def test_a_volunteer_chooses_sms_on_their_profile_only_with_a_mobile_number(volunteer_client):
    mine = own_profile(volunteer_client, kind="community")
    page = volunteer_client.get(f"/volunteers/{mine.id}/edit").get_data(as_text=True)
    assert 'name="prefers_sms"' in page
    without_phone = volunteer_client.post(
        f"/volunteers/{mine.id}/edit",
        data=profile_data(phone="", email=mine.email, kind="community", prefers_sms="y"),
    )
    assert without_phone.status_code == 422
    db.session.refresh(mine)
    assert not mine.prefers_sms
    response = volunteer_client.post(
        f"/volunteers/{mine.id}/edit",
        data=profile_data(phone=mine.phone, email=mine.email, kind="community", prefers_sms="y"),
    )
    assert response.status_code == 303
    db.session.refresh(mine)
    assert mine.prefers_sms


def test_place_picker_lists_a_townships_villages_and_fills_coordinates(volunteer_client):
    township = factories.place(name="石门乡", kind="township", lat=26.64, lon=107.44)
    village = factories.place(name="高坡村", parent=township, lat=26.668, lon=107.405)
    other = factories.place(name="杨柳村", lat=26.54, lon=107.61)

    html = volunteer_client.get(
        f"/volunteers/place?township_id={township.id}", headers=HTMX
    ).get_data(as_text=True)
    assert f'<option value="{village.id}">高坡村</option>' in html and "杨柳村" not in html
    assert 'value="石门乡"' in html and 'value="26.64"' in html

    html = volunteer_client.get(
        f"/volunteers/place?township_id={township.id}&village_id={village.id}", headers=HTMX
    ).get_data(as_text=True)
    assert 'value="石门乡高坡村"' in html and 'value="26.668"' in html and 'value="107.405"' in html

    # A village of another township is ignored: the township's own values stay.
    html = volunteer_client.get(
        f"/volunteers/place?township_id={township.id}&village_id={other.id}", headers=HTMX
    ).get_data(as_text=True)
    assert 'value="石门乡"' in html and "26.54" not in html


def test_place_picker_sends_real_htmx_attributes(coordinator_client):
    township = factories.place(name="白云镇", kind="township")
    factories.place(name="新寨村", parent=township)
    html = coordinator_client.get("/volunteers/new").get_data(as_text=True)
    picker = re.search(r'<select[^>]*id="township_id"[^>]*>', html).group(0)
    assert 'hx-get="/volunteers/place"' in picker and 'hx-target="#place-fields"' in picker
    assert "hx_" not in html


def test_editing_a_profile_shows_its_home_base_in_the_picker(coordinator_client):
    township = factories.place(name="柳溪乡", kind="township")
    village = factories.place(name="竹林村", parent=township)
    volunteer = factories.volunteer(place_name="柳溪乡竹林村")
    html = coordinator_client.get(f"/volunteers/{volunteer.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{village.id}">竹林村</option>' in html


def test_coordinator_adds_a_skill(coordinator_client):
    response = coordinator_client.post(
        "/volunteers/skills",
        data={"code": "calligraphy", "name_zh": "书法", "name_en": "Calligraphy"},
    )
    assert response.status_code == 303
    again = coordinator_client.post(
        "/volunteers/skills", data={"code": "calligraphy", "name_zh": "书法", "name_en": "x"}
    )
    assert again.status_code == 422


# --- Availability -------------------------------------------------------------------------------


def test_weekly_slot_added_with_htmx_returns_the_grid(volunteer_client):
    mine = own_profile(volunteer_client)
    response = volunteer_client.post(
        f"/volunteers/{mine.id}/weekly",
        data={"weekday": "2", "start": "16:00", "end": "18:00"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="weekly"' in html and "16:00–18:00" in html and "<html" not in html
    slot_id = mine.weekly_availability[0].id
    removed = volunteer_client.post(f"/volunteers/{mine.id}/weekly/{slot_id}/delete", headers=HTMX)
    assert removed.status_code == 200 and "16:00–18:00" not in removed.get_data(as_text=True)


def test_bad_weekly_slot_gets_422_with_the_reason_and_saves_nothing(volunteer_client):
    mine = own_profile(volunteer_client)
    response = volunteer_client.post(
        f"/volunteers/{mine.id}/weekly",
        data={"weekday": "2", "start": "05:00", "end": "07:00"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "06:00" in response.get_data(as_text=True)
    garbage = volunteer_client.post(
        f"/volunteers/{mine.id}/weekly", data={"weekday": "9", "start": "x", "end": ""}
    )
    assert garbage.status_code == 422
    db.session.expire_all()
    assert mine.weekly_availability == []


def test_date_ranges_are_added_and_overlaps_refused(volunteer_client):
    mine = own_profile(volunteer_client)
    url = f"/volunteers/{mine.id}/ranges"
    ok = volunteer_client.post(
        url,
        data={"kind": "available", "starts_on": "2026-07-01", "ends_on": "2026-08-01"},
        headers=HTMX,
    )
    assert ok.status_code == 200 and 'id="date-ranges"' in ok.get_data(as_text=True)
    clash = volunteer_client.post(
        url, data={"kind": "available", "starts_on": "2026-07-20", "ends_on": "2026-08-10"}
    )
    assert clash.status_code == 422 and "2026-07-01" in clash.get_data(as_text=True)
    backwards = volunteer_client.post(
        url, data={"kind": "away", "starts_on": "2026-07-20", "ends_on": "2026-07-10"}
    )
    assert backwards.status_code == 422
    db.session.expire_all()
    assert len(mine.date_ranges) == 1


# --- Vetting ------------------------------------------------------------------------------------


def test_coordinator_clears_a_volunteer_and_the_change_is_audited(coordinator_client):
    volunteer = factories.volunteer(cleared=False)
    cleared_on = clock.today() - timedelta(days=3)
    response = coordinator_client.post(
        f"/volunteers/{volunteer.id}/vetting",
        data={"status": "cleared", "cleared_on": cleared_on.isoformat(), "note": "ok"},
    )
    assert response.status_code == 303
    db.session.refresh(volunteer)
    assert volunteer.is_cleared() and volunteer.expires_on.year == cleared_on.year + 2
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "volunteer.vetting"))
    assert entry.actor_id == coordinator_client.user.id


def test_bad_vetting_dates_rerender_with_422(coordinator_client):
    volunteer = factories.volunteer(cleared=False)
    response = coordinator_client.post(
        f"/volunteers/{volunteer.id}/vetting",
        data={"status": "cleared", "cleared_on": "2026-05-01", "expires_on": "2025-01-01"},
    )
    assert response.status_code == 422
    db.session.refresh(volunteer)
    assert volunteer.vetting_status == "none"
    assert count(AuditLog) == 0


def test_expiring_page_lists_clearances_running_out(coordinator_client):
    soon = factories.volunteer(name="月底到期")
    soon.expires_on = clock.today() + timedelta(days=10)
    db.session.commit()
    assert "月底到期" in coordinator_client.get("/volunteers/expiring").get_data(as_text=True)


# --- Teams --------------------------------------------------------------------------------------


def test_team_members_are_added_and_removed_with_htmx(coordinator_client):
    response = coordinator_client.post(
        "/volunteers/teams/new",
        data={"name": "春晖队", "college": "师院", "programme": "2026暑期", "contact": ""},
    )
    assert response.status_code == 303
    team = db.session.scalar(select(Team))
    student = factories.volunteer(name="小周", kind="college_student")
    found = coordinator_client.get(f"/volunteers/teams/{team.id}/candidates?q=小周", headers=HTMX)
    assert "小周" in found.get_data(as_text=True)
    added = coordinator_client.post(
        f"/volunteers/teams/{team.id}/members", data={"volunteer_id": student.id}, headers=HTMX
    )
    assert added.status_code == 200 and "小周" in added.get_data(as_text=True)
    other = factories.team(name="萤火队", programme="2026暑期")
    clash = coordinator_client.post(
        f"/volunteers/teams/{other.id}/members", data={"volunteer_id": student.id}, headers=HTMX
    )
    assert clash.status_code == 422 and "春晖队" in clash.get_data(as_text=True)
    # Another summer spelt differently is not refused, but the coordinator is warned.
    third = factories.team(name="山海队", programme="2026 暑期三下乡")
    found = coordinator_client.get(f"/volunteers/teams/{third.id}/candidates?q=小周", headers=HTMX)
    assert "春晖队" in found.get_data(as_text=True)
    warned = coordinator_client.post(
        f"/volunteers/teams/{third.id}/members", data={"volunteer_id": student.id}, headers=HTMX
    )
    assert warned.status_code == 200
    assert "春晖队" in warned.get_data(as_text=True) and 'id="team-warning"' in warned.get_data(
        as_text=True
    )
    coordinator_client.post(
        f"/volunteers/teams/{third.id}/members/{student.id}/delete", headers=HTMX
    )
    removed = coordinator_client.post(
        f"/volunteers/teams/{team.id}/members/{student.id}/delete", headers=HTMX
    )
    assert removed.status_code == 200
    db.session.expire_all()
    assert team.memberships == []


def test_duplicate_team_name_is_a_field_error(coordinator_client):
    factories.team(name="同名队")
    response = coordinator_client.post(
        "/volunteers/teams/new", data={"name": "同名队", "college": "x"}
    )
    assert response.status_code == 422


# --- Import -------------------------------------------------------------------------------------

HEADER = "name,kind,phone,email,skills\n"


def upload(client, data: bytes, filename: str = "people.csv"):
    # Encoded in memory: werkzeug's test client would spool a large body to a file it never closes.
    file = FileStorage(stream=io.BytesIO(data), filename=filename, content_type="text/csv")
    boundary, body = encode_multipart({"file": file})
    return client.post(
        "/volunteers/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_import_preview_then_confirm_writes_all_rows(coordinator_client):
    factories.volunteer(name="旧", phone="13800000100")
    text = HEADER + "旧改名,teacher,13800000100,,\n新人,代理家长,13800000101,,阅读\n"
    response = upload(coordinator_client, text.encode("gbk"))
    assert response.status_code == 303
    preview_url = response.headers["Location"]
    preview = coordinator_client.get(preview_url).get_data(as_text=True)
    assert "1 new" in preview or "新增 1" in preview
    assert count(Volunteer) == 1  # nothing written before confirming
    confirm = coordinator_client.post(preview_url + "/confirm")
    assert confirm.status_code == 303
    assert count(Volunteer) == 2
    assert (
        db.session.scalar(select(Volunteer.name).where(Volunteer.phone == "13800000100"))
        == "旧改名"
    )
    kept = db.session.scalar(select(PendingImport))
    assert kept.confirmed_at is not None and kept.result == {"created": 1, "updated": 1}
    assert kept.payload == {"columns": [], "rows": []}  # the file's cells are gone


def test_confirming_an_import_twice_writes_once_and_answers_the_same(coordinator_client):
    text = HEADER + "甲,teacher,13800000400,,\n乙,teacher,13800000401,,\n"
    preview_url = upload(coordinator_client, text.encode()).headers["Location"]
    assert coordinator_client.post(preview_url + "/confirm").status_code == 303
    again = coordinator_client.post(preview_url + "/confirm")
    assert again.status_code == 303 and again.headers["Location"] == "/volunteers/"
    page = coordinator_client.get("/volunteers/").get_data(as_text=True)
    assert "此文件已导入过：新增 2 名" in page
    assert count(Volunteer) == 2
    imports = select(func.count()).where(AuditLog.action == "volunteer.import")
    assert db.session.scalar(imports) == 1
    assert coordinator_client.get(preview_url).status_code == 303
    assert coordinator_client.post(preview_url + "/discard").status_code == 303
    assert count(Volunteer) == 2


def test_import_with_an_error_row_cannot_be_confirmed_and_saves_nothing(coordinator_client):
    text = HEADER + "好,teacher,13800000200,,\n坏,teacher,123,,魔法\n"
    preview_url = upload(coordinator_client, text.encode()).headers["Location"]
    html = coordinator_client.get(preview_url).get_data(as_text=True)
    assert "魔法" in html and "confirm-import" not in html
    response = coordinator_client.post(preview_url + "/confirm")
    assert response.status_code == 422
    assert count(Volunteer) == 0


def test_import_files_that_cannot_be_read_get_422_with_a_message(coordinator_client):
    for data, name in (
        (b"", "empty.csv"),
        (b"foo,bar\n1,2\n", "wrong.csv"),
        (b"x" * (10 * 1024 * 1024 + 10), "big.csv"),
    ):
        response = upload(coordinator_client, data, name)
        assert response.status_code == 422, name
        assert 'class="field-error"' in response.get_data(as_text=True)
    assert count(PendingImport) == 0


def test_another_coordinator_cannot_see_my_pending_import(coordinator_client, app):
    preview_url = upload(coordinator_client, (HEADER + "甲,teacher,13800000300,,\n").encode())
    preview_url = preview_url.headers["Location"]
    other = factories.user(roles=["coordinator"])
    client = app.test_client()
    client.post("/auth/login", data={"email": other.email, "password": factories.PASSWORD})
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url + "/confirm").status_code == 404


def test_import_template_downloads_in_the_users_language(coordinator_client):
    csv_file = coordinator_client.get("/volunteers/import/template.csv")
    assert csv_file.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_file.get_data().decode("utf-8-sig").startswith("姓名,类型,手机号")
    assert "filename*=UTF-8''" in csv_file.headers["Content-Disposition"]
    english = coordinator_client.get(
        "/volunteers/import/template.csv", headers={"Accept-Language": "en"}
    )
    assert english.get_data().decode("utf-8-sig").startswith("Name,Kind,Mobile phone")
    assert coordinator_client.get("/volunteers/import/template.xlsx").data[:2] == b"PK"


def test_the_import_preview_shows_headers_and_codes_in_the_users_language(coordinator_client):
    upload = "name,kind,phone,transport_mode\n预览,surrogate_parent,13800000091,ebike\n"
    response = coordinator_client.post(
        "/volunteers/import",
        data={"file": (io.BytesIO(upload.encode()), "v.csv")},
        content_type="multipart/form-data",
    )
    preview = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<th scope="col">姓名' in preview and "代理家长" in preview and "电动车" in preview
    assert "surrogate_parent" not in preview and "ebike" not in preview


def test_htmx_post_without_csrf_token_is_refused(coordinator_client, csrf_enabled):
    mine = factories.volunteer()
    response = coordinator_client.post(
        f"/volunteers/{mine.id}/weekly",
        data={"weekday": "1", "start": "16:00", "end": "17:00"},
        headers=HTMX,
    )
    assert response.status_code == 400
    page = coordinator_client.get(f"/volunteers/{mine.id}").get_data(as_text=True)
    token = csrf_token_from(page)
    ok = coordinator_client.post(
        f"/volunteers/{mine.id}/weekly",
        data={"weekday": "1", "start": "16:00", "end": "17:00"},
        headers={**HTMX, "X-CSRFToken": token},
    )
    assert ok.status_code == 200


def test_navigation_lists_the_volunteer_pages_by_role(coordinator_client, volunteer_client):
    coordinator_nav = coordinator_client.get("/dashboard").get_data(as_text=True)
    assert "/volunteers/teams" in coordinator_nav and 'href="/children/"' in coordinator_nav
    volunteer_nav = volunteer_client.get("/dashboard").get_data(as_text=True)
    assert "/volunteers/me" in volunteer_nav and 'href="/children/"' not in volunteer_nav


def test_coordinator_sees_the_vetting_history_in_shanghai_time(coordinator_client):
    from datetime import UTC, datetime

    volunteer = factories.volunteer(cleared=False)
    coordinator_client.post(
        f"/volunteers/{volunteer.id}/vetting", data={"status": "pending", "note": "材料已交"}
    )
    entry = db.session.scalar(select(AuditLog))
    entry.created_at = datetime(2026, 6, 1, 20, 30, tzinfo=UTC)  # 04:30 next day in Shanghai
    db.session.commit()
    html = coordinator_client.get(f"/volunteers/{volunteer.id}").get_data(as_text=True)
    assert "2026-06-02 04:30" in html and "材料已交" in html


def test_volunteer_sees_own_vetting_status_but_not_the_history(volunteer_client):
    mine = own_profile(volunteer_client)
    html = volunteer_client.get(f"/volunteers/{mine.id}").get_data(as_text=True)
    assert 'id="vetting-badge"' in html and "vetting-history" not in html


def test_availability_forms_work_without_javascript(volunteer_client):
    mine = own_profile(volunteer_client)
    added = volunteer_client.post(
        f"/volunteers/{mine.id}/weekly", data={"weekday": "4", "start": "09:00", "end": "11:00"}
    )
    assert added.status_code == 303
    assert added.headers["Location"].endswith(f"/volunteers/{mine.id}")
    refused = volunteer_client.post(
        f"/volunteers/{mine.id}/weekly", data={"weekday": "4", "start": "10:00", "end": "12:00"}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "<html" in html and "09:00–11:00" in html
    slot_id = mine.weekly_availability[0].id
    removed = volunteer_client.post(f"/volunteers/{mine.id}/weekly/{slot_id}/delete")
    assert removed.status_code == 303
    db.session.expire_all()
    assert mine.weekly_availability == []


def test_xlsx_upload_with_chinese_headers_previews_and_imports(coordinator_client):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "类型", "手机", "技能", "可服务开始", "可服务结束"])
    sheet.append(
        ["表格甲", "大学生", 13800000400, "英语、数学", date(2027, 7, 1), date(2027, 8, 1)]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(coordinator_client, buffer.getvalue(), "people.xlsx")
    assert response.status_code == 303, response.get_data(as_text=True)
    preview = response.headers["Location"]
    assert "表格甲" in coordinator_client.get(preview).get_data(as_text=True)
    assert coordinator_client.post(preview + "/confirm").status_code == 303
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.phone == "13800000400"))
    assert volunteer.kind == "college_student"
    assert [(r.starts_on, r.ends_on) for r in volunteer.date_ranges] == [
        (date(2027, 7, 1), date(2027, 8, 1))
    ]


def test_import_refuses_formula_cells_with_a_reason(coordinator_client):
    text = HEADER + '"=HYPERLINK(""http://evil.example"")",teacher,13800000500,,\n'
    preview = upload(coordinator_client, text.encode()).headers["Location"]
    html = coordinator_client.get(preview).get_data(as_text=True)
    assert "公式" in html and "confirm-import" not in html


def test_nul_characters_are_refused_and_nan_is_422_never_a_500(coordinator_client):
    assert coordinator_client.get("/volunteers/?q=a%00b&skill=%00").status_code == 400
    team = factories.team()
    assert (
        coordinator_client.get(f"/volunteers/teams/{team.id}/candidates?q=%00").status_code == 400
    )
    response = coordinator_client.post(
        "/volunteers/new", data=profile_data(name="有空字符", lat="nan", lon="nan")
    )
    assert response.status_code == 422
    refused = coordinator_client.post("/volunteers/new", data=profile_data(name="有\x00空字符"))
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Volunteer)) == 0


def test_volunteer_gets_403_on_every_coordinator_page(volunteer_client):
    own_profile(volunteer_client)
    team = factories.team()
    for method, url in (
        ("get", "/volunteers/new"),
        ("get", "/volunteers/expiring"),
        ("get", "/volunteers/skills"),
        ("get", "/volunteers/teams"),
        ("get", f"/volunteers/teams/{team.id}"),
        ("post", f"/volunteers/teams/{team.id}/members"),
        ("get", "/volunteers/import/template.csv"),
    ):
        assert getattr(volunteer_client, method)(url).status_code == 403, url


def test_volunteer_cannot_remove_another_volunteers_dates_gets_404(volunteer_client):
    own_profile(volunteer_client)
    other = factories.volunteer()
    from webapp.blueprints.volunteers import availability

    row = availability.add_date_range(other, "away", date(2026, 7, 1), date(2026, 7, 2))
    db.session.commit()
    response = volunteer_client.post(f"/volunteers/{other.id}/ranges/{row.id}/delete")
    assert response.status_code == 404
    db.session.expire_all()
    assert len(other.date_ranges) == 1
