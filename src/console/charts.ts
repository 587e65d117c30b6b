// Console: the dashboard's charts as SVG strings. Pure and dependency-free so
// they can be tested as text. Styling is done with presentation attributes
// (`fill`, `font-size`) and classes, never `style=`, because the console's
// Content-Security-Policy blocks inline styles, in SVG too.

const PALETTE = ["#2563eb", "#d97706", "#059669", "#9333ea", "#dc2626"] as const;
const INK = "#1f2937";
const MUTED = "#6b7280";
const GRID = "#e5e7eb";
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** The same escaping as views' `escapeHtml` (valid in XML too); kept here so charts stay a leaf module. */
function xml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Whole numbers and up to two decimals; negative, infinite or missing values count as zero. */
function clean(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function show(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Cuts a label to `max` characters (code points, so emoji survive) before it is escaped. */
function truncate(label: string, max: number): string {
  const chars = Array.from(label);
  return chars.length <= max ? label : `${chars.slice(0, Math.max(1, max - 1)).join("")}…`;
}

/**
 * The root element. With a `viewBox` the drawing scales with its box (the weekly
 * chart); without one, user units are CSS pixels and lengths may be percentages
 * (the bar chart), so text keeps its size on a 360px phone and on a laptop.
 */
function open(title: string, desc: string, size: { width: number | string; height: number; viewBox?: boolean }, extraClass = ""): string {
  const viewBox = size.viewBox ? ` viewBox="0 0 ${size.width} ${size.height}"` : "";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart${extraClass ? ` ${extraClass}` : ""}"${viewBox} width="${size.width}" height="${size.height}"` +
    ` role="img" aria-label="${xml(title)}" font-family="${xml(FONT)}" font-size="13">` +
    `<title>${xml(title)}</title><desc>${xml(desc)}</desc>`
  );
}

function empty(title: string, text: string, width: number | string, height: number): string {
  return (
    `${open(title, text, { width, height }, "chart--empty")}` +
    `<text class="chart-empty" x="50%" y="${height / 2}" dy="0.35em" text-anchor="middle" fill="${MUTED}">${xml(text)}</text></svg>`
  );
}

export interface BarChartInput {
  title: string;
  data: [label: string, value: number][];
  /** In pixels; when left out the chart is as wide as its container. */
  width?: number;
  /** When left out, the chart grows with the number of bars. */
  height?: number;
  /** Shown when there is nothing to draw (the caller passes it translated). */
  emptyText?: string;
}

/**
 * Horizontal bars, one per label, each label above its bar and the value after
 * it. Bar lengths are percentages of the chart's width, so it needs no viewBox
 * and stays readable at any width.
 */
export function barChart({ title, data, width, height, emptyText = "—" }: BarChartInput): string {
  const w = width ?? "100%";
  if (data.length === 0) return empty(title, emptyText, w, height ?? 48);
  const pad = 4;
  const rowHeight = height ? (height - 2 * pad) / data.length : 44;
  const totalHeight = height ?? Math.round(data.length * rowHeight + 2 * pad);
  // The longest bar leaves room for its value.
  const maxPercent = 84;
  const max = Math.max(0, ...data.map(([, value]) => clean(value)));
  const desc = data.map(([label, value]) => `${label}: ${show(clean(value))}`).join("; ");

  const rows = data.map(([label, raw], i) => {
    const value = clean(raw);
    const y = pad + i * rowHeight;
    const barHeight = Math.max(4, Math.min(16, rowHeight * 0.36));
    const barY = y + rowHeight - barHeight - 4;
    // A value above zero always gets a sliver, so it is never mistaken for zero.
    const percent = max > 0 && value > 0 ? Math.max(0.5, (value / max) * maxPercent) : 0;
    return (
      `<g class="chart-row"><title>${xml(`${label}: ${show(value)}`)}</title>` +
      `<text class="chart-label" x="0" y="${r(barY - 6)}" fill="${INK}">${xml(truncate(label, 60))}</text>` +
      `<rect class="chart-bar" x="0" y="${r(barY)}" width="${r(percent)}%" height="${r(barHeight)}" rx="3" fill="${PALETTE[0]}"/>` +
      `<text class="chart-value" x="${r(percent)}%" dx="6" y="${r(barY + barHeight / 2)}" dy="0.35em" fill="${INK}" font-weight="600">${xml(show(value))}</text></g>`
    );
  });
  return `${open(title, desc, { width: w, height: totalHeight })}${rows.join("")}</svg>`;
}

export interface WeeklySeries {
  name: string;
  /** One value per week, in the order of `weeks`; missing ones count as zero. */
  values: number[];
}

export interface WeeklyChartInput {
  title: string;
  series: WeeklySeries[];
  /** ISO weeks, oldest first: "2026-W47". */
  weeks: string[];
  width?: number;
  height?: number;
  emptyText?: string;
}

/**
 * Grouped vertical bars: one group per week, one bar per series, with a legend
 * above. Drawn in a viewBox and scaled by the stylesheet (`.chart--weekly`).
 */
export function weeklyChart({ title, series, weeks, width = 640, height = 260, emptyText = "—" }: WeeklyChartInput): string {
  if (weeks.length === 0 || series.length === 0) return empty(title, emptyText, "100%", 48);
  const value = (s: WeeklySeries, i: number) => clean(s.values[i] ?? 0);
  const desc = series.map((s) => `${s.name}: ${weeks.map((w, i) => `${w} ${show(value(s, i))}`).join(", ")}`).join("; ");

  const legendHeight = 28;
  const left = 40;
  const right = 8;
  const bottom = 24;
  const plotTop = legendHeight + 8;
  const plotWidth = width - left - right;
  const plotHeight = height - plotTop - bottom;
  const max = Math.max(0, ...series.flatMap((s) => weeks.map((_, i) => value(s, i))));
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const yOf = (v: number) => plotTop + plotHeight - (v / top) * plotHeight;

  const legend = series
    .map((s, i) => {
      const x = left + i * Math.min(180, plotWidth / series.length);
      return (
        `<g class="chart-legend-item"><rect x="${r(x)}" y="6" width="12" height="12" rx="2" fill="${colour(i)}"/>` +
        `<text x="${r(x + 18)}" y="12" dy="0.35em" fill="${INK}">${xml(truncate(s.name, 22))}</text></g>`
      );
    })
    .join("");

  const grid: string[] = [];
  for (let v = 0; v <= top; v += step) {
    const y = r(yOf(v));
    grid.push(
      `<line class="chart-grid" x1="${left}" x2="${width - right}" y1="${y}" y2="${y}" stroke="${GRID}" stroke-width="1"/>` +
        `<text class="chart-axis" x="${left - 6}" y="${y}" dy="0.35em" text-anchor="end" fill="${MUTED}" font-size="11">${xml(show(v))}</text>`,
    );
  }

  const groupWidth = plotWidth / weeks.length;
  const barWidth = (groupWidth * 0.8) / series.length;
  const labelEvery = Math.max(1, Math.ceil(weeks.length / Math.max(1, Math.floor(plotWidth / 44))));
  const groups = weeks.map((week, w) => {
    const x0 = left + w * groupWidth + groupWidth * 0.1;
    const bars = series
      .map((s, i) => {
        const v = value(s, w);
        const y = yOf(v);
        return (
          `<rect class="chart-bar chart-series-${i}" x="${r(x0 + i * barWidth)}" y="${r(y)}" width="${r(Math.max(1, barWidth - 1))}"` +
          ` height="${r(plotTop + plotHeight - y)}" fill="${colour(i)}"><title>${xml(`${week} · ${s.name}: ${show(v)}`)}</title></rect>`
        );
      })
      .join("");
    // "2026-W47" is long for a narrow column: the axis shows "W47", the bar titles keep the year.
    const label =
      w % labelEvery === 0
        ? `<text class="chart-axis" x="${r(left + (w + 0.5) * groupWidth)}" y="${height - 8}" text-anchor="middle" fill="${MUTED}" font-size="11">${xml(week.slice(week.indexOf("-") + 1))}</text>`
        : "";
    return `<g class="chart-week">${bars}${label}</g>`;
  });

  return `${open(title, desc, { width, height, viewBox: true }, "chart--weekly")}${legend}${grid.join("")}${groups.join("")}</svg>`;
}

function colour(i: number): string {
  return PALETTE[i % PALETTE.length] ?? INK;
}

/** A round step (1, 2 or 5 times a power of ten) giving about four grid lines. */
function niceStep(max: number): number {
  if (max <= 4) return 1;
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const scaled = rough / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}
