//! The collected figures: rows of medians and ratios, printed as a markdown table or JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::calls::Sizes;
use crate::contenders::Which;
use crate::machine::Machine;
use crate::stats::median;

/// A row's unit; every row but req/s is "lower is better".
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Unit {
    /// Microseconds.
    Micros,
    /// Nanoseconds.
    Nanos,
    /// Requests per second.
    PerSecond,
    /// Mebibytes.
    Mebibytes,
}

/// Row definitions, in table order: key, label, short label for the chart (per-call CPU
/// rows only), unit.
pub(crate) const ROWS: [(&str, &str, Option<&str>, Unit); 12] = [
    ("sqs_send_message", "SQS SendMessage (JSON 1.0)", Some("SQS SendMessage"), Unit::Micros),
    ("s3_get_object", "S3 GetObject 1 KiB (body read)", Some("S3 GetObject 1 KiB"), Unit::Micros),
    ("s3_put_object", "S3 PutObject 1 KiB", Some("S3 PutObject 1 KiB"), Unit::Micros),
    (
        "s3_list_objects_v2",
        "S3 ListObjectsV2 100 keys (floor: byte count; middle: quick-xml events for keys, sizes, ETags; ours: typed output)",
        Some("ListObjectsV2 100 keys"),
        Unit::Micros,
    ),
    (
        "concurrent_cpu",
        "64 tasks on one client, 2 workers: client CPU per call",
        Some("64 tasks, 2 workers"),
        Unit::Micros,
    ),
    ("concurrent_rps", "64 tasks: req/s (the server shares the cores)", None, Unit::PerSecond),
    ("first_sqs_client", "first SQS client in a process", None, Unit::Micros),
    ("first_s3_client", "first S3 client in a process", None, Unit::Micros),
    ("next_sqs_client", "next SQS client (median of 1,000)", None, Unit::Micros),
    ("next_s3_client", "next S3 client (median of 1,000)", None, Unit::Micros),
    ("client_clone", "client clone (SQS; S3 in the JSON)", None, Unit::Nanos),
    ("peak_rss", "peak RSS of the process (the per-call process)", None, Unit::Mebibytes),
];

/// Per-round values of every row and contender, filled as the rounds run.
#[derive(Debug, Default)]
pub(crate) struct Samples(BTreeMap<&'static str, [Vec<f64>; 3]>);

impl Samples {
    /// Records one round's value of `row` for `which`.
    pub(crate) fn push(&mut self, row: &'static str, which: Which, value: f64) {
        let slot = Which::ALL.iter().position(|w| *w == which).unwrap_or(0);
        self.0.entry(row).or_default()[slot].push(value);
    }
}

/// One contender's figure in a row.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Cell {
    /// `raw`, `signed` or `ours`.
    pub(crate) contender: &'static str,
    /// Median over the rounds.
    pub(crate) median: f64,
    /// Median of the per-round ratios to the floor (none for the floor itself).
    pub(crate) ratio: Option<f64>,
    /// Every round's value.
    pub(crate) rounds: Vec<f64>,
}

/// A row of the table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Row {
    /// Stable name for JSON readers.
    pub(crate) key: &'static str,
    /// The table's label.
    pub(crate) label: &'static str,
    /// The chart's label, for the per-call CPU rows.
    pub(crate) chart_label: Option<&'static str>,
    /// Unit of every cell.
    pub(crate) unit: Unit,
    /// Floor, middle, ours.
    pub(crate) cells: Vec<Cell>,
}

/// What the run checked.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Checks {
    /// Failed calls over all processes (must be 0).
    pub(crate) errors: u64,
    /// The first failure's message.
    pub(crate) first_error: Option<String>,
    /// Loops where the server did not see exactly one request per call (must be none).
    pub(crate) server_mismatches: Vec<String>,
    /// Calls whose one request the server confirmed, warm-up included.
    pub(crate) calls_verified: u64,
}

impl Checks {
    /// No errors and one request per call everywhere.
    pub(crate) fn passed(&self) -> bool {
        self.errors == 0 && self.server_mismatches.is_empty()
    }
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    /// UTC date of the run.
    pub(crate) date: String,
    /// What it ran on.
    pub(crate) machine: Machine,
    /// Interleaved rounds.
    pub(crate) rounds: usize,
    /// Calls per loop.
    pub(crate) sizes: Sizes,
    /// The rows.
    pub(crate) rows: Vec<Row>,
    /// The S3 client's clone, ns per contender (the table shows SQS's).
    pub(crate) s3_client_clone_ns: Vec<Cell>,
    /// Errors and request counts.
    pub(crate) checks: Checks,
    /// Extra settings given to ours for an experiment (none in the standard comparison).
    pub(crate) ours_extra_settings: Option<String>,
}

/// Medians and ratios of `samples` for each of [`ROWS`].
pub(crate) fn rows(samples: &Samples) -> Vec<Row> {
    ROWS.iter()
        .map(|&(key, label, chart_label, unit)| Row {
            key,
            label,
            chart_label,
            unit,
            cells: cells(samples, key),
        })
        .collect()
}

/// The cells of `key`'s row.
pub(crate) fn cells(samples: &Samples, key: &str) -> Vec<Cell> {
    let empty: [Vec<f64>; 3] = Default::default();
    let per = samples.0.get(key).unwrap_or(&empty);
    Which::ALL
        .iter()
        .enumerate()
        .map(|(i, which)| {
            let ratio = (i > 0).then(|| {
                let ratios: Vec<f64> = per[i]
                    .iter()
                    .zip(&per[0])
                    .map(|(v, floor)| v / floor)
                    .collect();
                median(&ratios)
            });
            Cell {
                contender: which.name(),
                median: median(&per[i]),
                ratio,
                rounds: per[i].clone(),
            }
        })
        .collect()
}

/// A figure in its unit, with as many digits as it needs.
pub(crate) fn format_value(value: f64, unit: Unit) -> String {
    let digits = |v: f64| {
        if v >= 100.0 {
            group_thousands(v)
        } else if v >= 10.0 {
            format!("{v:.1}")
        } else {
            format!("{v:.2}")
        }
    };
    match unit {
        Unit::Micros => format!("{} µs", digits(value)),
        Unit::Nanos => format!("{} ns", digits(value)),
        Unit::PerSecond => group_thousands(value),
        Unit::Mebibytes => format!("{value:.1} MiB"),
    }
}

/// A ratio to the floor: two decimals below 10×, one above.
pub(crate) fn format_ratio(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.1}×")
    } else {
        format!("{r:.2}×")
    }
}

fn group_thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Report {
    /// The markdown table and the notes under it.
    pub(crate) fn markdown(&self) -> String {
        let mut out = String::from("| |");
        for which in Which::ALL {
            let _ = write!(out, " {} |", which.heading());
        }
        out.push_str("\n|---|---|---|---|\n");
        for row in &self.rows {
            let _ = write!(out, "| {} |", row.label);
            for cell in &row.cells {
                let _ = write!(out, " {}", format_value(cell.median, row.unit));
                if let Some(r) = cell.ratio {
                    let _ = write!(out, " ({})", format_ratio(r));
                }
                out.push_str(" |");
            }
            out.push('\n');
        }
        let c = &self.checks;
        let _ = write!(
            out,
            "\n{} interleaved rounds (raw, middle, ours, raw, ...), each contender in its own \
             process against one canned server process; medians; (×) = median of the \
             per-round ratios to the floor. Calls per loop: {} (ListObjectsV2 {}, 64 tasks \
             {}), after {} warm-up calls. Client CPU = getrusage user + system of the \
             contender over the timed loop / calls; peak RSS from wait4.\n\
             Errors: {}. Server: exactly one request per call in every loop: {} ({} calls \
             checked).\n\
             {} · {}\n",
            self.rounds,
            self.sizes.calls,
            self.sizes.list_calls,
            self.sizes.concurrent_calls,
            self.sizes.warmup,
            c.errors,
            if c.server_mismatches.is_empty() {
                "yes"
            } else {
                "NO"
            },
            group_thousands(c.calls_verified as f64),
            self.date,
            self.machine.note(),
        );
        if let Some(extra) = &self.ours_extra_settings {
            let _ = writeln!(
                out,
                "EXPERIMENT, not the standard comparison: ours had extra settings {extra}"
            );
        }
        if let Some(e) = &c.first_error {
            let _ = writeln!(out, "First error: {e}");
        }
        for m in &c.server_mismatches {
            let _ = writeln!(out, "Server count mismatch: {m}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_medians_of_per_round_ratios() {
        let mut s = Samples::default();
        for (floor, ours) in [(10.0, 20.0), (20.0, 30.0), (10.0, 12.0)] {
            s.push("sqs_send_message", Which::Raw, floor);
            s.push("sqs_send_message", Which::Ours, ours);
        }
        let cells = cells(&s, "sqs_send_message");
        assert_eq!(cells[0].median, 10.0);
        assert_eq!(cells[0].ratio, None);
        assert_eq!(cells[2].median, 20.0);
        assert_eq!(cells[2].ratio, Some(1.5));
    }

    #[test]
    fn values_are_formatted_in_their_units() {
        assert_eq!(format_value(15.34, Unit::Micros), "15.3 µs");
        assert_eq!(format_value(2148.0, Unit::Micros), "2,148 µs");
        assert_eq!(format_value(0.194, Unit::Micros), "0.19 µs");
        assert_eq!(format_value(58478.4, Unit::PerSecond), "58,478");
        assert_eq!(format_value(9.14, Unit::Mebibytes), "9.1 MiB");
    }
}
