use std::{sync::Arc, time::Duration};

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
}

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
        Self(Arc::new(Keys { encoding, decoding, validation, ttl }))
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
        jsonwebtoken::decode::<Claims>(token, &self.0.decoding, &self.0.validation).ok().map(|data| data.claims)
    }
}
