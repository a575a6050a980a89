import pytest

from core.tenancy.resolution import AmbiguousTenant, resolve_slug, slug_from_host


@pytest.mark.parametrize(
    ("host", "base", "slug"),
    [
        ("acme.localhost", "localhost", "acme"),
        ("acme.localhost:8000", "localhost", "acme"),
        ("ACME.Localhost.", "localhost", "acme"),
        ("acme.complaints.example.com", "complaints.example.com", "acme"),
        ("localhost:8000", "localhost", None),
        ("a.b.localhost", "localhost", None),
        ("acme.evil.com", "localhost", None),
        ("evillocalhost", "localhost", None),
        ("-bad.localhost", "localhost", None),
        ("[::1]:8000", "localhost", None),
        ("127.0.0.1:8000", "localhost", None),
    ],
)
def test_slug_from_host(host, base, slug):
    assert slug_from_host(host, base) == slug


def test_host_wins_and_agreeing_header_is_fine():
    assert resolve_slug("acme.localhost", "ACME", "localhost") == "acme"
    assert resolve_slug("localhost", "acme", "localhost") == "acme"
    assert resolve_slug("localhost", None, "localhost") is None


def test_header_contradicting_host_is_refused():
    with pytest.raises(AmbiguousTenant):
        resolve_slug("acme.localhost", "other", "localhost")


def test_malformed_header_matches_no_tenant():
    assert resolve_slug(None, "../../etc", "localhost") == "-invalid-"
