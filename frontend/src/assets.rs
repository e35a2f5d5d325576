//! The stylesheet, scripts and icon, compiled into the binary and served
//! under names that carry a hash of their content (`/static/style.3f2a9c1d.css`),
//! so browsers may keep them for a year: a changed file gets a new name.

use std::{collections::HashMap, sync::OnceLock};

use axum::{
    extract::Path,
    http::{header, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use sha2::{Digest, Sha256};

/// One static file: its plain name, its content type and its content.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

static ASSETS: [Asset; 5] = [
    Asset { name: "style.css", content_type: "text/css; charset=utf-8", body: include_str!("../static/style.css") },
    Asset { name: "chat.js", content_type: "text/javascript; charset=utf-8", body: include_str!("../static/chat.js") },
    Asset {
        name: "reminders.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../static/reminders.js"),
    },
    Asset {
        name: "timezone.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../static/timezone.js"),
    },
    Asset { name: "icon.svg", content_type: "image/svg+xml", body: include_str!("../static/icon.svg") },
];

/// A year: versioned names never change content.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// An old name (a page rendered before a deploy) gets today's file, briefly.
const BRIEFLY: &str = "public, max-age=60";

struct Versioned {
    /// Plain name → `/static/<stem>.<hash>.<ext>`.
    urls: HashMap<&'static str, String>,
    /// Versioned file name → the asset.
    files: HashMap<String, &'static Asset>,
}

fn versioned() -> &'static Versioned {
    static VERSIONED: OnceLock<Versioned> = OnceLock::new();
    VERSIONED.get_or_init(|| {
        let mut urls = HashMap::new();
        let mut files = HashMap::new();
        for asset in &ASSETS {
            let digest = Sha256::digest(asset.body.as_bytes());
            let hash: String = digest[..5].iter().map(|byte| format!("{byte:02x}")).collect();
            let (stem, ext) = asset.name.rsplit_once('.').expect("asset names have an extension");
            let file = format!("{stem}.{hash}.{ext}");
            urls.insert(asset.name, format!("/static/{file}"));
            files.insert(file, asset);
        }
        Versioned { urls, files }
    })
}

/// The versioned URL of a static file, for templates: `url("style.css")`.
pub fn url(name: &str) -> &'static str {
    versioned().urls.get(name).map(String::as_str).unwrap_or("/static/missing")
}

/// `GET /static/{file}`.
pub async fn serve(Path(file): Path<String>) -> Response {
    let versioned = versioned();
    if let Some(asset) = versioned.files.get(&file) {
        return reply(asset, FOREVER);
    }
    // `style.<old hash>.css`: the same file under another version.
    let plain = match file.split('.').collect::<Vec<_>>()[..] {
        [stem, _hash, ext] => format!("{stem}.{ext}"),
        _ => file,
    };
    match ASSETS.iter().find(|asset| asset.name == plain) {
        Some(asset) => reply(asset, BRIEFLY),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn reply(asset: &'static Asset, cache: &'static str) -> Response {
    ([(header::CONTENT_TYPE, asset.content_type), (header::CACHE_CONTROL, cache)], asset.body).into_response()
}

/// Browsers ask for `/favicon.ico` on their own (and for JSON answers).
pub async fn favicon() -> Redirect {
    Redirect::permanent(url("icon.svg"))
}

/// Crawlers may read every page: without a session the pages behind sign-in
/// redirect to it, so there is nothing private to hide from them (and a page
/// blocked here would be one a search engine calls unreachable). The API
/// has nothing for them.
pub async fn robots() -> Response {
    let body = "User-agent: *\nDisallow: /api/\n";
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], body)
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_versioned_url_that_serves_it() {
        for asset in &ASSETS {
            let url = url(asset.name);
            let file = url.strip_prefix("/static/").unwrap();
            assert_ne!(file, asset.name, "the name carries a hash");
            assert!(std::ptr::eq(versioned().files[file], asset));
        }
    }
}
