//! Every token the admin can see, in one call, fetched concurrently with a bound.

use futures::stream::{self, StreamExt};

use super::auth::Session;
use super::http::Http;
use super::model::{Inventory, OrgTokens};
use super::tokens::list_raw;
use super::views::{now, org_view, user_view};
use crate::{Error, Result};

/// At most this many orgs' requests in flight over HTTP/1.1 (the admin's own tokens go beside
/// them), where each one needs a connection (a TCP and
/// TLS set-up at Mist's load balancer, or at a company proxy that inspects traffic, the usual
/// reason for HTTP/1.1 at all). How many parallel connections Mist tolerates is not documented;
/// browsers open 6 per host, and per-address connection limits in front of web services are
/// commonly a few dozen. 16 stays well below those while an MSP admin's 102 orgs (+ their own
/// tokens: 103 requests) still take 7 waves, not 103. The request count, and so Mist's hourly
/// quota of 5,000 calls (103 is about 2 % of it), does not depend on the bound.
pub const MAX_IN_FLIGHT_HTTP1: usize = 16;

/// At most this many requests in flight over HTTP/2, where they share one connection as streams:
/// all 103 of the example go in one wave. The server still decides, with its
/// SETTINGS_MAX_CONCURRENT_STREAMS (nginx and most load balancers: 128; more wait in hyper's
/// queue), and connection-level flow control paces the answers, so this adds no connection at all.
pub const MAX_IN_FLIGHT_HTTP2: usize = 128;

/// The bound for a cloud whose last answer came over HTTP/2 (`multiplexed`) or HTTP/1.1.
pub fn in_flight_bound(multiplexed: bool) -> usize {
    if multiplexed {
        MAX_IN_FLIGHT_HTTP2
    } else {
        MAX_IN_FLIGHT_HTTP1
    }
}

/// The admin's own user tokens and every reachable org's tokens. A failure in one org (a 403 for a
/// read-only admin) lands in that org's `error`; only a session that ended fails the whole call.
pub(crate) async fn inventory(http: &Http, s: &Session) -> Result<Inventory> {
    let t = now();
    let user = async {
        if s.info.identity.kind == super::model::IdentityKind::User {
            Some(list_raw(http, s, None).await)
        } else {
            None
        }
    };
    // The futures are built first (not in a stream closure) so the whole future stays `Send`.
    let calls: Vec<_> = s
        .info
        .orgs
        .iter()
        .enumerate()
        .map(|(i, org)| async move { (i, org.clone(), list_raw(http, s, Some(&org.id)).await) })
        .collect();
    let orgs = async {
        let mut out = Vec::with_capacity(calls.len());
        // The sign-in's own requests went to this cloud just before: their version is known.
        let bound = in_flight_bound(http.multiplexes(s.base()));
        let mut running = stream::iter(calls).buffer_unordered(bound);
        while let Some(r) = running.next().await {
            out.push(r);
        }
        out
    };
    let (user, mut orgs) = futures::join!(user, orgs);
    orgs.sort_by_key(|(i, _, _)| *i);

    let session_ended = |e: &Error| matches!(e, Error::Unauthorized(_));
    if let Some(Err(e)) = &user {
        if session_ended(e) {
            return Err(e.clone());
        }
    }
    if let Some((_, _, Err(e))) = orgs
        .iter()
        .find(|(_, _, r)| r.as_ref().is_err_and(session_ended))
    {
        // An org token limited to other source IPs may also get 401 for one org only; a user
        // session that gets 401 everywhere has ended.
        if orgs.iter().all(|(_, _, r)| r.is_err()) && !matches!(user, Some(Ok(_))) {
            return Err(e.clone());
        }
    }

    let (user_tokens, user_tokens_error) = match user {
        None => (None, None),
        Some(Ok(list)) => (
            Some(list.iter().map(|r| user_view(r, s, t)).collect()),
            None,
        ),
        Some(Err(e)) => (None, Some(e)),
    };
    let orgs = orgs
        .into_iter()
        .map(|(_, org, r)| match r {
            Ok(list) => OrgTokens {
                tokens: Some(list.iter().map(|raw| org_view(raw, &org, s, t)).collect()),
                org,
                error: None,
            },
            Err(e) => OrgTokens {
                org,
                tokens: None,
                error: Some(e),
            },
        })
        .collect();
    Ok(Inventory {
        user_tokens,
        user_tokens_error,
        orgs,
        fetched_at: t,
        attention: 0,
        saved_keys: Vec::new(),
    })
}
