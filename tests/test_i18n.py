"""Templates translate through functions bound once per render (webapp.i18n.template_gettext):
they must say exactly what Flask-Babel's own template functions say, in the request's language."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale

from tests import factories
from webapp.extensions import db

SOURCE = (
    "{{ _('Log out') }}|{{ gettext('Log out') }}|{{ _('Page %(page)s of %(pages)s', page='<b>',"
    " pages=2) }}|{{ ngettext('%(num)d user', '%(num)d users', 3) }}|{{ _('<b>%%</b>') }}"
)


def _both_ways(app) -> tuple[str, str]:
    ours = render_template_string(SOURCE)  # the context processor's functions
    babels = app.jinja_env.from_string(SOURCE).render()  # Flask-Babel's, from the globals
    return ours, babels


@pytest.mark.parametrize(("accept", "log_out"), [("zh-CN", "退出登录"), ("en", "Log out")])
def test_template_strings_follow_the_request_language(app, accept, log_out):
    with app.test_request_context("/", headers={"Accept-Language": accept}):
        ours, babels = _both_ways(app)
    assert ours == babels
    assert ours.startswith(f"{log_out}|{log_out}|")
    assert "&lt;b&gt;" in ours  # variables are escaped, the message is not
    assert ours.endswith("|<b>%</b>")


def test_template_strings_follow_the_users_choice_and_force_locale(app, client, auth):
    user = factories.user()
    user.locale = "en"
    db.session.commit()
    auth.login(user.email)
    assert "Log out" in client.get("/dashboard").get_data(as_text=True)
    with app.test_request_context("/"), force_locale("en"):
        ours, babels = _both_ways(app)
    assert ours == babels and ours.startswith("Log out|")


def test_plain_text_templates_are_not_escaped(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        text = render_template_string(
            "{% autoescape false %}{{ _('Page %(page)s of %(pages)s', page='<b>', pages=2) }}"
            "{% endautoescape %}"
        )
    assert text == "Page <b> of 2"


def test_each_request_speaks_the_language_chosen_last(client, auth):
    user = factories.user(roles=("volunteer",))
    auth.login(user.email)
    for locale, log_out, label in (
        ("en", "Log out", "My schedule"),
        ("zh_CN", "退出登录", "我的日程"),
    ):
        client.post("/auth/language", data={"locale": locale})
        page = client.get("/dashboard").get_data(as_text=True)
        assert log_out in page and label in page  # template strings and lazy nav labels
