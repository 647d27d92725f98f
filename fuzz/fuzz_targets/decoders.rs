//! Every response decoder (token, token list, self, org, sites, error bodies) on arbitrary
//! answers. Byte 0 picks the decoder and content type, bytes 1-2 the status, the rest is the body.
//! Properties: no panic; apart from the `detail` of a 400/422 (Mist's message for the admin), no
//! error text holds the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mist_token_core::fuzzing::{decode_response, Decoder};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Some((status, body)) = rest.split_at_checked(2) else {
        return;
    };
    let decoder = Decoder::ALL[usize::from(pick) % Decoder::ALL.len()];
    let content_type = ["application/json", "text/html", ""][usize::from(pick / 8) % 3];
    let status = 100 + u16::from_le_bytes([status[0], status[1]]) % 500;
    let out = decode_response(decoder, status, content_type, "", body);
    if status != 400 && status != 422 && body.len() >= 24 {
        if let Ok(text) = std::str::from_utf8(body) {
            for e in &out.errors {
                assert!(!e.contains(text), "an error echoed the body");
            }
        }
    }
});
