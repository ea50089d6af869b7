"""Groups and users against the sandbox: a group created by one client reaches the others as
typed events and answers; rename, invite link, participant changes, leaving (asyncio); which
numbers are on WhatsApp, user info and profile pictures; bad arguments."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import wazap
from conftest import Sandbox
from test_messaging import jid, new_phone, paired


def test_a_group_from_creation_to_leaving(sandbox: Sandbox, make_client: Any) -> None:
    alice, alice_phone, _ = paired(sandbox, make_client, "alice")
    bob, bob_phone, bob_events = paired(sandbox, make_client, "bob")
    carol, carol_phone, _ = paired(sandbox, make_client, "carol")

    group = alice.create_group("py group", [bob_phone])
    assert isinstance(group, wazap.GroupInfo) and group.jid.endswith("@g.us")
    assert group.name == "py group"
    members = {p.jid: p for p in group.participants}
    assert set(members) == {jid(alice_phone), jid(bob_phone)}
    assert members[jid(alice_phone)].is_super_admin and not members[jid(bob_phone)].is_admin

    joined = bob_events.wait("joined_group", where=lambda e: e.group.jid == group.jid)
    assert isinstance(joined, wazap.JoinedGroupEvent) and joined.group.name == "py group"
    assert group.jid in [g.jid for g in bob.joined_groups()]

    alice.set_group_name(group.jid, "renamed")
    change = bob_events.wait("group_info", where=lambda e: e.name is not None)
    assert isinstance(change, wazap.GroupInfoEvent) and change.jid == group.jid
    assert change.name is not None and change.name.name == "renamed"
    assert bob.group_info(group.jid).name == "renamed"

    photo_id = alice.set_group_photo(group.jid, b"\xff\xd8\xff\xe0" + bytes(500))
    photo = bob.profile_picture(group.jid)
    assert photo is not None and photo.id == photo_id
    assert alice.set_group_photo(group.jid, None) is None
    assert bob.profile_picture(group.jid) is None

    link = alice.group_invite_link(group.jid)
    assert link.startswith("https://chat.whatsapp.com/")
    assert carol.join_group_with_link(link) == group.jid
    joined_by_link = bob_events.wait("group_info", where=lambda e: jid(carol_phone) in e.join)
    assert joined_by_link.join_reason == "invite"

    results = alice.update_group_participants(group.jid, [carol_phone, "15559999998"], "promote")
    outcome = {r.jid.split("@")[0]: r.error for r in results}
    assert outcome[carol_phone] is None, results
    assert next(p for p in alice.group_info(group.jid).participants if p.jid == jid(carol_phone)).is_admin

    async def leave() -> None:
        await bob.leave_group_async(group.jid)
        assert group.jid not in [g.jid for g in await bob.joined_groups_async()]

    asyncio.run(leave())
    assert jid(bob_phone) not in [p.jid for p in alice.group_info(group.jid).participants]


def test_users_on_whatsapp_info_and_pictures(sandbox: Sandbox, make_client: Any) -> None:
    alice, _, _ = paired(sandbox, make_client, "alice")
    bob, bob_phone, _ = paired(sandbox, make_client, "bob")

    answers = {a.query.lstrip("+"): a for a in alice.is_on_whatsapp([bob_phone, "15559999997"])}
    assert isinstance(answers[bob_phone], wazap.IsOnWhatsApp)
    assert answers[bob_phone].is_in and answers[bob_phone].jid == jid(bob_phone)
    assert not answers["15559999997"].is_in

    info = alice.user_info([bob_phone])[jid(bob_phone)]
    assert isinstance(info, wazap.UserInfo)
    assert bob.jid in info.devices, "the companion is one of bob's devices"

    assert alice.profile_picture(bob_phone) is None
    assert asyncio.run(alice.profile_picture_async(bob_phone, preview=True)) is None
    picture_id = bob.set_profile_picture(b"\xff\xd8\xff\xe0" + bytes(300))
    picture = alice.profile_picture(bob_phone)
    assert isinstance(picture, wazap.ProfilePicture) and picture.id == picture_id
    assert alice.user_info([bob_phone])[jid(bob_phone)].picture_id == picture_id


def test_bad_group_and_user_arguments(sandbox: Sandbox, make_client: Any) -> None:
    client, _, _ = paired(sandbox, make_client, "me")
    with pytest.raises(TypeError):
        client.create_group("name", "15550000000")  # a string is not a list of members
    with pytest.raises(TypeError):
        client.set_group_locked("1-2@g.us", "yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.set_profile_picture("not bytes")  # type: ignore[arg-type]
    with pytest.raises(wazap.InvalidArgument, match="neither a JID"):
        client.group_info("not a jid")
    with pytest.raises(wazap.InvalidArgument, match="unknown variant"):
        client.update_group_participants("1-2@g.us", ["15550000000"], "kick")  # type: ignore[arg-type]


def test_blocking_a_user_lists_them_and_their_messages_stop(
    sandbox: Sandbox, make_client: Any
) -> None:
    alice, alice_phone, alice_events = paired(sandbox, make_client, "alice")
    bob = new_phone(sandbox)
    assert alice.get_blocklist().jids == []

    blocked = alice.update_blocklist(bob, "block")
    assert isinstance(blocked, wazap.Blocklist) and len(blocked.jids) == 1
    assert blocked.jids[0].endswith("@lid") and blocked.dhash
    assert asyncio.run(alice.get_blocklist_async()) == blocked

    # Bob's phone writes while blocked, then after being unblocked: only the second arrives.
    sandbox.send_from_phone(bob, alice_phone, "while blocked")
    assert alice.update_blocklist(bob, "unblock").jids == []
    later = sandbox.send_from_phone(bob, alice_phone, "after unblocking")
    first = alice_events.wait("message", where=lambda e: not e.info.is_from_me)
    assert (first.info.id, first.message.text) == (later, "after unblocking")

    with pytest.raises(wazap.InvalidArgument, match="unknown variant"):
        alice.update_blocklist(bob, "mute")
    with pytest.raises(TypeError):
        alice.update_blocklist(15550000000, "block")  # type: ignore[arg-type]
