use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::Duration,
};

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// What a session token says: whose it is, which session, until when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    /// The session id, so that the session can be ended before `exp`.
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
}

/// A newly signed session token.
pub struct Issued {
    pub token: String,
    pub session_id: String,
    pub expires_at: DateTime<Utc>,
}

/// HS256 keys derived from `AUTH_SECRET`, built once at start-up and shared
/// (every request clones the app state, so cloning must not copy keys).
#[derive(Clone)]
pub struct TokenKeys(Arc<Keys>);

struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
    /// Tokens already verified, with their claims: a client sends the same
    /// token with every request, and checking its signature (HMAC, base64,
    /// JSON) was a sixth of listing tasks. Only valid tokens get in; each
    /// hit still checks the expiry.
    verified: RwLock<HashMap<String, Claims>>,
}

/// Verified tokens kept at most; beyond, the cache starts over.
const VERIFIED_MAX: usize = 10_000;

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys([redacted])")
    }
}

impl TokenKeys {
    pub fn new(secret: &SecretString, ttl: Duration) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let (encoding, decoding) = (EncodingKey::from_secret(bytes), DecodingKey::from_secret(bytes));
        Self(Arc::new(Keys { encoding, decoding, validation, ttl, verified: RwLock::default() }))
    }

    /// Signs a token for a new session of `user_id`.
    pub fn issue(&self, user_id: &str) -> anyhow::Result<Issued> {
        let now = Utc::now();
        let expires_at = now + self.0.ttl;
        let session_id = uuid::Uuid::new_v4().simple().to_string();
        let claims = Claims {
            sub: user_id.to_owned(),
            sid: session_id.clone(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.0.encoding)?;
        Ok(Issued { token, session_id, expires_at })
    }

    /// The claims of a valid, unexpired token (tokens without a session id,
    /// from before sessions could be ended, are not valid).
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let now = Utc::now().timestamp();
        let leeway = self.0.validation.leeway as i64;
        if let Some(claims) = self.0.verified.read().ok().and_then(|verified| verified.get(token).cloned()) {
            return (claims.exp + leeway > now).then_some(claims);
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.0.decoding, &self.0.validation).ok()?.claims;
        if let Ok(mut verified) = self.0.verified.write() {
            if verified.len() >= VERIFIED_MAX {
                verified.clear();
            }
            verified.insert(token.to_string(), claims.clone());
        }
        Some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&SecretString::from("a-test-secret-that-is-long-enough-123"), Duration::from_secs(3600))
    }

    #[test]
    fn a_verified_token_is_remembered_but_still_expires() {
        let keys = keys();
        let issued = keys.issue("user-1").unwrap();
        let claims = keys.verify(&issued.token).expect("valid");
        assert_eq!((claims.sub.as_str(), claims.sid.as_str()), ("user-1", issued.session_id.as_str()));
        assert!(keys.0.verified.read().unwrap().contains_key(&issued.token));
        assert_eq!(keys.verify(&issued.token).map(|c| c.sid), Some(issued.session_id.clone()), "from memory");
        // The remembered claims expire like the token.
        keys.0.verified.write().unwrap().get_mut(&issued.token).unwrap().exp = Utc::now().timestamp() - 60;
        assert!(keys.verify(&issued.token).is_none());
        // Another key's token, or a tampered one, is never remembered.
        let other =
            TokenKeys::new(&SecretString::from("another-secret-that-is-long-enough-456"), Duration::from_secs(60));
        let forged = other.issue("user-1").unwrap().token;
        assert!(keys.verify(&forged).is_none());
        assert!(!keys.0.verified.read().unwrap().contains_key(&forged));
    }
}
