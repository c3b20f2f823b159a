// What `nnp report` collects from a folder (runtime/src/report/collect.ts): a training still running
// (a log, no report yet) gets its learning curve; JSON-lines logs and report files of other programs
// are left out rather than breaking the page; run folders are found by their summary.json.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { collectReport } from '../../runtime/src/report/collect.js';
import { htmlReport } from '../../runtime/src/report/html-page.js';

it('collects a running training, skips foreign logs and reports, finds runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-collect-'));
    const epoch = (k: number) => JSON.stringify({ epoch: k, lr: 1e-3, seconds: k, train: { loss: 1 / k, energyRmse: 0.01 / k, forceRmse: 0.1 / k } });
    writeFileSync(join(dir, 'si.log.jsonl'), `${[1, 2, 3].map(epoch).join('\n')}\n{"epoch": 4, "tra`); // cut by an interruption
    writeFileSync(join(dir, 'w.log.jsonl'), '{"step": 1, "loss": 0.5}\n'); // another program's log
    writeFileSync(join(dir, 'other.report.json'), '{"hello": 1}\n');
    mkdirSync(join(dir, 'relax'));
    writeFileSync(join(dir, 'relax', 'summary.json'), JSON.stringify({ run: 'relax', protocol: 'rank', calculator: { kind: 'potential', name: 'sw' }, relaxed: false, ranking: [] }));
    const sections = collectReport(dir);
    expect(sections.map((s) => s.title)).toEqual(['Training: si', 'relax (rank)']);
    expect(sections[0]!.text[0]).toMatch(/^No report yet/);
    expect(sections[0]!.figures.map((f) => f.caption)).toEqual(['Learning curve (si.log.jsonl)']);
    expect(sections[0]!.figures[0]!.svg).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>$/);
    expect(sections[1]!.tables[0]!.rows).toContainEqual(['relaxed', 'false']);
    const page = htmlReport('t', sections);
    expect(page).toContain('<h2>relax (rank)</h2>');
    expect(page).not.toMatch(/<script/);
});
