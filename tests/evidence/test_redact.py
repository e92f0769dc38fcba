"""A saved login's cookies and credentials are masked in the evidence copies, nothing else."""

from __future__ import annotations

from rgpd_check.evidence.redact import MASK, Redactor

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
