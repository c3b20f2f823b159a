// nnp report <output-dir> [-o file.html]: one self-contained HTML page of everything nnp train and
// nnp run left in a folder (runtime/src/report/collect.ts says what it looks for), written atomically.
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../../../runtime/src/io/atomic-write.js';
import { collectReport } from '../../../../runtime/src/report/collect.js';
import { htmlReport } from '../../../../runtime/src/report/html-page.js';
import { CliError, ExitCode } from '../cli-error.js';

export function reportCommand(dir: string, output: string | undefined, out: (line: string) => void): number {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`nnp report: no such folder: ${dir}`, ExitCode.InputErrors);
    const sections = collectReport(dir);
    if (sections.length === 0) throw new CliError(`nnp report: ${dir} holds no training reports, training logs or run summaries (summary.json)`, ExitCode.InputErrors);
    const path = output ?? join(dir, 'report.html');
    writeFileAtomic(path, htmlReport(`nnp report: ${basename(resolve(dir))}`, sections));
    const figures = sections.reduce((n, s) => n + s.figures.length, 0);
    const tables = sections.reduce((n, s) => n + s.tables.length, 0);
    out(`wrote ${path}: ${sections.length} sections, ${figures} figures, ${tables} tables`);
    return 0;
}
