"""SMS as a channel of the outbox: the message kinds that may go by SMS, and their checks.

In China an SMS provider sends only templates approved in advance, under a signed sender name;
the sender fills in the template's variables. So an SMS is a kind (one template code each,
SMS_TEMPLATE_<KIND> in the environment) and its values, never free text. Each value must fit the
template: Aliyun takes at most MAX_VALUE characters per variable, so a message whose values are
longer is refused when it is written (SmsRefused, with the reason), not when it is sent.

The texts below are what the county registers with the provider as templates (README); the app
uses them only to show the message on the outbox page and in the log of `make run`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

MAX_VALUE = 35  # Aliyun: characters per template variable
PHONE = re.compile(r"^1\d{10}$")  # a mainland mobile number, as volunteer profiles store it


@dataclass(frozen=True)
class SmsTemplate:
    kind: str
    variables: tuple[str, ...]
    text: str  # the template as registered, ${name} for each variable


TEMPLATES: dict[str, SmsTemplate] = {
    t.kind: t
    for t in (
        SmsTemplate(
            "plan_assigned",
            ("name", "activity", "place", "time", "contact"),
            "${name}您好，您已被安排参加${activity}，地点${place}，时间${time}。"
            "如不能参加请尽快联系${contact}。",
        ),
        SmsTemplate(
            "reminder_tomorrow",
            ("name", "activity", "place", "time", "contact"),
            "${name}您好，提醒您明天参加${activity}，地点${place}，时间${time}。"
            "如不能参加请尽快联系${contact}。",
        ),
        SmsTemplate(
            "visit_assigned",
            ("name", "time", "activity", "place", "partner", "contact"),
            "${name}您好，您已被安排于${time}参加${activity}，走访${place}的学生家庭，"
            "同组${partner}。路线表请登录查看，如不能参加请尽快联系${contact}。",
        ),
        SmsTemplate(
            "plan_removed",
            ("name", "activity", "detail", "contact"),
            "${name}您好，您在${activity}中的安排（${detail}）已取消，不用前往。"
            "如有疑问请联系${contact}。",
        ),
        SmsTemplate(
            "call_rota",
            ("home", "time"),
            "您好，${home}为孩子安排的亲情视频时间是${time}，请届时留意接听。"
            "时间如有变动会再通知您。",
        ),
    )
}


class SmsRefused(ValueError):
    """The message cannot go by SMS; `reason` says why, in the reader's language."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Sms:
    kind: str
    params: dict[str, str]

    def check(self) -> Sms:
        """The values as the template takes them; SmsRefused when one does not fit."""
        template = TEMPLATES.get(self.kind)
        if template is None:
            raise SmsRefused(_("There is no SMS template for this kind of message."))
        missing = [v for v in template.variables if not str(self.params.get(v) or "").strip()]
        if missing:
            raise SmsRefused(_("The SMS lacks a value for %(names)s.", names=", ".join(missing)))
        for name in template.variables:
            value = str(self.params[name])
            if len(value) > MAX_VALUE:
                raise SmsRefused(
                    _(
                        "The SMS value %(name)s has %(count)d characters; the template takes"
                        " at most %(most)d: %(value)s",
                        name=name,
                        count=len(value),
                        most=MAX_VALUE,
                        value=value,
                    )
                )
        return Sms(self.kind, {name: str(self.params[name]).strip() for name in template.variables})

    def text(self) -> str:
        """The message as the phone shows it (for the outbox page and the log)."""
        out = TEMPLATES[self.kind].text
        for name, value in self.params.items():
            out = out.replace("${" + name + "}", value)
        return out

    def as_json(self) -> str:
        return json.dumps(self.params, ensure_ascii=False, sort_keys=True)


def kind_label(kind: str) -> str:
    """The outbox page's subject for an SMS."""
    labels = {
        "plan_assigned": _("SMS: your assignment"),
        "plan_removed": _("SMS: assignment cancelled"),
        "visit_assigned": _("SMS: your home visits"),
        "reminder_tomorrow": _("SMS: reminder for tomorrow"),
        "call_rota": _("SMS: family video-call time"),
    }
    return labels.get(kind, kind)


def configured() -> bool:
    """Real SMS: the provider's key and the sign name are set."""
    c = current_app.config
    return bool(
        c.get("SMS_ACCESS_KEY_ID") and c.get("SMS_ACCESS_KEY_SECRET") and c.get("SMS_SIGN_NAME")
    )


def template_code(kind: str) -> str:
    return (current_app.config.get("SMS_TEMPLATES") or {}).get(kind, "")


def available(kind: str) -> bool:
    """Whether a message of this kind can go by SMS here: the provider is configured with a
    template for it, or (no provider, `make run`) the worker writes SMS to its log."""
    if configured():
        return bool(template_code(kind))
    return bool(current_app.config.get("OUTBOX_TO_LOG"))


def usable_phone(phone: str | None) -> str | None:
    """The number an SMS can go to, or None."""
    phone = (phone or "").strip()
    return phone if PHONE.match(phone) else None
