"""Make the executive report: read the marts, draw the charts, write `report.html` and the PNGs into a
directory. The HTML embeds its charts as data URIs, so the one file can be opened or forwarded alone.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from orchestration.report.html import render_html
from orchestration.report.queries import ReportData, read_report

REPORT_FILE = "report.html"


@dataclass(frozen=True)
class BuiltReport:
    data: ReportData
    html_path: Path
    chart_paths: dict[str, Path]
    charts: dict[str, bytes]
    source: str

    @property
    def subject(self) -> str:
        company = self.data.company
        return (
            f"Sales performance {self.data.period.name} as of {self.data.as_of.isoformat()}: "
            f"{company.attainment_percent:.2f}% of the company {self.data.metric_type} quota"
        )


def draw_charts(report: ReportData) -> dict[str, bytes]:
    # matplotlib is imported here, not with the module: every run loads the Dagster definitions, which
    # import this module, and only the report draws (~0.7 s of a run's start-up)
    from orchestration.report import charts

    expected = report.period.expected_percent(report.as_of)
    return {
        "gauge": charts.gauge_png(report.company.attainment_percent or 0.0, expected),
        "pace": charts.pace_png(report.pace_counts),
        "trend": charts.trend_png(report.trend, report.period, report.as_of),
        "goals": charts.goals_png(report.goals, report.as_of),
    }


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def build_report(
    warehouse: Path, out_dir: Path, as_of: date | None = None, metric_type: str = "revenue"
) -> BuiltReport:
    """Write `report.html` and one PNG per chart (`chart_<name>.png`) into `out_dir`."""
    report = read_report(warehouse, as_of, metric_type)
    pngs = draw_charts(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    chart_paths = {}
    for name, png in pngs.items():
        chart_paths[name] = out_dir / f"chart_{name}.png"
        chart_paths[name].write_bytes(png)
    page = render_html(report, {name: data_uri(png) for name, png in pngs.items()}, source=warehouse.name)
    html_path = out_dir / REPORT_FILE
    html_path.write_text(page, encoding="utf-8")
    return BuiltReport(report, html_path, chart_paths, pngs, warehouse.name)
