"""A saved login's cookies and credentials are masked in the evidence copies, nothing else."""

from __future__ import annotations

from rgpd_check.evidence.redact import MASK, URL_MASK, Redactor

LOGIN = Redactor(frozenset({("session", "classe.test"), ("sid", "")}))
URL = "https://classe.test/eleves"


def test_only_the_saved_logins_cookies_are_masked_in_a_cookie_header() -> None:
    header = "theme=dys; session=abc123; _ga=GA1.2.3; sid=x=y"
    assert LOGIN.cookie_header(URL, header) == f"theme=dys; session={MASK}; _ga=GA1.2.3; sid={MASK}"
    assert LOGIN.cookie_header(URL, "theme=dys") == "theme=dys"


def test_a_cookie_of_the_same_name_on_another_site_is_evidence() -> None:
    assert LOGIN.cookie_header("https://tiers.test/", "session=t1") == "session=t1"
    assert LOGIN.cookie_header("https://www.classe.test/", "session=abc") == f"session={MASK}"
    assert LOGIN.cookie_header("https://pasclasse.test/", "session=abc") == "session=abc"


def test_a_renewed_secret_keeps_its_attributes() -> None:
    renewed = "session=NEW; Path=/; HttpOnly; Secure"
    assert LOGIN.set_cookie(URL, renewed) == f"session={MASK}; Path=/; HttpOnly; Secure"
    assert LOGIN.set_cookie(URL, "theme=contraste; Path=/") == "theme=contraste; Path=/"
    assert LOGIN.set_cookie(URL, "malformed") == "malformed"


def test_headers_say_whether_something_was_masked() -> None:
    sent = [("User-Agent", "x"), ("Cookie", "session=abc"), ("Authorization", "Bearer eyJ.x.y")]
    masked, changed = LOGIN.request_headers(URL, sent)
    assert changed and masked == [("User-Agent", "x"), ("Cookie", f"session={MASK}"),
                                  ("Authorization", f"Bearer {MASK}")]  # fmt: skip
    assert LOGIN.request_headers(URL, [("Accept", "*/*")]) == ([("Accept", "*/*")], False)
    assert LOGIN.request_headers(URL, [("authorization", "token")])[0] == [("authorization", MASK)]
    received, changed = LOGIN.response_headers(URL, [("Set-Cookie", "session=n; Path=/")])
    assert changed and received == [("Set-Cookie", f"session={MASK}; Path=/")]
    assert LOGIN.response_headers(URL, [("Set-Cookie", "a=1")]) == ([("Set-Cookie", "a=1")], False)


def test_an_unparsable_url_masks_only_cookies_valid_everywhere() -> None:
    assert LOGIN.cookie_header("http://[bad", "session=abc; sid=1") == f"session=abc; sid={MASK}"


def test_known_values_are_masked_wherever_they_appear_also_url_encoded() -> None:
    redactor = Redactor(values=["tok/en+42==", "court"])  # "court" is too short to be a secret
    assert redactor.scrub("a tok/en+42== b tok%2Fen%2B42%3D%3D c tok%2Fen%2B42%3D%3D court") == (
        f"a {MASK} b {MASK} c {MASK} court"
    )
    assert redactor.scrub_bytes(b'{"t": "tok/en+42=="}') == b'{"t": "<secret>"}'
    record = {"url": "https://x.test/?t=tok%2Fen%2B42%3D%3D", "items": [["k", "tok/en+42=="]]}
    assert redactor.scrub_record(record) == {"url": f"https://x.test/?t={MASK}",
                                             "items": [["k", MASK]]}  # fmt: skip
    assert Redactor().scrub("nothing known") == "nothing known"


def test_a_value_met_under_a_secret_name_is_learnt() -> None:
    redactor = Redactor(cookies=[("session", "classe.test")])
    assert redactor.set_cookie(URL, "session=renewed-value-9; Path=/") == f"session={MASK}; Path=/"
    assert redactor.scrub("X-Csrf: renewed-value-9") == f"X-Csrf: {MASK}"
    headers, changed = redactor.request_headers(URL, [("Authorization", "Bearer abcdefgh1234")])
    assert changed and headers == [("Authorization", f"Bearer {MASK}")]
    assert redactor.scrub("?access_token=abcdefgh1234") == f"?access_token={MASK}"


def test_storage_keys_are_secret_on_their_origin_only() -> None:
    redactor = Redactor(storage=[("ent.test", "refresh_token")])
    assert redactor.is_secret_storage("ent.test", "refresh_token")
    assert not redactor.is_secret_storage("tiers.test", "refresh_token")
    assert not redactor.is_secret_storage("ent.test", "theme")


def test_a_cookie_header_without_secret_is_recorded_as_sent() -> None:
    assert LOGIN.cookie_header(URL, "a=1;b=2") == "a=1;b=2"
    assert LOGIN.request_headers(URL, [("Cookie", "a=1;b=2")]) == ([("Cookie", "a=1;b=2")], False)


def test_a_cut_secret_and_a_secret_renewed_for_a_parent_domain_are_masked() -> None:
    token = "eyJ" + "x" * 1200
    redactor = Redactor(cookies=[("sid", "www.ent.test")], values=[token])
    assert redactor.scrub("value=" + token[:300]) == f"value={MASK}"  # a clipped log field
    renewed = redactor.set_cookie("https://auth.ent.test/", "sid=new-value-123; Domain=ent.test")
    assert renewed == f"sid={MASK}; Domain=ent.test"
    assert redactor.scrub("new-value-123") == MASK
    assert redactor.set_cookie("https://tiers.test/", "sid=x1234567; Domain=tiers.test") == (
        "sid=x1234567; Domain=tiers.test")  # fmt: skip


def test_urls_keep_their_host_and_quoted_values_are_learnt_bare() -> None:
    redactor = Redactor(values=['"quoted-secret-1"', "https://api.ent.test/v1", "ent-host-1234"])
    assert redactor.scrub("quoted-secret-1") == MASK
    assert redactor.scrub("https://api.ent.test/v1") == "https://api.ent.test/v1"  # no secret
    url = "https://ent-host-1234.test/p?t=ent-host-1234"
    assert redactor.scrub_url(url) == f"https://ent-host-1234.test/p?t={URL_MASK}"
