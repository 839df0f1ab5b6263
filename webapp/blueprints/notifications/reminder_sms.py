"""The day-before reminder as SMS values (kept apart from its e-mail, reminder_tomorrow.txt).

In Chinese, the language the template is registered in (webapp/core/sms.py): who, the activity,
the place, tomorrow's date and time, and the first contact (else "your coordinator")."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from webapp.core.occasions import Occasion
from webapp.core.sms import Sms
from webapp.models import Volunteer


def reminder_tomorrow(volunteer: Volunteer, occasion: Occasion) -> Sms:
    with force_locale("zh_CN"):
        contact = occasion.contacts[0].text() if occasion.contacts else _("your coordinator")
        return Sms(
            "reminder_tomorrow",
            {
                "name": volunteer.name,
                "activity": occasion.activity,
                "place": occasion.place,
                "time": occasion.when(),
                "contact": contact,
            },
        )
