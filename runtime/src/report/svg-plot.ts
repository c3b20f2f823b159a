// Small, dependency-free SVG charts for reports: line charts (learning curves, log or linear y),
// parity plots (prediction against reference, with the y = x line) and heat maps (a landscape over
// two coordinates, with paths drawn on it). Deterministic output: the same data give the same bytes.

export interface Series {
    readonly name: string;
    readonly color: string;
    readonly x: ArrayLike<number>;
    readonly y: ArrayLike<number>;
    /** Draw the line through the points (default true). */
    readonly line?: boolean;
    /** Mark each point with a dot (default false). */
    readonly dots?: boolean;
}

const W = 640;
const H = 440;
const M = { left: 78, right: 20, top: 40, bottom: 56 };

function esc(s: string): string {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fmt(x: number, digits = 3): string {
    if (x === 0) return '0';
    const a = Math.abs(x);
    if (a >= 1e4 || a < 1e-3) return x.toExponential(digits - 1).replace(/\.?0+e/, 'e').replace('e+', 'e');
    return Number(x.toPrecision(digits)).toString();
}

/** Tick labels with the fewest significant digits (3 or more) that tell every tick apart. */
function tickLabels(ticks: readonly number[]): string[] {
    for (let digits = 3; digits < 12; digits++) {
        const labels = ticks.map((t) => fmt(t, digits));
        if (new Set(labels).size === labels.length) return labels;
    }
    return ticks.map((t) => String(t));
}

/** "Nice" tick values covering [lo, hi]. */
function linearTicks(lo: number, hi: number, count = 6): number[] {
    const span = hi - lo || Math.abs(hi) || 1;
    const raw = span / count;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
    const ticks: number[] = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step) ticks.push(Math.abs(t) < 1e-12 * span ? 0 : t);
    return ticks;
}

function frame(title: string, xLabel: string, yLabel: string, body: string[]): string {
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
        `<rect width="${W}" height="${H}" fill="white"/>`,
        `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
        `<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle">${esc(xLabel)}</text>`,
        `<text transform="translate(18 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
        ...body,
        '</svg>',
        '',
    ].join('\n');
}

interface Axis {
    readonly lo: number;
    readonly hi: number;
    readonly log: boolean;
}

function scaler(axis: Axis, from: number, to: number): (v: number) => number {
    const f = (v: number) => (axis.log ? Math.log10(v) : v);
    const lo = f(axis.lo);
    const hi = f(axis.hi);
    return (v) => from + ((f(v) - lo) / (hi - lo || 1)) * (to - from);
}

/** The plot area in pixels: x0 left, x1 right, y0 bottom, y1 top. */
interface Box {
    readonly x0: number;
    readonly x1: number;
    readonly y0: number;
    readonly y1: number;
}

const PLOT: Box = { x0: M.left, x1: W - M.right, y0: H - M.bottom, y1: M.top };

function axes(x: Axis, y: Axis, sx: (v: number) => number, sy: (v: number) => number, box: Box = PLOT): string[] {
    const out: string[] = [];
    const { x0, x1, y0, y1 } = box;
    out.push(`<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#444"/>`);
    const ticks = (a: Axis) => (a.log ? logTicks(a.lo, a.hi) : linearTicks(a.lo, a.hi));
    const xt = ticks(x);
    tickLabels(xt).forEach((label, k) => {
        const px = sx(xt[k]!).toFixed(1);
        out.push(`<line x1="${px}" y1="${y0}" x2="${px}" y2="${y1}" stroke="#e4e4e4"/>`, `<text x="${px}" y="${y0 + 16}" text-anchor="middle">${label}</text>`);
    });
    const yt = ticks(y);
    tickLabels(yt).forEach((label, k) => {
        const py = sy(yt[k]!).toFixed(1);
        out.push(`<line x1="${x0}" y1="${py}" x2="${x1}" y2="${py}" stroke="#e4e4e4"/>`, `<text x="${x0 - 6}" y="${py}" dy="4" text-anchor="end">${label}</text>`);
    });
    return out;
}

function logTicks(lo: number, hi: number): number[] {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
        for (const m of [1, 2, 5]) {
            const v = m * 10 ** e;
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
        }
    }
    return out.length >= 2 ? out : [lo, hi];
}

function range(values: number[], log: boolean): Axis {
    const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
    let lo = Math.min(...finite);
    let hi = Math.max(...finite);
    if (finite.length === 0) return { lo: log ? 1 : 0, hi: log ? 10 : 1, log };
    if (log) {
        lo = 10 ** (Math.floor(Math.log10(lo) * 4) / 4);
        hi = 10 ** (Math.ceil(Math.log10(hi) * 4) / 4);
        if (hi <= lo) hi = lo * 10;
    } else {
        const pad = 0.04 * (hi - lo || Math.abs(hi) || 1);
        lo -= pad;
        hi += pad;
    }
    return { lo, hi, log };
}

function legend(series: readonly Series[], right = W - M.right): string[] {
    const width = 26 + 6.8 * Math.max(...series.map((s) => s.name.length), 0);
    const x = right - width - 6;
    const out = [`<rect x="${x - 6}" y="${M.top + 4}" width="${width.toFixed(0)}" height="${16 * series.length + 6}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`];
    series.forEach((s, k) => {
        const y = M.top + 18 + 16 * k;
        out.push(`<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${s.color}"/><text x="${x + 18}" y="${y + 1}">${esc(s.name)}</text>`);
    });
    return out;
}

/** Lines through (x, y) per series; with `logY`, non-positive values are left out. */
export function lineChart(title: string, xLabel: string, yLabel: string, series: readonly Series[], logY = true): string {
    const xs = series.flatMap((s) => Array.from(s.x));
    const ys = series.flatMap((s) => Array.from(s.y));
    const ya = range(ys, logY);
    const xMin = Math.min(...xs);
    const xMax = Math.max(...xs);
    const xAxis = { lo: xMin, hi: xMax > xMin ? xMax : xMin + 1, log: false };
    const sx = scaler(xAxis, M.left, W - M.right);
    const sy = scaler(ya, H - M.bottom, M.top);
    const body = axes(xAxis, ya, sx, sy);
    for (const s of series) {
        const pts: string[] = [];
        for (let i = 0; i < s.x.length; i++) {
            const y = s.y[i]!;
            if (!Number.isFinite(y) || (logY && y <= 0)) continue;
            pts.push(`${sx(s.x[i]!).toFixed(1)},${sy(y).toFixed(1)}`);
        }
        body.push(...seriesMarks(s, pts));
    }
    body.push(...legend(series));
    return frame(title, xLabel, yLabel, body);
}

/** A series' line and dots at pixel points "x,y". */
function seriesMarks(s: Series, pts: readonly string[]): string[] {
    const out: string[] = [];
    if (s.line ?? true) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.6" stroke-linejoin="round" points="${pts.join(' ')}"/>`);
    if (s.dots) {
        const dots = pts.map((p) => {
            const [cx, cy] = p.split(',');
            return `<circle cx="${cx}" cy="${cy}" r="3.2"/>`;
        });
        out.push(`<g fill="${s.color}" stroke="white" stroke-width="0.8">${dots.join('')}</g>`);
    }
    return out;
}

/** Colours of the heat map from low to high (a perceptually ordered blue–green–yellow ramp). */
const RAMP: ReadonlyArray<readonly [number, number, number]> = [
    [48, 18, 96], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37],
];

function rampColor(t: number): string {
    const u = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
    const k = Math.min(RAMP.length - 2, Math.floor(u));
    const f = u - k;
    const c = RAMP[k]!.map((v, i) => Math.round(v + f * (RAMP[k + 1]![i]! - v)));
    return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export interface HeatMapGrid {
    /** Grid coordinates along x and y (evenly spaced). */
    readonly x: ArrayLike<number>;
    readonly y: ArrayLike<number>;
    /** (x.length, y.length) row-major: z[i·ny + j] at (x[i], y[j]). */
    readonly z: ArrayLike<number>;
}

/**
 * A heat map of z over the (x, y) grid, one cell per point, with a colour bar; values above `zMax`
 * (default: the largest) take the top colour, so that a few high cells do not wash out the rest.
 * `overlays` are drawn on top in data coordinates (paths, marked points).
 */
export function heatMap(title: string, xLabel: string, yLabel: string, zLabel: string, grid: HeatMapGrid, overlays: readonly Series[] = [], zMax?: number): string {
    const nx = grid.x.length;
    const ny = grid.y.length;
    // loops, not Math.min(...z): a large grid would overflow the argument list
    let zLo = Infinity;
    let zHi = -Infinity;
    for (let k = 0; k < grid.z.length; k++) {
        const z = grid.z[k]!;
        if (!Number.isFinite(z)) continue;
        zLo = Math.min(zLo, z);
        zHi = Math.max(zHi, z);
    }
    const lo = zLo;
    const hi = Math.min(zMax ?? Infinity, zHi);
    const spacing = (v: ArrayLike<number>) => (v.length > 1 ? (v[v.length - 1]! - v[0]!) / (v.length - 1) : 1);
    const dx = spacing(grid.x);
    const dy = spacing(grid.y);
    const xAxis: Axis = { lo: grid.x[0]! - dx / 2, hi: grid.x[nx - 1]! + dx / 2, log: false };
    const yAxis: Axis = { lo: grid.y[0]! - dy / 2, hi: grid.y[ny - 1]! + dy / 2, log: false };
    const box: Box = { ...PLOT, x1: W - M.right - 76 };
    const sx = scaler(xAxis, box.x0, box.x1);
    const sy = scaler(yAxis, box.y0, box.y1);
    const body: string[] = [];
    const cw = Math.abs(sx(dx) - sx(0));
    const ch = Math.abs(sy(dy) - sy(0));
    const cells: string[] = [];
    for (let i = 0; i < nx; i++) {
        for (let j = 0; j < ny; j++) {
            const z = grid.z[i * ny + j]!;
            const color = Number.isFinite(z) ? rampColor((z - lo) / (hi - lo || 1)) : '#ffffff';
            // cells overlap by a hair so that no seams show between them
            cells.push(`<rect x="${(sx(grid.x[i]!) - cw / 2).toFixed(2)}" y="${(sy(grid.y[j]!) - ch / 2).toFixed(2)}" width="${(cw + 0.3).toFixed(2)}" height="${(ch + 0.3).toFixed(2)}" fill="${color}"/>`);
        }
    }
    body.push(`<g shape-rendering="crispEdges">${cells.join('')}</g>`);
    body.push(...axes(xAxis, yAxis, sx, sy, box).filter((e) => !e.startsWith('<line')));
    for (const s of overlays) {
        const pts = Array.from({ length: s.x.length }, (_, k) => `${sx(s.x[k]!).toFixed(1)},${sy(s.y[k]!).toFixed(1)}`);
        body.push(...seriesMarks(s, pts));
    }
    // colour bar
    const barX = box.x1 + 18;
    const barW = 14;
    const steps = 64;
    const barH = box.y0 - box.y1;
    for (let k = 0; k < steps; k++) {
        const y = box.y0 - ((k + 1) * barH) / steps;
        body.push(`<rect x="${barX}" y="${y.toFixed(2)}" width="${barW}" height="${(barH / steps + 0.3).toFixed(2)}" fill="${rampColor((k + 0.5) / steps)}" shape-rendering="crispEdges"/>`);
    }
    body.push(`<rect x="${barX}" y="${box.y1}" width="${barW}" height="${barH}" fill="none" stroke="#444"/>`);
    const sz = scaler({ lo, hi, log: false }, box.y0, box.y1);
    const zt = linearTicks(lo, hi);
    tickLabels(zt).forEach((label, k) => {
        const py = sz(zt[k]!).toFixed(1);
        body.push(`<line x1="${barX + barW}" y1="${py}" x2="${barX + barW + 4}" y2="${py}" stroke="#444"/><text x="${barX + barW + 6}" y="${py}" dy="4">${label}</text>`);
    });
    body.push(`<text transform="translate(${W - 8} ${(box.y0 + box.y1) / 2}) rotate(-90)" text-anchor="middle">${esc(zLabel)}${zMax !== undefined && zMax < zHi ? ' (clipped)' : ''}</text>`);
    if (overlays.length > 0) body.push(...legend(overlays, box.x1));
    return frame(title, xLabel, yLabel, body);
}

/** Prediction (y) against reference (x), one dot per point (at most `maxPoints` per series, evenly strided). */
export function parityChart(title: string, unit: string, series: readonly Series[], maxPoints = 20000): string {
    const all = series.flatMap((s) => [...Array.from(s.x), ...Array.from(s.y)]);
    const a = range(all, false);
    const sx = scaler(a, M.left, W - M.right);
    const sy = scaler(a, H - M.bottom, M.top);
    const body = axes(a, a, sx, sy);
    body.push(`<line x1="${sx(a.lo).toFixed(1)}" y1="${sy(a.lo).toFixed(1)}" x2="${sx(a.hi).toFixed(1)}" y2="${sy(a.hi).toFixed(1)}" stroke="#888" stroke-dasharray="4 3"/>`);
    for (const s of series) {
        const stride = Math.max(1, Math.ceil(s.x.length / maxPoints));
        const dots: string[] = [];
        for (let i = 0; i < s.x.length; i += stride) dots.push(`<circle cx="${sx(s.x[i]!).toFixed(1)}" cy="${sy(s.y[i]!).toFixed(1)}" r="1.8"/>`);
        body.push(`<g fill="${s.color}" fill-opacity="0.55">${dots.join('')}</g>`);
    }
    body.push(...legend(series));
    return frame(title, `reference (${unit})`, `predicted (${unit})`, body);
}

/**
 * A calibration plot: per series the observed RMS error (y) of bins of predicted standard deviation
 * (x, the bins' RMS σ), dots joined by a line, on one shared logarithmic axis range (quantities of
 * different size side by side) with the y = x line (perfect calibration) dashed. Non-positive points
 * are left out.
 */
export function calibrationChart(title: string, unit: string, series: readonly Series[]): string {
    series = series.map((s) => {
        const keep = Array.from({ length: s.x.length }, (_, i) => i).filter((i) => s.x[i]! > 0 && s.y[i]! > 0);
        return { ...s, x: keep.map((i) => s.x[i]!), y: keep.map((i) => s.y[i]!) };
    });
    const all = series.flatMap((s) => [...Array.from(s.x), ...Array.from(s.y)]);
    const a = range(all, true);
    const sx = scaler(a, M.left, W - M.right);
    const sy = scaler(a, H - M.bottom, M.top);
    const body = axes(a, a, sx, sy);
    body.push(`<line x1="${sx(a.lo).toFixed(1)}" y1="${sy(a.lo).toFixed(1)}" x2="${sx(a.hi).toFixed(1)}" y2="${sy(a.hi).toFixed(1)}" stroke="#888" stroke-dasharray="4 3"/>`);
    for (const s of series) {
        const pts = Array.from({ length: s.x.length }, (_, i) => `${sx(s.x[i]!).toFixed(1)},${sy(s.y[i]!).toFixed(1)}`);
        if (pts.length > 1) body.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
        body.push(`<g fill="${s.color}">${pts.map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3.5"/>`).join('')}</g>`);
    }
    // legend top left: the corner above the diagonal, away from a calibrated committee's points
    const entries = [...series, { name: 'y = x (calibrated)', color: '#888', x: [], y: [] }];
    body.push(...legend(entries, M.left + 38 + 6.8 * Math.max(...entries.map((s) => s.name.length))));
    return frame(title, `predicted σ, calibrated (${unit})`, `RMS error (${unit})`, body);
}

export interface ScatterOptions {
    readonly logX?: boolean;
    readonly logY?: boolean;
    /** Dashed vertical reference lines (e.g. a threshold at x = 1), with their labels. */
    readonly xLines?: ReadonlyArray<{ readonly x: number; readonly label: string }>;
    /** At most this many points per series, evenly strided (default 20000). */
    readonly maxPoints?: number;
}

/**
 * One dot per (x, y) point, coloured by series (e.g. per-atom distance against error, by kind of
 * structure); on a logarithmic axis non-positive values are left out.
 */
export function scatterChart(title: string, xLabel: string, yLabel: string, series: readonly Series[], options: ScatterOptions = {}): string {
    const logX = options.logX ?? false;
    const logY = options.logY ?? false;
    const maxPoints = options.maxPoints ?? 20000;
    const keep = (s: Series) => Array.from({ length: s.x.length }, (_, i) => i).filter((i) => Number.isFinite(s.x[i]!) && Number.isFinite(s.y[i]!) && (!logX || s.x[i]! > 0) && (!logY || s.y[i]! > 0));
    const kept = series.map((s) => ({ s, idx: keep(s) }));
    const xa = range([...kept.flatMap(({ s, idx }) => idx.map((i) => s.x[i]!)), ...(options.xLines ?? []).map((l) => l.x)], logX);
    const ya = range(kept.flatMap(({ s, idx }) => idx.map((i) => s.y[i]!)), logY);
    const sx = scaler(xa, M.left, W - M.right);
    const sy = scaler(ya, H - M.bottom, M.top);
    const body = axes(xa, ya, sx, sy);
    for (const { s, idx } of kept) {
        const stride = Math.max(1, Math.ceil(idx.length / maxPoints));
        const dots: string[] = [];
        for (let k = 0; k < idx.length; k += stride) dots.push(`<circle cx="${sx(s.x[idx[k]!]!).toFixed(1)}" cy="${sy(s.y[idx[k]!]!).toFixed(1)}" r="2.2"/>`);
        body.push(`<g fill="${s.color}" fill-opacity="0.6">${dots.join('')}</g>`);
    }
    for (const l of options.xLines ?? []) {
        const px = sx(l.x).toFixed(1);
        body.push(`<line x1="${px}" y1="${H - M.bottom}" x2="${px}" y2="${M.top}" stroke="#444" stroke-dasharray="5 4"/>`, `<text x="${(sx(l.x) + 4).toFixed(1)}" y="${H - M.bottom - 6}">${esc(l.label)}</text>`);
    }
    // legend top left: distance–error clouds rise to the right
    body.push(...legend(series, M.left + 38 + 6.8 * Math.max(...series.map((s) => s.name.length), 0)));
    return frame(title, xLabel, yLabel, body);
}
