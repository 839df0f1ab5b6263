"""Importing volunteers from CSV (UTF-8 with or without BOM, or GBK) or XLSX.

Three steps: read the file into text cells (`import_files.read_table`), check every row
(`analyse`, with `import_cells.parse_cells`: new, update matched by phone or e-mail, or error with
a reason per cell), and — after the coordinator confirms the preview — write every row in one
transaction (`apply`). Nothing is written before confirming. On an update, an empty cell keeps
the stored value.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.blueprints.volunteers.import_cells import parse_cells, skill_lookup
from webapp.blueprints.volunteers.import_files import Table
from webapp.blueprints.volunteers.services import PROFILE_FIELDS, all_skills
from webapp.extensions import db
from webapp.models import PendingImport, User, Volunteer, VolunteerDateRange
from webapp.models.base import utcnow


@dataclass
class RowResult:
    line: int
    cells: dict[str, str]
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    target_id: int | None = None

    @property
    def action(self) -> str:
        if self.errors:
            return "error"
        return "update" if self.target_id else "new"


@dataclass
class Analysis:
    columns: list[str]
    rows: list[RowResult]
    skipped: list[int] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def ok(self) -> bool:
        return not any(r.errors for r in self.rows)


def _lookup_existing(phones: set[str], emails: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    by_phone: dict[str, int] = {}
    by_email: dict[str, int] = {}
    phone_list, email_list = sorted(phones), sorted(emails)
    for i in range(0, len(phone_list), 900):
        chunk = phone_list[i : i + 900]
        for vid, phone in db.session.execute(
            select(Volunteer.id, Volunteer.phone).where(Volunteer.phone.in_(chunk))
        ):
            by_phone[phone] = vid
    for i in range(0, len(email_list), 900):
        chunk = email_list[i : i + 900]
        for vid, email in db.session.execute(
            select(Volunteer.id, func.lower(Volunteer.email)).where(
                func.lower(Volunteer.email).in_(chunk)
            )
        ):
            by_email[email] = vid
    return by_phone, by_email


def analyse(table: Table) -> Analysis:
    skills = skill_lookup(all_skills())
    results = []
    for line, cells in table.rows:
        named = dict(zip(table.columns, cells, strict=True))
        values, errors = parse_cells(named, skills)
        results.append(RowResult(line=line, cells=named, values=values, errors=errors))
    phones = {r.values["phone"] for r in results if r.values.get("phone")}
    emails = {r.values["email"] for r in results if r.values.get("email")}
    by_phone, by_email = _lookup_existing(phones, emails)
    seen_phone: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    for row in results:
        phone, email = row.values.get("phone"), row.values.get("email")
        if phone and phone in seen_phone:
            row.errors["phone"] = _(
                "Duplicate in the file (also on line %(line)d).", line=seen_phone[phone]
            )
        if email and email in seen_email:
            row.errors["email"] = _(
                "Duplicate in the file (also on line %(line)d).", line=seen_email[email]
            )
        if phone:
            seen_phone.setdefault(phone, row.line)
        if email:
            seen_email.setdefault(email, row.line)
        phone_match, email_match = by_phone.get(phone or ""), by_email.get(email or "")
        if phone_match and email_match and phone_match != email_match:
            row.errors["email"] = _("The phone and the e-mail belong to two different volunteers.")
        row.target_id = phone_match or email_match
        if row.target_id is None and not row.errors and "kind" not in row.values:
            row.errors["kind"] = _("The kind is missing.")
    return Analysis(columns=table.columns, rows=results, skipped=table.skipped)


# --- Pending imports (server-side, keyed by a random token) --------------------------------------


def store_pending(table: Table, filename: str, user: User) -> PendingImport:
    db.session.execute(
        delete(PendingImport).where(PendingImport.created_at < utcnow() - timedelta(days=1))
    )
    pending = PendingImport(
        token=secrets.token_urlsafe(32),
        created_by_id=user.id,
        filename=filename[:200],
        payload={
            "columns": table.columns,
            "rows": [[n, cells] for n, cells in table.rows],
            "skipped": table.skipped,
        },
    )
    db.session.add(pending)
    db.session.flush()
    return pending


def load_pending(token: str, user: User) -> PendingImport | None:
    """Only its creator may see a pending import; anyone else gets nothing (404)."""
    pending = db.session.get(PendingImport, token) if len(token) <= 64 else None
    if pending is None or pending.created_by_id != user.id:
        return None
    return pending


def mark_confirmed(pending: PendingImport, counts: dict[str, int]) -> None:
    """Keep the confirmed import (until the daily clean-up) with its result, so that a repeated
    confirm answers with the same result instead of writing again."""
    pending.confirmed_at = utcnow()
    pending.result = dict(counts)
    pending.payload = {"columns": [], "rows": []}  # the file's cells are not needed any more
    db.session.flush()


def table_of(pending: PendingImport) -> Table:
    payload = pending.payload
    return Table(
        columns=list(payload["columns"]),
        rows=[(n, list(c)) for n, c in payload["rows"]],
        skipped=list(payload.get("skipped", [])),
    )


# --- Writing ------------------------------------------------------------------------------------


def apply(analysis: Analysis, actor: User) -> dict[str, int]:
    """Write every row in the current transaction; the caller refuses when any row has errors."""
    if not analysis.ok:
        raise ValueError("refusing to import rows with errors")
    skills = {s.code: s for s in all_skills()}
    ids = [r.target_id for r in analysis.rows if r.target_id]
    existing: dict[int, Volunteer] = {}
    for i in range(0, len(ids), 900):
        for volunteer in db.session.scalars(
            select(Volunteer)
            .where(Volunteer.id.in_(ids[i : i + 900]))
            .options(selectinload(Volunteer.skills), selectinload(Volunteer.date_ranges))
        ):
            existing[volunteer.id] = volunteer
    created = updated = 0
    for row in analysis.rows:
        values = row.values
        if row.target_id:
            volunteer = existing[row.target_id]
            updated += 1
        else:
            volunteer = Volunteer(kind=values["kind"], name=values["name"])
            db.session.add(volunteer)
            created += 1
        for name in PROFILE_FIELDS:
            # On an update an empty cell keeps what is stored; a new volunteer takes the defaults.
            if name in values and values[name] not in (None, ""):
                setattr(volunteer, name, values[name])
        if values.get("skills"):
            volunteer.skills = [skills[code] for code in values["skills"]]
        start, end = values.get("available_from"), values.get("available_to")
        if start and end:
            # The file wins: available ranges that overlap the new one are replaced by it.
            for old in list(volunteer.date_ranges):
                if old.kind == "available" and old.starts_on <= end and old.ends_on >= start:
                    volunteer.date_ranges.remove(old)
            volunteer.date_ranges.append(
                VolunteerDateRange(kind="available", starts_on=start, ends_on=end)
            )
    db.session.flush()
    counts = {"created": created, "updated": updated}
    audit.record("volunteer.import", "volunteer", None, after=counts, actor_id=actor.id)
    return counts
