//! The TypeScript side of the IPC contract, generated from the Rust types with ts-rs into
//! `ui/src/lib/bindings.ts` (checked in). The test below fails when that file is stale; run
//! `MTM_UPDATE_BINDINGS=1 cargo test -p mist-token-core bindings` to write it again.

use ts_rs::{Config, TS};

use crate::error::{ErrorBody, ErrorKind};
use crate::flows::CreatedToken;
use crate::mist::*;
use crate::secrets::{
    CopyResult, KeyStatus, RevealedKey, SavedKey, SavedKeyList, SlotHandle, SlotStatus,
};

/// Where the generated file lives, relative to this crate.
pub const BINDINGS_PATH: &str = "../../ui/src/lib/bindings.ts";

/// The TypeScript names declared so far, and the names each declaration refers to.
#[derive(Default)]
struct Declared {
    names: Vec<String>,
    refs: Vec<(String, String)>,
}

thread_local! {
    static DECLARED: std::cell::RefCell<Declared> = std::cell::RefCell::new(Declared::default());
}

fn decl<T: TS + 'static + ?Sized>(cfg: &Config, out: &mut String) {
    DECLARED.with(|d| {
        let mut d = d.borrow_mut();
        d.names.push(T::ident(cfg));
        for dep in T::dependencies(cfg) {
            d.refs.push((T::ident(cfg), dep.ts_name));
        }
    });
    if let Some(docs) = T::docs() {
        out.push_str(&docs);
    }
    out.push_str("export ");
    out.push_str(&T::decl(cfg));
    out.push_str("\n\n");
}

/// The whole generated file: every type the commands take or return, and the runtime list of
/// error kinds.
pub fn typescript() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types by ts-rs (crates/core/src/bindings.rs). Do not edit:\n\
         // run `MTM_UPDATE_BINDINGS=1 cargo test -p mist-token-core bindings` after changing them.\n\n",
    );
    let o = &mut out;
    decl::<ErrorKind>(&cfg, o);
    decl::<ErrorBody>(&cfg, o);
    decl::<CloudInfo>(&cfg, o);
    decl::<CloudMatch>(&cfg, o);
    decl::<EmailLookup>(&cfg, o);
    decl::<Privilege>(&cfg, o);
    decl::<IdentityKind>(&cfg, o);
    decl::<Identity>(&cfg, o);
    decl::<OrgInfo>(&cfg, o);
    decl::<SignInMethod>(&cfg, o);
    decl::<SessionInfo>(&cfg, o);
    decl::<SignInResult>(&cfg, o);
    decl::<Site>(&cfg, o);
    decl::<OrgDetails>(&cfg, o);
    decl::<TokenKind>(&cfg, o);
    decl::<RemovalRisk>(&cfg, o);
    decl::<KeyHint>(&cfg, o);
    decl::<HealthReason>(&cfg, o);
    decl::<HealthMark>(&cfg, o);
    decl::<RotationRole>(&cfg, o);
    decl::<RotationMark>(&cfg, o);
    decl::<TokenView>(&cfg, o);
    decl::<OrgTokens>(&cfg, o);
    decl::<SavedTokenState>(&cfg, o);
    decl::<SavedKeyToken>(&cfg, o);
    decl::<Inventory>(&cfg, o);
    decl::<QuotaOwner>(&cfg, o);
    decl::<ApiUsage>(&cfg, o);
    decl::<PrivilegeInput>(&cfg, o);
    decl::<KeyTest>(&cfg, o);
    decl::<SlotHandle>(&cfg, o);
    decl::<SlotStatus>(&cfg, o);
    decl::<RevealedKey>(&cfg, o);
    decl::<CreatedToken>(&cfg, o);
    decl::<CopyResult>(&cfg, o);
    decl::<KeyStatus>(&cfg, o);
    decl::<crate::secrets::index::IndexRow>(&cfg, o);
    decl::<SavedKey>(&cfg, o);
    decl::<crate::secrets::vault::IndexNotice>(&cfg, o);
    decl::<SavedKeyList>(&cfg, o);
    decl::<crate::usage::UsageExample>(&cfg, o);
    decl::<crate::usage::UsageExamples>(&cfg, o);
    decl::<crate::diagnostics::Diagnostics>(&cfg, o);
    decl::<crate::updates::InstallKind>(&cfg, o);
    decl::<crate::updates::UpdateSettings>(&cfg, o);
    decl::<crate::updates::AvailableUpdate>(&cfg, o);
    decl::<crate::updates::UpdateCheck>(&cfg, o);
    decl::<crate::updates::UpdateInstalled>(&cfg, o);
    decl::<crate::secrets::rotations::PendingRotation>(&cfg, o);
    decl::<crate::lifecycle::RotationStarted>(&cfg, o);
    decl::<crate::lifecycle::RotationFinished>(&cfg, o);
    decl::<crate::lifecycle::KeepAlive>(&cfg, o);
    decl::<crate::export::ExportFormat>(&cfg, o);
    decl::<crate::export::ExportSummary>(&cfg, o);
    let kinds: Vec<String> = ErrorKind::ALL
        .iter()
        .map(|k| format!("  '{}',", k.as_str()))
        .collect();
    out.push_str(&format!(
        "/** Every error kind, in the backend's order. */\nexport const ERROR_KINDS: readonly ErrorKind[] = [\n{}\n] as const;\n",
        kinds.join("\n")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    #[test]
    fn bindings_are_generated_and_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        let fresh = typescript();
        if std::env::var_os("MTM_UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == fresh,
            "ui/src/lib/bindings.ts is stale: run `MTM_UPDATE_BINDINGS=1 cargo test -p \
             mist-token-core bindings` and commit the result"
        );
    }

    /// Every type a declaration refers to is declared in the file too (a type added to the IPC
    /// but not to the list above would otherwise be an unknown name in TypeScript).
    #[test]
    fn bindings_declare_every_type_they_refer_to() {
        DECLARED.with(|d| *d.borrow_mut() = Declared::default());
        let _ = typescript();
        DECLARED.with(|d| {
            let d = d.borrow();
            for (from, to) in &d.refs {
                assert!(
                    d.names.contains(to),
                    "{from} refers to {to}, which bindings.rs does not declare"
                );
            }
        });
    }

    /// The two hand-written `Serialize` impls (they expose a secret or flatten an enum) match
    /// the generated types: the same field names, optional fields absent rather than null.
    #[test]
    fn bindings_match_the_hand_written_serializers() {
        let cfg = Config::new().with_large_int("number");
        let v = serde_json::to_value(RevealedKey {
            key: SecretString::from("k".to_string()),
        })
        .unwrap();
        assert_eq!(v, serde_json::json!({"key": "k"}));
        assert_eq!(RevealedKey::inline(&cfg), "{ key: string, }");

        let ts = ErrorBody::inline(&cfg);
        for (e, fields) in [
            (crate::Error::NotSignedIn, vec!["kind", "message"]),
            (
                crate::Error::invalid("name", "Enter a name."),
                vec!["kind", "message", "field"],
            ),
            (
                crate::Error::RateLimited {
                    message: "Wait.".into(),
                    retry_after_s: Some(3),
                },
                vec!["kind", "message", "retry_after_s"],
            ),
            (
                crate::Error::CreateUnconfirmed {
                    message: "Lost.".into(),
                    token_id: Some("t".into()),
                },
                vec!["kind", "message", "token_id"],
            ),
        ] {
            let v = serde_json::to_value(&e).unwrap();
            let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
            let mut want = fields.clone();
            want.sort();
            let mut got = keys.clone();
            got.sort();
            assert_eq!(got, want, "{e:?}");
            for k in keys {
                assert!(ts.contains(k), "{k} is not in the generated AppError");
            }
            assert_eq!(v["kind"], e.kind().as_str());
        }
        // Every kind the enum can produce is in the generated runtime list, and nothing else.
        let generated = typescript();
        for k in ErrorKind::ALL {
            assert!(generated.contains(&format!("'{}',", k.as_str())));
        }
    }
}
