//! The `src_ips` validator on arbitrary comma-separated lists. Properties: no panic; whatever it
//! accepts, Mist's rules accept (at most 10 entries, each an IP address or CIDR, checked by an
//! independent parser).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mist_token_core::fuzzing::mist_accepts_ip_or_cidr;
use mist_token_core::mist::validate::validate_src_ips;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let ips: Vec<String> = input.split(',').map(str::to_string).collect();
    if let Ok(accepted) = validate_src_ips(&ips) {
        assert!(accepted.len() <= 10);
        for ip in &accepted {
            assert!(mist_accepts_ip_or_cidr(ip), "accepted {ip:?}");
        }
    }
});
