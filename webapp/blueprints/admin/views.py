from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from webapp.blueprints.admin.audit_text import OBJECT_TYPE_LABELS, describe
from webapp.blueprints.admin.services import (
    AuditFilters,
    object_types_in_log,
    search_audit_log,
    search_users,
)
from webapp.blueprints.auth.services import AccountError, set_roles
from webapp.core.lookup import get_or_404
from webapp.htmx import is_fragment_request
from webapp.models import ROLES, User
from webapp.models.accounts import ADMIN
from webapp.security import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@role_required(ADMIN)
def users():
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    if role and role not in ROLES:
        role = ""
    page = request.args.get("page", 1, type=int)
    result = search_users(q, role, page)
    context = {"result": result, "q": q, "role": role, "roles": ROLES}
    if is_fragment_request():
        return render_template("admin/_user_table.html", **context)
    return render_template("admin/users.html", **context)


@bp.post("/users/<int:user_id>/roles")
@role_required(ADMIN)
def update_roles(user_id: int):
    user = get_or_404(User, user_id)
    chosen = set(request.form.getlist("roles"))
    if not chosen <= set(ROLES):
        abort(400, description=_("Unknown role."))
    error = None
    try:
        set_roles(user, chosen, current_user)
    except AccountError as exc:
        error = exc.message
    status = 422 if error else 200
    return render_template(
        "admin/_user_row.html", user=user, roles=ROLES, error=error, saved=not error
    ), status


@bp.get("/audit")
@role_required(ADMIN)
def audit_log():
    filters = AuditFilters.from_args(request.args)
    result = search_audit_log(filters, request.args.get("page", 1, type=int))
    context = {
        "result": result,
        "filters": filters,
        "entries": describe(result.items),
        "object_types": [(t, OBJECT_TYPE_LABELS.get(t, t)) for t in object_types_in_log()],
    }
    if is_fragment_request():
        return render_template("admin/_audit_table.html", **context)
    return render_template("admin/audit.html", **context)
