//! The SVG chart of the per-call CPU rows: grouped bars (floor, middle, ours) per row on a
//! log scale (ListObjectsV2 is an order of magnitude above the rest), each bar labelled with
//! its median and ratio to the floor.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::contenders::Which;
use crate::report::{format_ratio, format_value, Report, Row, Unit};

const COLORS: [RGBColor; 3] = [
    RGBColor(140, 140, 140),
    RGBColor(230, 159, 0),
    RGBColor(0, 114, 178),
];
const BAR: f64 = 0.26;

/// Writes the chart of `report`'s per-call rows to `path`.
///
/// # Errors
/// The file cannot be written.
pub(crate) fn write(path: &Path, report: &Report) -> Result<(), String> {
    let rows: Vec<&Row> = report
        .rows
        .iter()
        .filter(|r| r.chart_label.is_some() && r.unit == Unit::Micros)
        .collect();
    let root = SVGBackend::new(path, (960, 520)).into_drawing_area();
    draw(&root, &rows, report).map_err(|e| format!("chart: {e}"))?;
    root.present()
        .map_err(|e| format!("chart: cannot write {}: {e}", path.display()))
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    rows: &[&Row],
    report: &Report,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    root.fill(&WHITE)?;
    let values = rows.iter().flat_map(|r| r.cells.iter().map(|c| c.median));
    let (lo, hi) = values.fold((f64::MAX, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let bottom = 10f64.powf(lo.max(0.01).log10().floor());
    let top = 10f64.powf((hi.max(bottom) * 2.0).log10().ceil());
    let caption = format!(
        "Client CPU per call, µs (log scale): medians of {} interleaved round{}, {}",
        report.rounds,
        if report.rounds == 1 { "" } else { "s" },
        report.date
    );
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 18))
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..rows.len() as f64, (bottom..top).log_scale())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_desc("µs per call (user + system, getrusage)")
        .y_label_formatter(&|v| format!("{v}"))
        .draw()?;

    for (c, which) in Which::ALL.iter().enumerate() {
        let color = COLORS[c];
        let bars = rows.iter().enumerate().map(move |(i, row)| {
            let x0 = i as f64 + 0.11 + c as f64 * BAR;
            Rectangle::new(
                [(x0, bottom), (x0 + BAR * 0.92, row.cells[c].median)],
                color.filled(),
            )
        });
        chart
            .draw_series(bars)?
            .label(which.heading())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 12, y + 6)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 13))
        .draw()?;

    // Each bar's median, and its ratio to the floor above it, in pixels over the bar's top.
    let small = TextStyle::from(("sans-serif", 11)).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (i, row) in rows.iter().enumerate() {
        for (c, cell) in row.cells.iter().enumerate() {
            let x = i as f64 + 0.11 + c as f64 * BAR + BAR * 0.46;
            let (px, py) = chart.backend_coord(&(x, cell.median));
            let value = format_value(cell.median, Unit::Micros).replace(" µs", "");
            root.draw(&Text::new(value, (px, py - 3), small.clone()))?;
            if let Some(r) = cell.ratio {
                root.draw(&Text::new(format_ratio(r), (px, py - 16), small.clone()))?;
            }
        }
    }
    let style = TextStyle::from(("sans-serif", 13)).pos(Pos::new(HPos::Center, VPos::Top));
    for (i, row) in rows.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, bottom));
        root.draw(&Text::new(
            row.chart_label.unwrap_or(row.key),
            (x, y + 8),
            style.clone(),
        ))?;
    }
    Ok(())
}
