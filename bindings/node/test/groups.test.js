'use strict';
// Groups and users between Node clients paired with the sandbox: create, events, rename,
// invite link, participant changes, leave; on-WhatsApp checks, user info, pictures.
const assert = require('node:assert/strict');
const { test } = require('node:test');
const { ErrorCode } = require('wazap');
const h = require('../test-support/helpers');

const suite = h.sandboxSuite();
const { pairedClient } = suite;

test('a group from creation to leaving', async () => {
  const alice = await pairedClient();
  const bob = await pairedClient();
  const carol = await pairedClient();

  const joined = h.waitFor(bob.client, 'joined_group');
  const group = await alice.client.createGroup('node group', [bob.phone]);
  assert.match(group.jid, /@g\.us$/);
  assert.deepEqual(group.participants.map((p) => p.jid).sort(), [alice.user, bob.user].sort());
  assert.equal((await joined).group.jid, group.jid);
  assert.ok((await bob.client.joinedGroups()).some((g) => g.jid === group.jid));

  const renamed = h.waitFor(bob.client, 'group_info', (e) => e.name !== null);
  await alice.client.setGroupName(group.jid, 'renamed');
  assert.equal((await renamed).name.name, 'renamed');
  assert.equal((await bob.client.groupInfo(group.jid)).name, 'renamed');

  const photoId = await alice.client.setGroupPhoto(group.jid, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
  assert.equal((await bob.client.profilePicture(group.jid)).id, photoId);
  assert.equal(await alice.client.setGroupPhoto(group.jid, null), null);
  assert.equal(await bob.client.profilePicture(group.jid), null);

  const link = await alice.client.groupInviteLink(group.jid);
  assert.match(link, /^https:\/\/chat\.whatsapp\.com\//);
  assert.equal(await carol.client.joinGroupWithLink(link), group.jid);

  const [result] = await alice.client.updateGroupParticipants(group.jid, [carol.phone], 'promote');
  assert.equal(result.error, null);
  const info = await alice.client.groupInfo(group.jid);
  assert.ok(info.participants.find((p) => p.jid === carol.user).is_admin);

  await bob.client.leaveGroup(group.jid);
  assert.ok(!(await bob.client.joinedGroups()).some((g) => g.jid === group.jid));
});

test('users: on WhatsApp, info and pictures; bad arguments', async () => {
  const alice = await pairedClient();
  const bob = await pairedClient();
  const answers = await alice.client.isOnWhatsapp([bob.phone, '15559999996']);
  const byNumber = Object.fromEntries(answers.map((a) => [a.query.replace(/^\+/, ''), a]));
  assert.equal(byNumber[bob.phone].is_in, true);
  assert.equal(byNumber[bob.phone].jid, bob.user);
  assert.equal(byNumber['15559999996'].is_in, false);
  const info = (await alice.client.userInfo([bob.phone]))[bob.user];
  assert.ok(info.devices.includes(bob.client.jid), 'the companion is one of bob\'s devices');
  assert.equal(await alice.client.profilePicture(bob.phone, { preview: true }), null);
  const pictureId = await bob.client.setProfilePicture(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9]));
  assert.equal((await alice.client.profilePicture(bob.phone)).id, pictureId);
  await assert.rejects(bob.client.setProfilePicture('x'), (e) => e.code === ErrorCode.INVALID_ARG_TYPE);

  const reject = (promise, code, pattern) =>
    assert.rejects(promise, (e) => e.code === code && pattern.test(e.message));
  await reject(alice.client.createGroup('g', 'not a list'), ErrorCode.INVALID_ARG_TYPE, /participants/);
  await reject(alice.client.setGroupLocked('1-2@g.us', 'yes'), ErrorCode.INVALID_ARG_TYPE, /locked/);
  await reject(alice.client.groupInfo('not a jid'), ErrorCode.INVALID_ARG, /neither a JID/);
  await reject(
    alice.client.updateGroupParticipants('1-2@g.us', [bob.phone], 'kick'),
    ErrorCode.INVALID_ARG,
    /unknown variant/,
  );
});

test('blocking a user lists them and stops their messages', async () => {
  const alice = await pairedClient();
  const bob = h.freshPhone();
  await h.createAccount(suite.sandbox, bob);
  assert.deepEqual((await alice.client.getBlocklist()).jids, []);

  const blocked = await alice.client.updateBlocklist(bob, 'block');
  assert.equal(blocked.jids.length, 1);
  assert.match(blocked.jids[0], /@lid$/);
  assert.deepEqual(await alice.client.getBlocklist(), blocked);

  // Bob's phone writes while blocked, then after being unblocked: only the second arrives.
  const send = async (text) => {
    const { status, body } = await h.control(suite.sandbox, 'POST', '/control/send', { from: bob, to: alice.phone, text });
    assert.equal(status, 200, JSON.stringify(body));
    return body.id;
  };
  await send('while blocked');
  const arrived = h.waitFor(alice.client, 'message', (e) => !e.info.is_from_me);
  assert.deepEqual((await alice.client.updateBlocklist(bob, 'unblock')).jids, []);
  const id = await send('after unblocking');
  const first = await arrived;
  assert.equal(first.info.id, id);
  assert.equal(first.message.text, 'after unblocking');

  await assert.rejects(alice.client.updateBlocklist(bob, 'mute'), (e) => e.code === ErrorCode.INVALID_ARG);
  await assert.rejects(alice.client.updateBlocklist(15550000000, 'block'), (e) => e.code === ErrorCode.INVALID_ARG_TYPE);
});
