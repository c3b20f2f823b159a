// nnp check <files…>: every diagnostic of the files and of what they import.
import { loadSpecs, type LoadedSpecs } from '../../../../language/src/load-specs.js';
import { displayPath, formatDiagnostic, sortedDiagnostics } from '../format-diagnostics.js';

export interface CheckResult {
    readonly loaded: LoadedSpecs;
    readonly errors: number;
    readonly warnings: number;
    readonly lines: string[];
}

export async function checkFiles(paths: readonly string[]): Promise<CheckResult> {
    const loaded = await loadSpecs(paths);
    const lines: string[] = [];
    let errors = 0;
    let warnings = 0;
    for (const doc of loaded.all) {
        for (const d of sortedDiagnostics(doc)) {
            if (d.severity === 1) errors++;
            else if (d.severity === 2) warnings++;
            lines.push(formatDiagnostic(displayPath(doc), d));
        }
    }
    return { loaded, errors, warnings, lines };
}

export async function checkCommand(paths: readonly string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
    const result = await checkFiles(paths);
    for (const line of result.lines) out(line);
    const files = result.loaded.all.length;
    err(`nnp check: ${files} file${files === 1 ? '' : 's'}, ${result.errors} error${result.errors === 1 ? '' : 's'}, ${result.warnings} warning${result.warnings === 1 ? '' : 's'}`);
    return result.errors > 0 ? 1 : 0;
}
