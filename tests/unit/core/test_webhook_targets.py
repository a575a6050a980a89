"""Where the webhook sender posts: public addresses only, pinned to the address it checked."""

from __future__ import annotations

import pytest

from core.webhooks.sender import Refused, pinned


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://172.16.0.9/hook",
        "https://192.168.1.1/hook",
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata
        "https://100.64.0.1/hook",  # carrier-grade NAT
        "https://0.0.0.0/hook",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",  # IPv4-mapped private address
    ],
)
async def test_non_public_addresses_are_refused(url: str):
    with pytest.raises(Refused, match="not a public address"):
        await pinned(url)


async def test_a_public_address_is_posted_to_as_checked_with_its_host_name_kept():
    target = await pinned("https://93.184.215.14:8443/hooks/querela?x=1")

    assert target.url == "https://93.184.215.14:8443/hooks/querela?x=1"
    assert target.headers == {"host": "93.184.215.14:8443"}
    assert target.extensions == {"sni_hostname": "93.184.215.14"}


async def test_an_ipv6_address_is_bracketed_in_the_url():
    target = await pinned("https://[2001:4860:4860::8888]/hook")

    assert target.url == "https://[2001:4860:4860::8888]/hook"


async def test_development_lifts_the_check_and_leaves_the_url_alone():
    target = await pinned("http://127.0.0.1:9/hook", private_networks=True)

    assert (target.url, target.headers, target.extensions) == ("http://127.0.0.1:9/hook", {}, {})
