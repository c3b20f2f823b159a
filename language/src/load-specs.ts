// Loads spec files (and, transitively, the files they import) into one Langium workspace,
// builds and validates them. Shared by the CLI and the tests.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { URI, type LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
import type { Diagnostic } from 'vscode-languageserver-types';
import { isSpec, type Spec } from './generated/ast.js';
import { createNnpServices, type NnpServices } from './nnp-module.js';
import { resolveImport } from './nnp-scope.js';

export interface LoadedSpecs {
    readonly services: NnpServices;
    /** The requested documents, in the order given. */
    readonly documents: ReadonlyArray<LangiumDocument<Spec>>;
    /** Every loaded document (requested and imported) with its diagnostics. */
    readonly all: ReadonlyArray<LangiumDocument<Spec>>;
}

export class SpecFileError extends Error {}

/** Largest spec accepted (bytes); beyond it the file is refused with a clear error. */
export const MAX_SPEC_BYTES = 64 * 1024 * 1024;

export async function loadSpecs(paths: readonly string[]): Promise<LoadedSpecs> {
    const services = createNnpServices(NodeFileSystem).Nnp;
    const documents = services.shared.workspace.LangiumDocuments;
    const byUri = new Map<string, LangiumDocument<Spec>>();
    const requested: LangiumDocument<Spec>[] = [];
    const add = (uri: URI): LangiumDocument<Spec> => {
        const known = byUri.get(uri.toString());
        if (known) return known;
        const doc = documents.createDocument(uri, readSpecText(uri.fsPath)) as LangiumDocument<Spec>;
        byUri.set(uri.toString(), doc);
        return doc;
    };
    for (const path of paths) requested.push(add(URI.file(resolve(path))));
    // Follow imports until closed; a missing import is reported by the validator.
    const queue = [...byUri.values()];
    while (queue.length > 0) {
        const doc = queue.shift()!;
        const root = doc.parseResult.value;
        if (!isSpec(root)) continue;
        for (const imp of root.imports) {
            const target = resolveImport(doc.uri, imp.path);
            if (byUri.has(target.toString()) || !existsSync(target.fsPath) || !statSync(target.fsPath).isFile()) continue;
            queue.push(add(target));
        }
    }
    const all = [...byUri.values()];
    await services.shared.workspace.DocumentBuilder.build(all, { validation: true });
    return { services, documents: requested, all };
}

/** Reads a spec as UTF-8, refusing what is not a readable text file. */
function readSpecText(path: string): string {
    if (!existsSync(path)) throw new SpecFileError(`${path}: no such file`);
    const stat = statSync(path);
    if (stat.isDirectory()) throw new SpecFileError(`${path}: is a directory, not a spec file`);
    if (stat.size > MAX_SPEC_BYTES) throw new SpecFileError(`${path}: file is ${(stat.size / 1048576).toFixed(1)} MB; specs larger than ${MAX_SPEC_BYTES / 1048576} MB are refused`);
    const bytes = readFileSync(path);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    return text;
}

export function diagnosticsOf(doc: LangiumDocument): Diagnostic[] {
    return doc.diagnostics ?? [];
}
