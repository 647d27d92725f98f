//! Export of the inventory as CSV or JSON (chosen by the file's extension). Each row: name,
//! kind, org, access in words, source IPs, created, created by, last used, days left, health
//! reasons and the key hint. No key is ever in it: the inventory holds hints only.
//!
//! CSV cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return get a leading `'`,
//! so a token name can never become a spreadsheet formula.

use std::path::Path;

use serde::Serialize;

use crate::mist::{Inventory, TokenKind, TokenView};
use crate::{Error, Result};

/// The test knob: a path that replaces the save dialog (tests only, like the clipboard delay).
pub const EXPORT_PATH_ENV: &str = "MIST_TOKEN_MANAGER_EXPORT_PATH";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    /// By the file's extension: `.csv` or `.json` (any case).
    pub fn of_path(path: &Path) -> Result<Self> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(Self::Csv),
            Some("json") => Ok(Self::Json),
            _ => Err(Error::invalid(
                "path",
                "Choose a file name that ends in .csv (for a spreadsheet) or .json.",
            )),
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ExportSummary {
    pub path: String,
    pub format: ExportFormat,
    pub rows: usize,
}

/// One exported token.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ExportRow {
    pub name: String,
    pub kind: TokenKind,
    pub org: String,
    pub access: String,
    pub source_ips: Vec<String>,
    pub created: String,
    pub created_by: String,
    pub last_used: String,
    pub days_left: i64,
    pub health: Vec<String>,
    pub key_hint: String,
}

/// "2026-12-01 18:30 UTC"
pub fn utc(epoch: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_else(|| epoch.to_string())
}

fn row(t: &TokenView) -> ExportRow {
    ExportRow {
        name: t.name.clone(),
        kind: t.kind,
        org: t.org_name.clone().unwrap_or_default(),
        access: t.access_summary.clone(),
        source_ips: t.src_ips.clone(),
        created: if t.created_time > 0 {
            utc(t.created_time)
        } else {
            String::new()
        },
        created_by: t.created_by.clone().unwrap_or_default(),
        last_used: t.last_used.map(utc).unwrap_or_else(|| "never".into()),
        days_left: t.days_until_removal,
        health: t.health.iter().map(|m| m.text.clone()).collect(),
        key_hint: t.key_hint.to_string(),
    }
}

/// Every token of the inventory, user tokens first, then each organization's.
pub fn rows(inv: &Inventory) -> Vec<ExportRow> {
    inv.user_tokens
        .iter()
        .flatten()
        .chain(inv.orgs.iter().filter_map(|o| o.tokens.as_ref()).flatten())
        .map(row)
        .collect()
}

/// A CSV cell: quoted when needed, and defused when a spreadsheet would read it as a formula.
fn cell(out: &mut String, v: &str) {
    let defuse = v.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = defuse || v.contains([',', '"', '\n', '\r']) || v.starts_with(' ');
    if quote {
        out.push('"');
    }
    if defuse {
        out.push('\'');
    }
    for c in v.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

const HEADER: [&str; 11] = [
    "name",
    "kind",
    "org",
    "access",
    "source_ips",
    "created",
    "created_by",
    "last_used",
    "days_left",
    "health",
    "key_hint",
];

/// The rows as CSV (RFC 4180, CRLF line ends, a header line).
pub fn to_csv(rows: &[ExportRow]) -> String {
    let mut out = String::with_capacity(rows.len() * 200 + 128);
    out.push_str(&HEADER.join(","));
    out.push_str("\r\n");
    for r in rows {
        let cells = [
            r.name.as_str(),
            r.kind.as_str(),
            r.org.as_str(),
            r.access.as_str(),
            &r.source_ips.join(" "),
            r.created.as_str(),
            r.created_by.as_str(),
            r.last_used.as_str(),
            &r.days_left.to_string(),
            &r.health.join("; "),
            r.key_hint.as_str(),
        ];
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            cell(&mut out, c);
        }
        out.push_str("\r\n");
    }
    out
}

/// The rows as a JSON document: `{"exported_at", "tokens": [...]}`.
pub fn to_json(rows: &[ExportRow], exported_at: i64) -> Result<String> {
    serde_json::to_string_pretty(&serde_json::json!({
        "exported_at": utc(exported_at),
        "tokens": rows,
    }))
    .map_err(|e| Error::Internal(format!("Could not write the export: {e}")))
}

/// Writes the inventory to `path` (replacing it atomically), in the format its extension names.
pub fn write(inv: &Inventory, path: &Path) -> Result<ExportSummary> {
    let format = ExportFormat::of_path(path)?;
    let rows = rows(inv);
    let text = match format {
        ExportFormat::Csv => to_csv(&rows),
        ExportFormat::Json => to_json(&rows, crate::mist::views::now())?,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".mist-export-{}.tmp",
        uuid::Uuid::new_v4().simple()
    ));
    let result = std::fs::write(&tmp, text.as_bytes()).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::Internal(format!(
            "Could not write the export to {}: {e}. Choose a folder you can write to.",
            path.display()
        )));
    }
    Ok(ExportSummary {
        path: path.display().to_string(),
        format,
        rows: rows.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_csv_defuses_formulas_and_quotes() {
        let mut out = String::new();
        for v in [
            "=HYPERLINK(\"x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "a,b",
            "plain",
        ] {
            cell(&mut out, v);
            out.push('|');
        }
        assert_eq!(
            out,
            "\"'=HYPERLINK(\"\"x\"\")\"|\"'+1\"|\"'-2\"|\"'@SUM(A1)\"|\"'\tx\"|\"'\rx\"|\"a,b\"|plain|"
        );
    }

    #[test]
    fn export_format_by_extension() {
        assert_eq!(
            ExportFormat::of_path(Path::new("a.CSV")).unwrap(),
            ExportFormat::Csv
        );
        assert_eq!(
            ExportFormat::of_path(Path::new("/x/a.json")).unwrap(),
            ExportFormat::Json
        );
        let e = ExportFormat::of_path(Path::new("a.txt")).unwrap_err();
        assert_eq!(e.kind(), "invalid_input");
        assert!(e.to_string().contains(".csv"));
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
    }
}
