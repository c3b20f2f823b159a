// Property test: 1000 random edits of the examples (deletions, insertions, truncations,
// duplicated lines) never make the parser or validator throw, every diagnostic has a valid
// range, no check fails internally, and error-free results lower to the IR.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lowerSpec } from '../../compiler/src/lower/lower-spec.js';
import { rng } from '../helpers/random-model.js';
import { checkText, codeOf } from '../helpers/specs.js';

const EXAMPLES = ['water', 'silicon', 'argon'].map((e) => readFileSync(join(import.meta.dirname, '..', '..', 'examples', e, 'model.nnp'), 'utf8'));
const SNIPPETS = ['{', '}', 'model', ' eV', ' /A^2', '[', ']', '-', '1e999', '0', '"', 'element K ', 'radial', '%', 'for', ',', '\u0000', 'é', '\n', ' A ', '^', '/'];

function mutate(text: string, random: () => number): string {
    const pick = (n: number) => Math.floor(random() * n);
    const edits = 1 + pick(3);
    for (let e = 0; e < edits; e++) {
        const at = pick(text.length + 1);
        switch (pick(5)) {
            case 0: // delete a span
                text = text.slice(0, at) + text.slice(at + 1 + pick(40));
                break;
            case 1: // insert a snippet
                text = text.slice(0, at) + SNIPPETS[pick(SNIPPETS.length)]! + text.slice(at);
                break;
            case 2: // truncate
                text = text.slice(0, at);
                break;
            case 3: { // duplicate a line
                const lines = text.split('\n');
                const i = pick(lines.length);
                lines.splice(i, 0, lines[i]!);
                text = lines.join('\n');
                break;
            }
            default: { // swap two characters (token-level damage)
                const b = pick(text.length);
                const chars = [...text];
                [chars[at], chars[b]] = [chars[b]!, chars[at]!];
                text = chars.join('');
            }
        }
    }
    return text;
}

it('survives 1000 random edits of the examples', { timeout: 300_000 }, async () => {
    const random = rng(20261128);
    for (let i = 0; i < 1000; i++) {
        const text = mutate(EXAMPLES[i % EXAMPLES.length]!, random);
        const lineCount = text.split('\n').length;
        let doc;
        try {
            doc = await checkText(text);
        } catch (err) {
            throw new Error(`iteration ${i}: ${String(err)}\n--- input ---\n${text}`);
        }
        for (const d of doc.diagnostics ?? []) {
            const { start, end } = d.range;
            const ok = [start.line, start.character, end.line, end.character].every((n) => Number.isInteger(n) && n >= 0)
                && start.line < lineCount && end.line < lineCount
                && (start.line < end.line || (start.line === end.line && start.character <= end.character));
            expect(ok, `iteration ${i}: bad range ${JSON.stringify(d.range)} for "${d.message}"`).toBe(true);
            expect(codeOf(d), `iteration ${i}: ${d.message}\n--- input ---\n${text}`).not.toBe('internal-error');
            expect(d.message, `iteration ${i}`).not.toMatch(/An error occurred/);
        }
        if (!(doc.diagnostics ?? []).some((d) => d.severity === 1)) {
            expect(() => lowerSpec(doc.parseResult.value), `iteration ${i}: lowering threw\n${text}`).not.toThrow();
        }
    }
});
