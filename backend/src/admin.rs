//! Operator commands of the backend binary.
//!
//! `todo-backend reset-password <email>`: there is no email delivery, so an
//! operator resets a forgotten password. A new random password is set and
//! printed, every session of the account is ended, and its failed sign-ins
//! are forgotten.

use anyhow::Context;

use crate::{auth::Hasher, config::Config, db::Db, validate};

/// Sets a new random password for `email`; returns it.
pub async fn reset_password(config: &Config, email: &str) -> anyhow::Result<String> {
    let email = validate::email(email).map_err(|error| anyhow::anyhow!("{error}"))?;
    let db = Db::connect(config).await?;
    db.migrate().await.context("the database is not reachable or not migrated")?;
    let user = db.user_by_email(&email).await?.with_context(|| format!("no account with the email {email}"))?;
    // 20 characters from a 56-letter alphabet without look-alikes: ~116 bits.
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let random = uuid::Uuid::new_v4().as_u128() ^ (uuid::Uuid::new_v4().as_u128() << 7);
    let password: String = (0..20)
        .scan(random, |state, _| {
            let letter = ALPHABET[(*state % ALPHABET.len() as u128) as usize] as char;
            *state /= ALPHABET.len() as u128;
            Some(letter)
        })
        .collect();
    let hash = Hasher::new(1, 0).hash(password.clone()).await.map_err(|error| anyhow::anyhow!("{error}"))?;
    db.change_password(&user.id, &hash, None).await?;
    db.clear_sign_in_failures(&email).await?;
    db.close().await;
    Ok(password)
}
