"""Reads and posts the accounts pages: the team page's invitation of a colleague, and the
invitation link of the one mail in the outbox."""

from __future__ import annotations

import re
from email import message_from_bytes

from tests.support import submit


def invite(client, email="kollega@test.example", role="employer", locale="da"):
    """The team page's form inviting a new colleague, posted."""
    return submit(
        client, "/team", {"name": "Ny Kollega", "email": email, "role": role, "locale": locale}
    )


def link_in(outbox) -> str:
    """The invitation link (its path) in the one mail of the outbox."""
    from email import policy

    mails = [
        message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox.glob("*.eml")
    ]
    assert len(mails) == 1
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"http://localhost(/invitation/\S+)", body)
    assert found, body
    return found.group(1)
