//! The one table: metric | app | baseline | ratio/delta | target | met?

use std::collections::BTreeMap;

const MIB: f64 = 1024.0 * 1024.0;

struct Table {
    rows: Vec<[String; 6]>,
}

impl Table {
    fn row(&mut self, cells: [&str; 6]) {
        self.rows.push(cells.map(str::to_string));
    }
}

fn yes_no(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "yes",
        Some(false) => "**no**",
        None => "–",
    }
}

pub fn print(files: &[String]) {
    let mut kv: BTreeMap<String, String> = BTreeMap::new();
    for f in files {
        let Ok(s) = std::fs::read_to_string(f) else {
            continue;
        };
        for line in s.lines() {
            if let Some((k, v)) = line.split_once('=') {
                if !k.is_empty() && !k.contains(' ') {
                    kv.insert(k.trim().to_string(), v.trim().to_string());
                }
            }
        }
    }
    let num = |k: &str| {
        kv.get(k)
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite())
    };
    let text = |k: &str| kv.get(k).cloned();
    let nm = "not measured";
    let ms = |v: Option<f64>| v.map_or(nm.to_string(), |v| format!("{v:.0} ms"));
    let mib = |v: Option<f64>| v.map_or(nm.to_string(), |v| format!("{:.1} MiB", v / MIB));
    let kib_mib = |v: Option<f64>| v.map(|v| v * 1024.0);

    let mut t = Table { rows: Vec::new() };
    let runs = num("app.runs").map_or(String::new(), |n| format!(", median of {n:.0}"));

    // 2. Cold start.
    let (a, b) = (num("app.start_ms"), num("baseline.start_ms"));
    let ratio = a.zip(b).map(|(a, b)| a / b);
    t.row([
        &format!(
            "Cold start: spawn → sign-in screen's first frame drawn (baseline: its page's){runs}"
        ),
        &ms(a),
        &ms(b),
        &ratio.map_or("–".into(), |r| format!("{r:.2}×")),
        "≤ 1.10×",
        yes_no(ratio.map(|r| r <= 1.10)),
    ]);
    // The same start-up up to the first screen in the DOM (no frame drawn yet), as each process
    // timed it plus the loader: close to what round one measured (its first IPC after mounting).
    let dom = |k: &str| {
        num(&format!("{k}.start_before_main_ms"))
            .zip(num(&format!("{k}.milestone.page_rendered_ms")))
            .map(|(a, b)| a + b)
    };
    let (a, b) = (dom("app"), dom("baseline"));
    let ratio = a.zip(b).map(|(a, b)| a / b);
    t.row([
        "Cold start: spawn → first screen in the DOM, styled and laid out (before its frame)",
        &ms(a),
        &ms(b),
        &ratio.map_or("–".into(), |r| format!("{r:.2}×")),
        "–",
        "–",
    ]);
    // 3. Memory.
    let (a, b) = (
        kib_mib(num("app.idle_pss_kib")),
        kib_mib(num("baseline.idle_pss_kib")),
    );
    let delta = a.zip(b).map(|(a, b)| a - b);
    t.row([
        "Memory idle on the sign-in screen, PSS (app + WebKit processes)",
        &mib(a),
        &mib(b),
        &delta.map_or("–".into(), |d| format!("{:+.1} MiB", d / MIB)),
        "≤ baseline + 20 MiB",
        yes_no(delta.map(|d| d <= 20.0 * MIB)),
    ]);
    let (a, b) = (
        kib_mib(num("app.idle_rss_kib")),
        kib_mib(num("baseline.idle_rss_kib")),
    );
    t.row([
        "Memory idle, RSS (counts shared libraries once per process)",
        &mib(a),
        &mib(b),
        &a.zip(b)
            .map_or("–".into(), |(a, b)| format!("{:+.1} MiB", (a - b) / MIB)),
        "(judged by PSS)",
        "–",
    ]);
    // The view renders the rows the screen needs (a screenful at first, up to a budget of 150 as
    // the admin scrolls) out of every token loaded.
    let rows = match (num("window.rows"), num("window.tokens_total")) {
        (Some(r), Some(t)) => format!("{t:.0} tokens ({r:.0} rows shown)"),
        (Some(r), None) => format!("{r:.0}"),
        _ => "2,000".into(),
    };
    let (l, wi) = (
        kib_mib(num("window.loaded_pss_kib")),
        kib_mib(num("window.idle_pss_kib")),
    );
    t.row([
        &format!("Memory with {rows} loaded, PSS (under WebDriver)"),
        &mib(l),
        &mib(kib_mib(num("baseline.idle_pss_kib"))),
        &l.zip(kib_mib(num("baseline.idle_pss_kib")))
            .map_or("–".into(), |(l, b)| {
                let vs_idle = wi.map_or(String::new(), |wi| {
                    format!(
                        " ({:+.1} MiB vs the app idle under WebDriver, {:.1} MiB)",
                        (l - wi) / MIB,
                        wi / MIB
                    )
                });
                format!("{:+.1} MiB vs baseline idle{vs_idle}", (l - b) / MIB)
            }),
        "≤ app idle + 30 MiB",
        yes_no(l.zip(wi).map(|(l, wi)| l - wi <= 30.0 * MIB)),
    ]);
    let sc = kib_mib(num("window.scrolled_pss_kib"));
    t.row([
        &format!(
            "Memory with the list scrolled to its end ({} rows shown), PSS",
            num("window.scrolled_rows").map_or("?".into(), |n| format!("{n:.0}"))
        ),
        &mib(sc),
        &mib(kib_mib(num("baseline.idle_pss_kib"))),
        &sc.zip(wi).map_or("–".into(), |(s, wi)| {
            format!("{:+.1} MiB vs the app idle under WebDriver", (s - wi) / MIB)
        }),
        "–",
        "–",
    ]);
    let lr = kib_mib(num("window.loaded_rss_kib"));
    t.row([
        &format!("Memory with {rows} loaded, RSS"),
        &mib(lr),
        &mib(kib_mib(num("baseline.idle_rss_kib"))),
        &lr.zip(kib_mib(num("baseline.idle_rss_kib")))
            .map_or("–".into(), |(l, b)| {
                format!("{:+.1} MiB vs baseline idle", (l - b) / MIB)
            }),
        "–",
        "–",
    ]);
    // 4. Size.
    let (a, b) = (num("app.binary_bytes"), num("baseline.binary_bytes"));
    let delta = a.zip(b).map(|(a, b)| a - b);
    t.row([
        "Release binary, stripped",
        &mib(a),
        &mib(b),
        &delta.map_or("–".into(), |d| format!("{:+.1} MiB", d / MIB)),
        "≤ baseline + 6 MiB",
        yes_no(delta.map(|d| d <= 6.0 * MIB)),
    ]);
    let (a, b) = (num("app.deb_bytes"), num("baseline.deb_bytes"));
    t.row([
        ".deb package",
        &mib(a),
        &b.map_or(text("baseline.deb_note").unwrap_or(nm.into()), |b| {
            mib(Some(b))
        }),
        &a.zip(b)
            .map_or("–".into(), |(a, b)| format!("{:+.1} MiB", (a - b) / MIB)),
        "–",
        "–",
    ]);
    // 5. List speed. Password sign-in at 100 ms per request over HTTP/2: target 4 round trips +
    // 100 ms (login, /self, the inventory's one wave, and one to spare; 100 ms to paint).
    let lat = num("window.signin_latency_ms");
    let signin = num("window.signin_to_rows_ms");
    let signin_target = lat.map(|l| 4.0 * l + 100.0);
    let conns = num("window.signin_connections").map_or(String::new(), |c| {
        format!(
            ", {c:.0} connection set-ups, {} requests ({} over HTTP/2)",
            num("window.signin_requests").map_or("?".into(), |v| format!("{v:.0}")),
            num("window.signin_http2_requests").map_or("?".into(), |v| format!("{v:.0}"))
        )
    });
    let first = num("window.signin_first_rows").map_or(String::new(), |n| {
        format!(" (the first {n:.0} rows, a screenful and more)")
    });
    t.row([
        &format!(
            "Password sign-in → {rows} painted{first}: click “Sign in” → rows and a frame{}",
            lat.map_or(String::new(), |l| format!(
                ", {l:.0} ms latency per request, HTTP/2, connection warmed while typing"
            ))
        ),
        &format!("{}{conns}", ms(signin)),
        "–",
        "–",
        &signin_target.map_or("–".into(), |t| format!("≤ 4 RTT + 100 ms = {t:.0} ms")),
        yes_no(signin.zip(signin_target).map(|(s, t)| s <= t)),
    ]);
    t.row([
        &format!("Password sign-in → the list of {rows} settled (grown as far as the screen needs) and a frame, same run"),
        &ms(num("window.signin_to_all_rows_ms")),
        "–",
        "–",
        "–",
        "–",
    ]);
    let view = num("window.view_ms");
    let ipc = num("window.inventory_ipc_ms");
    let render = num("window.render_only_ms");
    t.row([
        &format!("Token view: open → {rows} painted (first rows and a frame; settled: {}), incl. the inventory fetch", ms(num("window.view_all_rows_ms"))),
        &ms(view),
        "–",
        "–",
        "–",
        "–",
    ]);
    t.row([
        "`inventory` command alone (IPC + 102 requests to the simulator, no latency)",
        &ms(ipc),
        "–",
        "–",
        "–",
        "–",
    ]);
    t.row([
        &format!("Token view render of {rows} (view − inventory)"),
        &ms(render),
        "–",
        "–",
        "< 150 ms",
        yes_no(render.map(|r| r < 150.0)),
    ]);
    let keys = num("window.filter_keystrokes")
        .map_or(String::new(), |n| format!(", median of {n:.0} keystrokes"));
    let filter_rows = [
        (
            "window.filter",
            format!("Filter: keystroke → list updated and next frame run{keys}"),
        ),
        (
            "window.filter_scrolled",
            "Filter, the same keystrokes after scrolling to the end of the list (grown to its budget)".into(),
        ),
    ];
    for (key, label) in filter_rows {
        let (f, fmax) = (
            num(&format!("{key}_frame_ms")),
            num(&format!("{key}_frame_ms.max")),
        );
        t.row([
            &label,
            &f.map_or(nm.into(), |f| {
                format!("{f:.1} ms (max {:.1})", fmax.unwrap_or(f64::NAN))
            }),
            "–",
            "–",
            "≤ 16.7 ms median, worst ≤ 33 ms",
            yes_no(f.zip(fmax).map(|(f, m)| f <= 16.7 && m <= 33.0)),
        ]);
    }
    let (w, wmax) = (
        num("window.filter_layout_ms"),
        num("window.filter_layout_ms.max"),
    );
    t.row([
        "Filter: keystroke → DOM updated and laid out (the work, without waiting for the frame)",
        &w.map_or(nm.into(), |w| {
            format!("{w:.1} ms (max {:.1})", wmax.unwrap_or(f64::NAN))
        }),
        "–",
        "–",
        "–",
        "–",
    ]);
    // 6. Backend benchmarks (examples/bench_inventory.rs, keys prefixed with "inventory.").
    let inv = |k: &str| num(&format!("inventory.{k}"));
    let build = text("inventory_build").map_or(String::new(), |b| format!(" {b}"));
    if kv.keys().any(|k| k.starts_with("inventory.")) {
        let reqs = |k: &str| inv(k).map_or(String::new(), |r| format!(", {r:.0} requests"));
        let (c, q) = (
            inv("inventory_concurrent_ms"),
            inv("inventory_sequential_ms"),
        );
        t.row([
            &format!(
                "Inventory of {} orgs, {} tokens, 100 ms latency{build}: app = concurrent, baseline column = one org after another",
                inv("inventory_orgs").map_or("100".into(), |v| format!("{v:.0}")),
                inv("inventory_tokens").map_or("2,000".into(), |v| format!("{v:.0}")),
            ),
            &format!("{}{}", ms(c), reqs("inventory_concurrent_requests")),
            &format!("{}{}", ms(q), reqs("inventory_sequential_requests")),
            &inv("inventory_speedup").map_or("–".into(), |x| format!("{x:.1}× faster")),
            "–",
            "–",
        ]);
        let proto = |p: &str, what: &str, target: &str, met: Option<bool>, t: &mut Table| {
            let k = |x: &str| inv(&format!("{p}.{x}"));
            let Some(v) = k("inventory_ms") else {
                return;
            };
            t.row([
                &format!(
                    "Inventory of {} orgs, 100 ms latency{build}, {what}",
                    inv("inventory_orgs").map_or("102".into(), |v| format!("{v:.0}"))
                ),
                &format!(
                    "{}, {} requests, at most {} at once, {} connection set-ups after the warm-up's {}",
                    ms(Some(v)),
                    k("inventory_requests").map_or("?".into(), |v| format!("{v:.0}")),
                    k("inventory_max_in_flight").map_or("?".into(), |v| format!("{v:.0}")),
                    k("connections").map_or("?".into(), |v| format!("{:.0}", v - k("warmup_connections").unwrap_or(0.0))),
                    k("warmup_connections").map_or("?".into(), |v| format!("{v:.0}")),
                ),
                "–",
                &k("waves").map_or("–".into(), |w| {
                    format!("{w:.0} wave{} of 100 ms", if w == 1.0 { "" } else { "s" })
                }),
                target,
                yes_no(met),
            ]);
        };
        let h1 = |x: &str| inv(&format!("http1.{x}"));
        proto(
            "http1",
            &format!(
                "HTTP/1.1, at most {} connections",
                h1("bound").map_or("?".into(), |v| format!("{v:.0}"))
            ),
            "(the bound, not the time)",
            None,
            &mut t,
        );
        let h2 = inv("http2.inventory_ms");
        proto(
            "http2",
            "HTTP/2 (h2c, prior knowledge), one connection",
            "≤ 250 ms",
            h2.map(|v| v <= 250.0),
            &mut t,
        );
        t.row([
            &format!("Sign-in with a password, 100 ms latency{build}"),
            &format!("{}{}", ms(inv("signin_ms")), reqs("signin_requests")),
            "–",
            "–",
            "–",
            "–",
        ]);
        let n = inv("detect_clouds").map_or("13".into(), |v| format!("{v:.0}"));
        t.row([
            &format!("Cloud auto-detect over {n} clouds, 100 ms latency{build}: by email"),
            &ms(inv("detect_email_ms")),
            "–",
            "–",
            "–",
            "–",
        ]);
        t.row([
            &format!(
                "Cloud auto-detect over {n} clouds, 100 ms latency{build}: sign-in with a token"
            ),
            &ms(inv("detect_token_signin_ms")),
            "–",
            "–",
            "–",
            "–",
        ]);
    } else {
        let why = text("inventory_note")
            .unwrap_or_else(|| "examples/bench_inventory.rs does not exist".into());
        for m in [
            "Inventory of 100 orgs × 20 tokens at 100 ms latency (concurrent vs one org after another, requests)",
            "Cloud auto-detect over 13 clouds at 100 ms latency",
        ] {
            t.row([m, &format!("**not measured**: {why}"), "–", "–", "–", "–"]);
        }
    }

    // 7. The token lifecycle (examples/bench_lifecycle.rs, keys prefixed with "lifecycle.").
    let life = |k: &str| num(&format!("lifecycle.{k}"));
    let size = format!(
        "{} orgs, {} tokens",
        life("orgs").map_or("102".into(), |v| format!("{v:.0}")),
        life("tokens").map_or("2,007".into(), |v| format!("{v:.0}")),
    );
    let ms2 = |v: Option<f64>| v.map_or(nm.to_string(), |v| format!("{v:.1} ms"));
    let why = text("lifecycle_note")
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    for (metric, key, target, limit) in [
        ("Health marks", "health_ms", "< 20 ms", 20.0),
        (
            "Marked inventory (health, Saved, rotations, saved keys)",
            "marked_ms",
            "–",
            f64::NAN,
        ),
        ("Export as CSV", "export_csv_ms", "< 200 ms", 200.0),
        ("Export as JSON", "export_json_ms", "< 200 ms", 200.0),
    ] {
        let v = life(key);
        t.row([
            &format!("{metric}, {size} (dev build, median of 21){why}"),
            &ms2(v),
            "–",
            "–",
            target,
            if limit.is_nan() {
                "–"
            } else {
                yes_no(v.map(|v| v < limit))
            },
        ]);
    }

    // Print.
    if let Some(m) = text("machine.summary") {
        println!("Machine: {m}\n");
    }
    println!("| metric | app | baseline | ratio / delta | target | met? |");
    println!("|---|---|---|---|---|---|");
    for r in &t.rows {
        println!("| {} |", r.join(" | "));
    }
    let notes: Vec<String> = [
        "app.idle_processes",
        "baseline.idle_processes",
        "window.idle_processes",
        "window.loaded_processes",
        "window.scrolled_processes",
    ]
    .iter()
    .filter_map(|k| text(k).map(|v| format!("- PSS by process (MiB), {k}: {v}")))
    .collect();
    if !notes.is_empty() {
        println!();
        for n in notes {
            println!("{n}");
        }
    }
    // The start-up timeline, app against baseline: both processes print the same milestones,
    // the page's ones included (sent with the ready call, on the process's clock).
    let v = |k: &str| num(k).map_or("–".into(), |v| format!("{v:.0}"));
    if num("app.start_ms").is_some() {
        println!();
        println!("Start-up timeline (medians of the cold starts above, ms since the process entered `main`; the page's lines are its own Performance marks, sent with the ready call):");
        println!();
        println!("| step | app | baseline |");
        println!("|---|---|---|");
        println!(
            "| spawn → `main` (loader) | {} | {} |",
            v("app.start_before_main_ms"),
            v("baseline.start_before_main_ms")
        );
        let rows: [(&str, &str); 9] = [
            ("built (plugins initialised, event loop made)", "built"),
            ("setup (the window and its web view created)", "setup"),
            ("page: navigation start", "page_navigation_start"),
            ("page: document received", "page_document_received"),
            (
                "page: bundle parsed and run (`mtm:bundle-run`)",
                "page_bundle_run",
            ),
            ("page: Svelte mounted (`mtm:mounted`)", "page_mounted"),
            (
                "page: first screen in the DOM, styled and laid out (`mtm:rendered`)",
                "page_rendered",
            ),
            ("page: its first frame drawn (`mtm:ready`)", "page_ready"),
            ("ready line printed (the ready call answered)", "ui_ready"),
        ];
        for (label, key) in rows {
            println!(
                "| {label} | {} | {} |",
                v(&format!("app.milestone.{key}_ms")),
                v(&format!("baseline.milestone.{key}_ms"))
            );
        }
        println!(
            "| spawn → ready | {} | {} |",
            v("app.start_ms"),
            v("baseline.start_ms")
        );
        println!();
    }
    if let Some(s) = text("window.filter_steps(dom/layout/frame)") {
        println!("- Filter keystrokes (value: rows / DOM / layout / frame): {s}");
    }
    if let Some(s) = text("window.filter_scrolled_steps(dom/layout/frame)") {
        println!("- The same after scrolling to the end of the list: {s}");
    }
    if let (Some(dom), Some(view)) = (num("window.view_dom_ms"), num("window.view_ms")) {
        println!("- Token view: the rows are in the DOM {dom:.0} ms after the click, painted at {view:.0} ms (the rest is style, layout and paint)");
    }
    if let (Some(a), Some(b)) = (num("app.start_self_ms"), num("baseline.start_self_ms")) {
        println!("- Start-up as each process reports it (from `main` to ready): app {a:.0} ms, baseline {b:.0} ms");
    }
    let cmd = |k: &str| num(k).map_or("?".into(), |v| format!("{v:.0} ms"));
    if kv.contains_key("window.cmd_restore_session_ms") {
        println!(
            "- From the app's page (under WebDriver): `restore_session` (keychain lookup) {}, `list_clouds` {}; DOMContentLoaded {} and load {} after navigation start",
            cmd("window.cmd_restore_session_ms"),
            cmd("window.cmd_list_clouds_ms"),
            cmd("window.page_dom_content_loaded_ms"),
            cmd("window.page_load_ms")
        );
    }
    for k in [
        "app.start_ms.runs",
        "baseline.start_ms.runs",
        "window.view_ms.runs",
        "window.inventory_ipc_ms.runs",
    ] {
        if let Some(v) = text(k) {
            println!("- {k}: {v}");
        }
    }
}
