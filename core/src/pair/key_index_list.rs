//! `ADVSignedKeyIndexList`: the account's signed list of valid companion key indexes, published
//! in usync `<devices><key-index-list ts>` so peers can drop identities of unlinked devices.
//! Signature: account key over `06 02 ‖ details` (WhatsApp Web's ADV module; neither whatsmeow nor
//! Baileys checks it). Only E2EE accounts: the hosted prefix is not public.
#[cfg(feature = "server")]
use prost::Message;

#[cfg(feature = "server")]
use crate::crypto::KeyPair;
use crate::crypto::{verify_strict_result, PublicKey};
use crate::proto::{AdvKeyIndexList, AdvSignedKeyIndexList};

use super::adv::{account_key, decode, required, AdvError, KEY_INDEX_LIST_SIGNATURE_PREFIX};

fn message(details: &[u8]) -> Vec<u8> {
    [&KEY_INDEX_LIST_SIGNATURE_PREFIX[..], details].concat()
}

/// Signs a key-index list with the account key; the result carries the account key too.
#[cfg(feature = "server")]
pub fn sign_key_index_list(account: &KeyPair, list: &AdvKeyIndexList) -> AdvSignedKeyIndexList {
    let details = list.encode_to_vec();
    let signature = account.sign(&message(&details));
    AdvSignedKeyIndexList {
        details: Some(details),
        account_signature: Some(signature.to_vec()),
        account_signature_key: Some(account.public.0.to_vec()),
    }
}

/// Verifies a marshalled `ADVSignedKeyIndexList` against the account key we already trust (not
/// the key it carries) and returns the list.
pub fn verify_key_index_list(
    signed: &[u8],
    account_key_public: &PublicKey,
) -> Result<AdvKeyIndexList, AdvError> {
    let signed: AdvSignedKeyIndexList = decode(signed, "ADVSignedKeyIndexList")?;
    if let Some(key) = signed.account_signature_key.as_deref() {
        if account_key(key)? != *account_key_public {
            return Err(AdvError::KeyIndexListSignatureMismatch);
        }
    }
    let details = required(&signed.details, "ADVSignedKeyIndexList.details")?;
    let signature = required(&signed.account_signature, "accountSignature")?;
    verify_strict_result(account_key_public, &message(details), signature)
        .map_err(|_| AdvError::KeyIndexListSignatureMismatch)?;
    decode(details, "ADVKeyIndexList")
}
