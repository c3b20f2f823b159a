// Pieces of the uncertainty run's true-error check (`run uncertainty m { … compare other }`): Spearman's
// rank correlation (ties by mean rank), the scatter plot, and the validation of `compare` in such a run.
import { expect, it } from 'vitest';
import { pearson, ranks, spearman } from '../../runtime/src/math/rank-correlation.js';
import { scatterChart } from '../../runtime/src/report/svg-plot.js';
import { checkText, describe } from '../helpers/specs.js';

it('ranks: 1…n, ties share their mean rank', () => {
    expect(Array.from(ranks([30, 10, 20]))).toEqual([3, 1, 2]);
    expect(Array.from(ranks([5, 1, 5, 5, 0]))).toEqual([4, 2, 4, 4, 1]);
});

it('spearman: 1 for any rising relation, −1 for a falling one, the textbook value without ties', () => {
    const x = [0.1, 0.5, 2, 3, 10, 40];
    expect(spearman(x, x.map((v) => Math.exp(v)))).toBeCloseTo(1, 14);
    expect(spearman(x, x.map((v) => -v * v))).toBeCloseTo(-1, 14);
    // no ties: ρ = 1 − 6 Σ d² / (n (n² − 1)); ranks of y: 2 1 4 3 6 5, d² = 1 each, ρ = 1 − 36/210
    expect(spearman(x, [2, 1, 4, 3, 6, 5])).toBeCloseTo(1 - 36 / 210, 14);
    // with ties the Pearson correlation of mean ranks
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(pearson([1, 2.5, 2.5, 4], [1, 2, 3, 4]), 14);
    expect(Number.isNaN(spearman([1, 2, 3], [7, 7, 7]))).toBe(true);
    expect(() => spearman([1, Number.NaN], [1, 2])).toThrow(/NaN/);
});

it('scatterChart: one dot per positive point on log axes, a dashed threshold line, a legend entry per series', () => {
    const svg = scatterChart('t', 'ratio', 'error', [
        { name: 'crystal', color: '#1f77b4', x: [0.2, 0.4, 0], y: [0.02, 0.03, 0.1] },
        { name: 'amorphous', color: '#d62728', x: [20, 30], y: [1, 2] },
    ], { logX: true, logY: true, xLines: [{ x: 1, label: 'threshold' }] });
    expect(svg.match(/<circle /g)).toHaveLength(4); // x = 0 left out on the log axis
    expect(svg).toContain('stroke-dasharray="5 4"');
    expect(svg).toContain('>threshold</text>');
    expect(svg).toContain('>amorphous</text>');
    expect(scatterChart('t', 'x', 'y', [{ name: 'a', color: '#000', x: [1, 2], y: [3, 4] }])).toBe(scatterChart('t', 'x', 'y', [{ name: 'a', color: '#000', x: [1, 2], y: [3, 4] }]));
});

const SPEC = (other: string) => `potential sw = stillinger_weber Si { }
model si {
  element Si
  cutoff cosine 5.0 A
  descriptors for Si { radial Si eta 0.5 /A^2 }
  network for Si { hidden 4 activation tanh }
}
run uncertainty si { on "probe.xyz" compare ${other} group by "config_type" }
`;

it("an uncertainty run takes 'compare' and 'group by'; comparing the model with itself is an error", async () => {
    const errors = async (text: string) => ((await checkText(text)).diagnostics ?? []).filter((d) => d.severity === 1).map(describe);
    expect(await errors(SPEC('sw'))).toEqual([]);
    expect(await errors(SPEC('si'))).toEqual([
        ['8:45', 'error', 'run-not-applicable', "'compare' names the reference for the true errors: another model or an analytic potential, not 'si' itself."],
    ]);
});
