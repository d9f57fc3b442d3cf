"""The figures as one PNG for a phone: four panels stacked in one column, large type, horizontal
bars where labels are codes. matplotlib is imported when a chart is drawn, so the bot's start-up
and the quick commands do not pay for it (about half a second)."""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING

from bot.services.figures import Figures

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis

WIDTH, HEIGHT, DPI = 8.0, 18.0, 110  # inches: 880 x 1980 pixels, one screen width per panel
FONT = 17
MOST_REGISSEURS = 15  # the busiest shown; the CSV lists all
MONTH_NAMES = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
NOTHING = "Geen gegevens in deze periode"
_drawing = threading.Lock()


def draw(figures: Figures) -> bytes:
    """The PNG's bytes. Safe to call from several threads: matplotlib's style settings are
    global, so one chart is drawn at a time."""
    import matplotlib
    from matplotlib.figure import Figure

    with (
        _drawing,
        matplotlib.rc_context(
            {"font.size": FONT, "axes.titlesize": FONT + 3, "axes.titleweight": "bold"}
        ),
    ):
        # A Figure of its own rather than pyplot: no global figure list, no GUI backend.
        figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
        axes = figure.subplots(4, 1)
        figure.suptitle(
            f"Cijfers {figures.start:%d-%m-%Y} t/m {figures.end:%d-%m-%Y}",
            fontsize=FONT + 5,
            fontweight="bold",
        )
        _per_month(axes[0], figures)
        _per_partij(axes[1], figures)
        _acceptance(axes[2], figures)
        _caseload(axes[3], figures)
        figure.tight_layout(rect=(0, 0, 1, 0.98))
        out = io.BytesIO()
        figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _per_month(axes: Axes, figures: Figures) -> None:
    axes.set_title("Aanmeldingen per maand")
    months = figures.per_month
    if not any(m.total for m in months):
        _nothing(axes)
        return
    labels = [_month_label(m.month) for m in months]
    bottom = [0] * len(months)
    for index, outcome in enumerate(figures.outcomes):
        counts = [m.counts[index] for m in months]
        if any(counts):
            axes.bar(labels, counts, bottom=bottom, label=outcome.replace("_", " "))
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    axes.set_ylim(0, max(m.total for m in months) * 1.4)  # room for the legend above the bars
    axes.legend(fontsize=FONT - 3, loc="upper center", ncols=3)
    axes.tick_params(axis="x", labelrotation=60 if len(months) > 6 else 0)
    _whole_numbers(axes.yaxis)


def _per_partij(axes: Axes, figures: Figures) -> None:
    axes.set_title("Casussen per partij")
    rows = [p for p in figures.per_partij if p.count]
    if not rows:
        _nothing(axes)
        return
    bars = axes.barh([p.partij for p in rows], [p.count for p in rows], color="tab:blue")
    axes.bar_label(bars, padding=4)
    axes.invert_yaxis()
    _whole_numbers(axes.xaxis)


def _acceptance(axes: Axes, figures: Figures) -> None:
    axes.set_title("Uren tot acceptatie")
    rows = [a for a in figures.acceptance if a.accepted]
    if not rows:
        _nothing(axes)
        return
    positions = range(len(rows))
    median = [a.median_hours or 0.0 for a in rows]
    p90 = [a.p90_hours or 0.0 for a in rows]
    for shift, hours, label in ((-0.2, median, "mediaan"), (0.2, p90, "90% binnen")):
        bars = axes.barh([p + shift for p in positions], hours, height=0.4, label=label)
        axes.bar_label(bars, fmt="%g", padding=4, fontsize=FONT - 3)
    axes.set_yticks(list(positions), [f"{a.partij} ({a.accepted})" for a in rows])
    axes.set_xlim(0, max(p90) * 1.25 or 1)
    axes.invert_yaxis()
    axes.legend(fontsize=FONT - 3, loc="upper center", ncols=2, bbox_to_anchor=(0.5, -0.12))


def _caseload(axes: Axes, figures: Figures) -> None:
    rows = sorted(figures.caseload, key=lambda r: r.open / max(r.capacity, 1), reverse=True)
    shown = rows[:MOST_REGISSEURS]
    more = f" (de {len(shown)} drukste)" if len(rows) > len(shown) else ""
    axes.set_title(f"Open casussen per regisseur{more}")
    if not shown:
        _nothing(axes)
        return
    labels = [f"{r.regisseur} {r.partij}" for r in shown]
    axes.barh(labels, [r.capacity for r in shown], color="lightgrey", label="capaciteit")
    full = ["tab:red" if r.open >= r.capacity else "tab:green" for r in shown]
    bars = axes.barh(labels, [r.open for r in shown], height=0.5, color=full, label="open")
    axes.bar_label(bars, [f"{r.open}/{r.capacity}" for r in shown], padding=4)
    axes.set_xlim(0, max(max(r.open, r.capacity) for r in shown) * 1.25)
    axes.invert_yaxis()
    axes.legend(fontsize=FONT - 3, loc="upper center", ncols=2, bbox_to_anchor=(0.5, -0.12))
    _whole_numbers(axes.xaxis)


def _whole_numbers(axis: Axis) -> None:
    """Ticks at counts only: no "2.5 casussen"."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _nothing(axes: Axes) -> None:
    axes.text(0.5, 0.5, NOTHING, ha="center", va="center", transform=axes.transAxes)
    axes.set_axis_off()


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} '{year[2:]}"
