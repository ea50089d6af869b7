//! App state sync against `tests/vectors/app_state.json` (Baileys' encodeSyncdPatch,
//! decodePatches and decodeSyncdSnapshot): key expansion, the LTHash, every MAC, decoding each
//! patch on the state before it, encoding the same mutation to the same bytes, whole chains,
//! snapshots, and each way a patch can be refused.
use std::collections::{HashMap, HashSet};

use prost::Message as _;
use serde_json::Value;
use wazap::appstate::decode::decode_patches;
use wazap::appstate::{
    decode_patch, decode_snapshot, encode_patch, mac, AppStateError, Change, Collection, HashState,
    LtHash, MutationKeys, MutationSpec, Operation,
};
use wazap::proto;

use crate::common::{hex, hex32, load_own};

fn vectors() -> Value {
    load_own("app_state.json")
}

fn keys(v: &Value) -> HashMap<Vec<u8>, MutationKeys> {
    v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (hex(&k["key_id"]), MutationKeys::expand(&hex(&k["key_data"]))))
        .collect()
}

fn state(v: &Value) -> (HashState, HashMap<[u8; 32], [u8; 32]>) {
    let hash = LtHash::from_slice(&hex(&v["hash"])).expect("128 bytes");
    let map = v["index_value_map"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(i, val)| (hex32(&Value::String(i.clone())), hex32(val)))
        .collect();
    (HashState { version: v["version"].as_u64().unwrap(), hash }, map)
}

fn collection(v: &Value) -> Collection {
    v.as_str().unwrap().parse().unwrap()
}

fn index_strings(v: &Value) -> HashSet<String> {
    v.as_array().unwrap().iter().map(|m| m["index"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn keys_expand_as_baileys_does() {
    let v = vectors();
    for k in v["keys"].as_array().unwrap() {
        let e = MutationKeys::expand(&hex(&k["key_data"]));
        assert_eq!(e.index, hex32(&k["index_key"]));
        assert_eq!(e.value_encryption, hex32(&k["value_encryption_key"]));
        assert_eq!(e.value_mac, hex32(&k["value_mac_key"]));
        assert_eq!(e.snapshot_mac, hex32(&k["snapshot_mac_key"]));
        assert_eq!(e.patch_mac, hex32(&k["patch_mac_key"]));
    }
}

#[test]
fn lt_hash_steps_match() {
    let v = vectors();
    let lt = &v["lt_hash"];
    let mut h = LtHash::from_slice(&hex(&lt["start"])).unwrap();
    let macs = |x: &Value| x.as_array().unwrap().iter().map(hex).collect::<Vec<_>>();
    for step in lt["steps"].as_array().unwrap() {
        match step["op"].as_str().unwrap() {
            "add" => macs(&step["macs"]).iter().for_each(|m| h.add(m)),
            "subtract" => macs(&step["macs"]).iter().for_each(|m| h.subtract(m)),
            "subtract_then_add" => {
                macs(&step["subtract"]).iter().for_each(|m| h.subtract(m));
                macs(&step["add"]).iter().for_each(|m| h.add(m));
            }
            other => panic!("unknown step {other}"),
        }
        assert_eq!(h.0.to_vec(), hex(&step["hash"]), "{step}");
    }
}

#[test]
fn each_patch_decodes_on_the_state_before_it() {
    let v = vectors();
    let keys = keys(&v);
    let cases = v["patches"].as_array().unwrap();
    assert_eq!(cases.len(), 13);
    for c in cases {
        let name = collection(&c["collection"]);
        let (before, stored) = state(&c["state_before"]);
        let (after, after_map) = state(&c["state_after"]);
        let patch = proto::SyncdPatch::decode(hex(&c["patch"]).as_slice()).unwrap();
        let d = decode_patch(name, &before, &patch, &keys, &stored).unwrap();
        assert_eq!(d.state, after, "{}", c["index"]);
        let m = &d.mutations[0];
        assert_eq!(serde_json::to_string(&m.index).unwrap(), c["index"].as_str().unwrap());
        assert_eq!(m.index_mac, hex32(&c["index_mac"]));
        assert_eq!(m.value_mac, hex32(&c["value_mac"]));
        assert_eq!(m.action_version, c["action_version"].as_i64().unwrap() as i32);
        let op = if c["operation"] == "set" { Operation::Set } else { Operation::Remove };
        assert_eq!(m.operation, op);
        // The decoded value re-encodes to Baileys' plaintext byte for byte.
        let data = proto::SyncActionData {
            index: Some(serde_json::to_vec(&m.index).unwrap()),
            value: Some(m.value.clone()),
            padding: None,
            version: Some(m.action_version),
        };
        assert_eq!(data.encode_to_vec(), hex(&c["sync_action_data"]));
        // The MAC changes to store leave exactly Baileys' index → value map.
        let mut map = stored.clone();
        for (i, val) in d.macs.set() {
            map.insert(*i, *val);
        }
        for i in d.macs.removed() {
            map.remove(i);
        }
        let mut after_map = after_map;
        if op == Operation::Remove {
            // Baileys' encoder puts a removed index back into its map after removing it; its
            // decoder (and whatsmeow) leave it out, as the LTHash does.
            assert!(after_map.remove(&m.index_mac).is_some());
        }
        assert_eq!(map, after_map);
        // The two MACs of the patch, on their own.
        let k = &keys[&hex(&c["key_id"])];
        let snap = mac::snapshot_mac(&after.hash, after.version, name, &k.snapshot_mac);
        assert_eq!(snap, hex32(&c["snapshot_mac"]));
        let pm = mac::patch_mac(&snap, [&m.value_mac[..]], after.version, name, &k.patch_mac);
        assert_eq!(pm, hex32(&c["patch_mac"]));
    }
}

#[test]
fn encoding_the_same_mutation_gives_baileys_bytes() {
    let v = vectors();
    let keys = keys(&v);
    for c in v["patches"].as_array().unwrap() {
        let name = collection(&c["collection"]);
        let (before, stored) = state(&c["state_before"]);
        let data = proto::SyncActionData::decode(hex(&c["sync_action_data"]).as_slice()).unwrap();
        let spec = MutationSpec {
            collection: name,
            operation: if c["operation"] == "set" { Operation::Set } else { Operation::Remove },
            index: serde_json::from_slice(data.index()).unwrap(),
            value: data.value.clone().unwrap(),
            action_version: data.version(),
        };
        let key_id = hex(&c["key_id"]);
        let iv: [u8; 16] = hex(&c["iv"]).try_into().unwrap();
        let mut next_iv = || iv;
        let e =
            encode_patch(name, &before, &key_id, &keys[&key_id], &[spec], 0, &mut next_iv, &stored);
        let (after, _) = state(&c["state_after"]);
        assert_eq!(e.state, after);
        // The server sets the version; the vector's patch has it.
        let mut patch = e.patch;
        patch.version = Some(proto::SyncdVersion { version: Some(after.version) });
        assert_eq!(
            hex::encode(patch.encode_to_vec()),
            c["patch"].as_str().unwrap(),
            "{}",
            c["index"]
        );
    }
}

/// Every case's patch, grouped by collection in order.
fn chains(v: &Value) -> Vec<(Collection, Vec<proto::SyncdPatch>)> {
    let mut out: Vec<(Collection, Vec<proto::SyncdPatch>)> = Vec::new();
    for c in v["patches"].as_array().unwrap() {
        let name = collection(&c["collection"]);
        let patch = proto::SyncdPatch::decode(hex(&c["patch"]).as_slice()).unwrap();
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(patch),
            None => out.push((name, vec![patch])),
        }
    }
    out
}

#[test]
fn whole_chains_decode_from_nothing() {
    let v = vectors();
    let keys = keys(&v);
    let chains = chains(&v);
    assert_eq!(chains.len(), 5, "every collection has patches");
    for (name, patches) in chains {
        let expected = &v["patches_decoded"][name.as_str()];
        let d = decode_patches(name, &HashState::default(), &patches, &keys, &()).unwrap();
        let (state_expected, map_expected) = state(&expected["state"]);
        assert_eq!(d.state, state_expected, "{name}");
        let live: HashMap<[u8; 32], [u8; 32]> = d.macs.set().map(|(i, v)| (*i, *v)).collect();
        assert_eq!(live, map_expected, "{name}");
        let seen: HashSet<String> =
            d.mutations.iter().map(|m| serde_json::to_string(&m.index).unwrap()).collect();
        assert_eq!(seen, index_strings(&expected["mutations"]), "{name}");
    }
}

#[test]
fn snapshots_decode_with_their_mac() {
    let v = vectors();
    let keys = keys(&v);
    for s in v["snapshots"].as_array().unwrap() {
        let name = collection(&s["collection"]);
        let snap = proto::SyncdSnapshot::decode(hex(&s["snapshot"]).as_slice()).unwrap();
        let d = decode_snapshot(name, &snap, &keys).unwrap();
        let (expected, map) = state(&s["state"]);
        assert_eq!(d.state, expected, "{name}");
        assert_eq!(d.macs.set().count(), map.len());
        let seen: HashSet<String> =
            d.mutations.iter().map(|m| serde_json::to_string(&m.index).unwrap()).collect();
        assert_eq!(seen, index_strings(&s["mutations"]), "{name}");
    }
}

#[test]
fn the_contacts_snapshot_reads_as_contacts() {
    let v = vectors();
    let keys = keys(&v);
    let s = v["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["collection"] == "critical_unblock_low")
        .unwrap();
    let snap = proto::SyncdSnapshot::decode(hex(&s["snapshot"]).as_slice()).unwrap();
    let d = decode_snapshot(Collection::CriticalUnblockLow, &snap, &keys).unwrap();
    let mut names: Vec<_> = d
        .mutations
        .iter()
        .filter_map(Change::from_mutation)
        .map(|c| match c {
            Change::Contact { jid, full_name, first_name, .. } => {
                (jid.to_string(), full_name.unwrap(), first_name.unwrap())
            }
            other => panic!("not a contact: {other:?}"),
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("15550002222@s.whatsapp.net".into(), "Ada King".into(), "Ada".into()),
            ("15550003333@s.whatsapp.net".into(), "Charles Babbage".into(), "Charles".into()),
        ]
    );
}

#[test]
fn tampering_and_missing_keys_are_refused() {
    let v = vectors();
    let keys = keys(&v);
    let c = &v["patches"][0];
    let name = collection(&c["collection"]);
    let (before, stored) = state(&c["state_before"]);
    let good = proto::SyncdPatch::decode(hex(&c["patch"]).as_slice()).unwrap();
    let decode = |p: &proto::SyncdPatch| decode_patch(name, &before, p, &keys, &stored);
    assert!(decode(&good).is_ok());

    let mut p = good.clone();
    p.patch_mac.as_mut().unwrap()[0] ^= 1;
    assert!(matches!(decode(&p), Err(AppStateError::PatchMac { .. })));

    let mut p = good.clone();
    p.snapshot_mac.as_mut().unwrap()[5] ^= 1;
    assert!(matches!(decode(&p), Err(AppStateError::LtHash { .. })));

    let mut p = good.clone();
    let blob =
        p.mutations[0].record.as_mut().unwrap().value.as_mut().unwrap().blob.as_mut().unwrap();
    blob[20] ^= 1;
    assert_eq!(decode(&p).unwrap_err(), AppStateError::ValueMac(0));

    let mut p = good.clone();
    p.mutations[0].record.as_mut().unwrap().index.as_mut().unwrap().blob.as_mut().unwrap()[0] ^= 1;
    assert_eq!(decode(&p).unwrap_err(), AppStateError::IndexMac(0));

    // The wrong previous state: the LTHash no longer leads to the snapshot MAC.
    let mut wrong = before;
    wrong.hash.add(&[9; 32]);
    assert!(matches!(
        decode_patch(name, &wrong, &good, &keys, &stored),
        Err(AppStateError::LtHash { .. })
    ));

    let none: HashMap<Vec<u8>, MutationKeys> = HashMap::new();
    assert_eq!(
        decode_patch(name, &before, &good, &none, &stored).unwrap_err(),
        AppStateError::MissingKey("000000000001".into())
    );

    let mut p = good.clone();
    p.mutations[0].record.as_mut().unwrap().value.as_mut().unwrap().blob = Some(vec![1, 2, 3]);
    assert!(matches!(decode(&p), Err(AppStateError::Malformed(_))));
}

#[test]
fn builders_round_trip_through_our_encoder_and_decoder() {
    let v = vectors();
    let keys = keys(&v);
    let key_id = hex(&v["keys"][0]["key_id"]);
    let chat: wazap::binary::Jid = "15550002222@s.whatsapp.net".parse().unwrap();
    let group: wazap::binary::Jid = "120363012345678901@g.us".parse().unwrap();
    let member: wazap::binary::Jid = "15550003333@s.whatsapp.net".parse().unwrap();
    let range = wazap::appstate::action::message_range(1_765_000_000, None);
    let cases = [
        (
            MutationSpec::mute(&chat, true, None),
            Change::Mute { chat: chat.clone(), muted: true, until_ms: Some(-1) },
        ),
        (
            MutationSpec::mute(&chat, false, None),
            Change::Mute { chat: chat.clone(), muted: false, until_ms: None },
        ),
        (MutationSpec::pin(&chat, true), Change::Pin { chat: chat.clone(), pinned: true }),
        (
            MutationSpec::archive(&group, true, range.clone()),
            Change::Archive { chat: group.clone(), archived: true },
        ),
        (
            MutationSpec::mark_chat_as_read(&chat, false, range.clone()),
            Change::MarkChatAsRead { chat: chat.clone(), read: false },
        ),
        (
            MutationSpec::star(&group, Some(&member), "ABC", false, true),
            Change::Star {
                chat: group.clone(),
                sender: Some(member.clone()),
                message_id: "ABC".into(),
                from_me: false,
                starred: true,
            },
        ),
        (
            MutationSpec::star(&chat, Some(&chat), "DEF", false, true),
            Change::Star {
                chat: chat.clone(),
                sender: None,
                message_id: "DEF".into(),
                from_me: false,
                starred: true,
            },
        ),
        (
            MutationSpec::delete_chat(&chat, true, range.clone()),
            Change::DeleteChat { chat: chat.clone(), delete_media: true },
        ),
        (
            MutationSpec::contact(&member, "Charles Babbage", Some("Charles")),
            Change::Contact {
                jid: member.clone(),
                full_name: Some("Charles Babbage".into()),
                first_name: Some("Charles".into()),
                lid: None,
            },
        ),
        (MutationSpec::push_name("bot"), Change::PushName { name: "bot".into() }),
        (
            MutationSpec::label_edit("7", "Leads", 2, false),
            Change::LabelEdit {
                label_id: "7".into(),
                name: "Leads".into(),
                color: 2,
                deleted: false,
            },
        ),
        (
            MutationSpec::label_chat("7", &chat, true),
            Change::LabelChat { label_id: "7".into(), chat: chat.clone(), labeled: true },
        ),
    ];
    for (spec, expected) in cases {
        let name = spec.collection;
        let mut n = 0u8;
        let mut iv = || {
            n += 1;
            [n; 16]
        };
        let e = encode_patch(
            name,
            &HashState::default(),
            &key_id,
            &keys[&key_id],
            std::slice::from_ref(&spec),
            5,
            &mut iv,
            &(),
        );
        let d = decode_patch(name, &HashState::default(), &e.patch, &keys, &()).unwrap();
        assert_eq!(d.state, e.state);
        assert_eq!(d.mutations[0].value.timestamp, Some(5), "the patch time fills in");
        assert_eq!(Change::from_mutation(&d.mutations[0]), Some(expected));
    }
}
