"""A local stand-in for Aliyun's SMS API (dysmsapi), in a thread: SendSms and QuerySendDetails.

It checks each request as Aliyun does: the common parameters, a fresh SignatureNonce, and the
HMAC-SHA1 signature recomputed here, independently of webapp/blueprints/notifications/aliyun.py,
from the secret it was given. A wrong signature answers 400 SignatureDoesNotMatch.
Phone numbers decide the answer: FAIL_NUMBER is refused (isv.MOBILE_NUMBER_ILLEGAL), FLOW_NUMBER
meets flow control (isv.BUSINESS_LIMIT_CONTROL, temporary). Delivery reports are set by the test
(`server.reports[biz_id] = (SendStatus, ErrCode)`); unknown ones answer "waiting" (1).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TEMPLATES = {
    "plan_assigned": "SMS_100001",
    "plan_removed": "SMS_100002",
    "reminder_tomorrow": "SMS_100003",
    "call_rota": "SMS_100004",
}
SETTINGS = (
    "SMS_ACCESS_KEY_ID",
    "SMS_ACCESS_KEY_SECRET",
    "SMS_ENDPOINT",
    "SMS_SIGN_NAME",
    "SMS_TEMPLATES",
    "SMS_DAILY_CAP",
    "OUTBOX_TO_LOG",
)
ACCESS_KEY_ID = "LTAI-test-key"
ACCESS_KEY_SECRET = "test-secret-不可外传"
FAIL_NUMBER = "17099999999"
FLOW_NUMBER = "17088888888"


def _encode(value: str) -> str:
    # Aliyun's own recipe: form-encode, then + -> %20, * -> %2A, %7E -> ~.
    return (
        urllib.parse.quote_plus(value, safe="")
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~")
    )


def expected_signature(method: str, params: dict[str, str], secret: str) -> str:
    query = "&".join(
        f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()) if k != "Signature"
    )
    to_sign = method + "&" + _encode("/") + "&" + _encode(query)
    mac = hmac.new((secret + "&").encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


@dataclass
class AliyunServer:
    port: int = 0
    secret: str = ACCESS_KEY_SECRET
    sent: list[dict] = field(default_factory=list)
    queries: list[dict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    reports: dict[str, tuple[int, str]] = field(default_factory=dict)
    nonces: set[str] = field(default_factory=set)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def answer(self, method: str, params: dict[str, str]) -> tuple[int, dict]:
        for name in ("AccessKeyId", "Action", "Format", "SignatureMethod", "SignatureNonce",
                     "SignatureVersion", "Timestamp", "Version", "Signature"):  # fmt: skip
            if not params.get(name):
                return 400, {"Code": "MissingParameter", "Message": name}
        if params["AccessKeyId"] != ACCESS_KEY_ID:
            return 404, {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key is not found."}  # fmt: skip
        if (params["SignatureMethod"], params["SignatureVersion"]) != ("HMAC-SHA1", "1.0"):
            return 400, {"Code": "InvalidSignatureMethod", "Message": "HMAC-SHA1 1.0 only"}
        stamp = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if abs(datetime.now(UTC) - stamp) > timedelta(minutes=15):
            return 400, {"Code": "InvalidTimeStamp.Expired", "Message": params["Timestamp"]}
        if params["SignatureNonce"] in self.nonces:
            return 400, {"Code": "SignatureNonceUsed", "Message": "replayed"}
        self.nonces.add(params["SignatureNonce"])
        if params["Signature"] != expected_signature(method, params, self.secret):
            self.refused.append(params["Action"])
            return 400, {
                "Code": "SignatureDoesNotMatch",
                "Message": "Specified signature is not matched with our calculation.",
            }
        if params["Action"] == "SendSms":
            return self._send(params)
        if params["Action"] == "QuerySendDetails":
            return self._query(params)
        return 400, {"Code": "InvalidAction.NotFound", "Message": params["Action"]}

    def _send(self, params: dict[str, str]) -> tuple[int, dict]:
        phone = params.get("PhoneNumbers", "")
        if phone == FAIL_NUMBER:
            return 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}
        if phone == FLOW_NUMBER:
            return 200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}
        json.loads(params["TemplateParam"])  # must be JSON
        biz_id = f"{len(self.sent) + 1:06d}^0"
        self.sent.append({**params, "BizId": biz_id})
        return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": "r"}

    def _query(self, params: dict[str, str]) -> tuple[int, dict]:
        self.queries.append(params)
        biz_id = params.get("BizId", "")
        mine = [s for s in self.sent if s["BizId"] == biz_id]
        if not mine or mine[0]["PhoneNumbers"] != params.get("PhoneNumber"):
            return 200, {"Code": "OK", "TotalCount": 0, "SmsSendDetailDTOs": {"SmsSendDetailDTO": []}}  # fmt: skip
        status, error = self.reports.get(biz_id, (1, ""))
        row = {
            "PhoneNum": mine[0]["PhoneNumbers"],
            "SendStatus": status,
            "ErrCode": error,
            "TemplateCode": mine[0]["TemplateCode"],
            "Content": "",
            "SendDate": "2026-12-07 10:00:00",
            "ReceiveDate": "2026-12-07 10:00:05" if status != 1 else "",
        }
        return 200, {"Code": "OK", "TotalCount": 1, "SmsSendDetailDTOs": {"SmsSendDetailDTO": [row]}}  # fmt: skip


@contextmanager
def aliyun_server(secret: str = ACCESS_KEY_SECRET) -> Iterator[AliyunServer]:
    state = AliyunServer(secret=secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            params = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
            status, answer = state.answer("POST", params)
            raw = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def app_using_aliyun(app) -> Iterator[AliyunServer]:
    """The provider's stand-in, running, and `app` configured to send through it."""
    saved = {k: app.config.get(k) for k in SETTINGS}
    with aliyun_server() as running:
        app.config.update(
            SMS_ACCESS_KEY_ID=ACCESS_KEY_ID,
            SMS_ACCESS_KEY_SECRET=ACCESS_KEY_SECRET,
            SMS_ENDPOINT=running.endpoint,
            SMS_SIGN_NAME="守望县志愿者",
            SMS_TEMPLATES=TEMPLATES,
        )
        try:
            yield running
        finally:
            app.config.update(saved)
