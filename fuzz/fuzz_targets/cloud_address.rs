//! The cloud address parser (`normalize_endpoint`, `resolve`) on arbitrary text. Properties: no
//! panic; an accepted address is https (http only for this computer) and normalizes to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mist_token_core::mist::clouds::{builtin_clouds, normalize_endpoint, resolve};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let _ = resolve(input, &builtin_clouds());
    if let Ok(url) = normalize_endpoint(input) {
        assert!(url.starts_with("https://") || url.starts_with("http://"));
        assert_eq!(normalize_endpoint(&url).as_deref(), Ok(url.as_str()));
    }
});
