"""Aliyun's request signing, checked against the example in Aliyun's own documentation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.blueprints.notifications.aliyun_server import expected_signature
from webapp.blueprints.notifications.aliyun import percent_encode, signature


def test_the_signature_of_aliyuns_documented_example_is_the_documented_one():
    # "签名机制" (help.aliyun.com/document_detail/28839): DescribeRegions, key testid/testsecret.
    params = {
        "TimeStamp": "2016-02-23T12:46:24Z",
        "Format": "XML",
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "Version": "2014-05-26",
        "SignatureVersion": "1.0",
    }
    assert signature("GET", params, "testsecret") == "CT9X0VtwR86fNWSnsc6v8YGOjuE="
    assert signature("GET", params, "another") != "CT9X0VtwR86fNWSnsc6v8YGOjuE="


def test_percent_encoding_follows_rfc_3986_as_aliyun_asks():
    assert percent_encode("a b*c~d-_.") == "a%20b%2Ac~d-_."
    assert percent_encode("石门") == "%E7%9F%B3%E9%97%A8"
    assert percent_encode('{"x":"1"}') == "%7B%22x%22%3A%221%22%7D"


@given(
    st.dictionaries(st.text(min_size=1), st.text(), max_size=6), st.sampled_from(["GET", "POST"])
)
def test_our_signature_agrees_with_the_recipe_of_aliyuns_java_sample(params, method):
    # The test server's recipe: form-encode, then + -> %20, * -> %2A, %7E -> ~.
    assert signature(method, params, "k") == expected_signature(method, params, "k")
