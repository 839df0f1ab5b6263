"""Aliyun SMS (dysmsapi, version 2017-05-25): SendSms and QuerySendDetails, standard library only.

Requests are RPC style: every parameter (the common ones, then the action's) is signed as Aliyun's
"signature mechanism" specifies:
  1. sort the parameters by name (Signature itself excluded);
  2. percent-encode names and values as UTF-8 (RFC 3986: A-Z a-z 0-9 - _ . ~ stay, space is %20,
     * is %2A) and join them as name=value with &, the canonicalized query string;
  3. StringToSign = HTTPMethod & percentEncode("/") & percentEncode(canonicalized query);
  4. Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)).
We POST them as a form (application/x-www-form-urlencoded), so the method signed is POST.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app

VERSION = "2017-05-25"
# Answers that will change by themselves (flow control, the provider's own trouble, an empty
# balance that the county tops up): tried again later. Any other error code is permanent.
TEMPORARY_CODES = frozenset(
    {
        "isv.BUSINESS_LIMIT_CONTROL",
        "isv.DAY_LIMIT_CONTROL",
        "isv.AMOUNT_NOT_ENOUGH",
        "isv.OUT_OF_SERVICE",
        "isp.SYSTEM_ERROR",
        "isp.RAM_PERMISSION_DENY",
        "ServiceUnavailable",
        "InternalError",
        "Throttling",
        "Throttling.User",
        "Throttling.Api",
    }
)


@dataclass(frozen=True)
class AliyunSettings:
    access_key_id: str
    access_key_secret: str
    endpoint: str
    region: str
    sign_name: str
    timeout: float

    @classmethod
    def from_app(cls) -> AliyunSettings:
        c = current_app.config
        return cls(
            access_key_id=c.get("SMS_ACCESS_KEY_ID") or "",
            access_key_secret=c.get("SMS_ACCESS_KEY_SECRET") or "",
            endpoint=c.get("SMS_ENDPOINT") or "https://dysmsapi.aliyuncs.com/",
            region=c.get("SMS_REGION") or "cn-hangzhou",
            sign_name=c.get("SMS_SIGN_NAME") or "",
            timeout=float(c.get("SMS_TIMEOUT") or 10),
        )


class AliyunError(Exception):
    """The call failed: `code` is Aliyun's (or ours for the network), `temporary` whether a later
    try may succeed."""

    def __init__(self, code: str, message: str, temporary: bool) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code, self.message, self.temporary = code, message, temporary


def percent_encode(value: str) -> str:
    return urllib.parse.quote(str(value), safe="~")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(
        f"{percent_encode(k)}={percent_encode(v)}"
        for k, v in sorted(params.items())
        if k != "Signature"
    )


def signature(method: str, params: dict[str, str], secret: str) -> str:
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed(action: str, params: dict[str, str], settings: AliyunSettings) -> dict[str, str]:
    """The action's parameters with the common ones and the signature."""
    out = {
        "AccessKeyId": settings.access_key_id,
        "Action": action,
        "Format": "JSON",
        "RegionId": settings.region,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": VERSION,
        **params,
    }
    out["Signature"] = signature("POST", out, settings.access_key_secret)
    return out


def call(action: str, params: dict[str, str], settings: AliyunSettings) -> dict:
    """POST one signed action; its JSON answer when Code is OK, else AliyunError."""
    body = urllib.parse.urlencode(signed(action, params, settings)).encode()
    request = urllib.request.Request(
        settings.endpoint,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:  # Aliyun answers errors with 4xx/5xx and a JSON body
        status, raw = error.code, error.read()
    except (OSError, ValueError) as error:
        raise AliyunError(
            "Unreachable", f"{settings.endpoint}: {type(error).__name__} {error}", True
        ) from error
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        answer = {}
    code = str(answer.get("Code") or f"HTTP {status}")
    if code == "OK" and status < 400:
        return answer
    temporary = code in TEMPORARY_CODES or status >= 500 or code.startswith("Throttling")
    raise AliyunError(code, str(answer.get("Message") or ""), temporary)


def send_sms(
    phone: str, template_code: str, params_json: str, out_id: str, settings: AliyunSettings
) -> str:
    """Send one SMS; returns Aliyun's BizId (the key of its delivery report)."""
    answer = call(
        "SendSms",
        {
            "PhoneNumbers": phone,
            "SignName": settings.sign_name,
            "TemplateCode": template_code,
            "TemplateParam": params_json,
            "OutId": out_id,
        },
        settings,
    )
    return str(answer.get("BizId") or "")


@dataclass(frozen=True)
class Report:
    status: str  # waiting | delivered | undelivered
    detail: str  # Aliyun's ErrCode ("DELIVERED" or the operator's reason)
    received: datetime | None  # China time, as Aliyun gives it


SEND_STATUS = {1: "waiting", 2: "undelivered", 3: "delivered"}


def query_send_details(
    phone: str, biz_id: str, send_date: str, settings: AliyunSettings
) -> Report | None:
    """The delivery report of one SMS (send_date: yyyyMMdd, China time); None when Aliyun has
    none for it (yet)."""
    answer = call(
        "QuerySendDetails",
        {
            "PhoneNumber": phone,
            "BizId": biz_id,
            "SendDate": send_date,
            "PageSize": "10",
            "CurrentPage": "1",
        },
        settings,
    )
    rows = (answer.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
    if not rows:
        return None
    row = rows[0]
    received = None
    if row.get("ReceiveDate"):
        try:
            received = datetime.strptime(row["ReceiveDate"], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            received = None
    return Report(
        SEND_STATUS.get(int(row.get("SendStatus") or 1), "waiting"),
        str(row.get("ErrCode") or "")[:200],
        received,
    )
