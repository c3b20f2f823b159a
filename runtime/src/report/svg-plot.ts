// Small, dependency-free SVG charts for reports: line charts (learning curves, log or linear y)
// and parity plots (prediction against reference, with the y = x line). Deterministic output:
// the same data give the same bytes.

export interface Series {
    readonly name: string;
    readonly color: string;
    readonly x: ArrayLike<number>;
    readonly y: ArrayLike<number>;
}

const W = 640;
const H = 440;
const M = { left: 78, right: 20, top: 40, bottom: 56 };

function esc(s: string): string {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fmt(x: number): string {
    if (x === 0) return '0';
    const a = Math.abs(x);
    if (a >= 1e4 || a < 1e-3) return x.toExponential(1).replace('e+', 'e');
    return Number(x.toPrecision(3)).toString();
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

function axes(x: Axis, y: Axis, sx: (v: number) => number, sy: (v: number) => number): string[] {
    const out: string[] = [];
    const x0 = M.left;
    const x1 = W - M.right;
    const y0 = H - M.bottom;
    const y1 = M.top;
    out.push(`<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#444"/>`);
    const ticks = (a: Axis) => (a.log ? logTicks(a.lo, a.hi) : linearTicks(a.lo, a.hi));
    for (const t of ticks(x)) {
        const px = sx(t).toFixed(1);
        out.push(`<line x1="${px}" y1="${y0}" x2="${px}" y2="${y1}" stroke="#e4e4e4"/>`, `<text x="${px}" y="${y0 + 16}" text-anchor="middle">${fmt(t)}</text>`);
    }
    for (const t of ticks(y)) {
        const py = sy(t).toFixed(1);
        out.push(`<line x1="${x0}" y1="${py}" x2="${x1}" y2="${py}" stroke="#e4e4e4"/>`, `<text x="${x0 - 6}" y="${py}" dy="4" text-anchor="end">${fmt(t)}</text>`);
    }
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

function legend(series: readonly Series[]): string[] {
    const width = 26 + 6.8 * Math.max(...series.map((s) => s.name.length), 0);
    const x = W - M.right - width - 6;
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
        body.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.6" points="${pts.join(' ')}"/>`);
    }
    body.push(...legend(series));
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
