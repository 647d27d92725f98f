//! The cookie parser on arbitrary `Set-Cookie` headers (one per line; byte 0 says whether each
//! comes in its own response). Properties: no panic; a session exists only if some header named
//! a `sessionid*` cookie; the CSRF header is one of the values set.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mist_token_core::fuzzing::parse_set_cookies;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let values: Vec<Vec<u8>> = rest.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let c = parse_set_cookies(&values, mode & 1 == 1);
    if c.has_session {
        assert!(rest.windows(9).any(|w| w == b"sessionid"));
    }
    if let Some(csrf) = &c.csrf_header {
        assert!(rest.windows(csrf.len()).any(|w| w == csrf.as_bytes()));
    }
});
