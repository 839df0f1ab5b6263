"""The one error type of planning services: a refused action with its reason, status and details."""

from __future__ import annotations

from flask_babel import gettext as _


class PlanningError(Exception):
    """A refused planning action: 422 (bad input), 409 (clashes with the current state).

    ``details`` are lines that say what exactly is wrong (e.g. what changed since a solve);
    ``run_id`` names the solve the user should look at (the one already running).
    """

    def __init__(
        self,
        message: str,
        status: int = 422,
        *,
        field: str | None = None,
        details: list[str] | None = None,
        run_id: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.details = details or []
        self.run_id = run_id


def nothing_to_plan_message(reason: str) -> str:
    """Why a programme cannot be solved: no_targets | no_volunteers | invalid."""
    if reason == "no_targets":
        return _("There is nothing to plan: no volunteer needs or posts in this programme.")
    if reason == "no_volunteers":
        return _("There is nobody to plan: add volunteers or teams to this programme first.")
    if reason == "no_call_rooms":
        return _("There is nothing to plan: none of the programme's homes has a video-call room.")
    if reason == "no_children":
        return _(
            "There is nobody to plan: no child at the programme's homes has a guardian's consent."
        )
    if reason == "no_households":
        return _(
            "There is nothing to plan: no child at the programme's homes has a household with a "
            "place on the map."
        )
    if reason == "no_visitors":
        return _(
            "There is nobody to plan: add at least two teachers or volunteers who are free on "
            "the campaign's days."
        )
    return _("The programme's data cannot be planned as it is.")
