// Loads spec files (and, transitively, the files they import) into one Langium workspace,
// builds and validates them. Shared by the CLI and the tests.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { URI, type LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
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

/** Files beyond this are refused before reading (the parser itself stops at MAX_SPEC_CHARS). */
const MAX_SPEC_BYTES = 64 * 1024 * 1024;

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
    if (bytes.subarray(0, 8192).includes(0)) throw new SpecFileError(`${path}: binary file (contains NUL bytes), not a .nnp spec`);
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
        const bad = firstInvalidUtf8(bytes);
        throw new SpecFileError(`${path}:${bad.line}:${bad.column}: not valid UTF-8 text (byte 0x${bytes[bad.offset]!.toString(16)} at offset ${bad.offset}); save the spec as UTF-8`);
    }
}

/** Position of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): { offset: number; line: number; column: number } {
    let line = 1;
    let column = 1;
    for (let i = 0; i < bytes.length;) {
        const b = bytes[i]!;
        const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
        let ok = len > 0 && i + len <= bytes.length;
        for (let k = 1; ok && k < len; k++) ok = (bytes[i + k]! & 0xc0) === 0x80;
        if (!ok || new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(i, i + len)).includes('\uFFFD')) return { offset: i, line, column };
        if (b === 0x0a) {
            line++;
            column = 1;
        } else column++;
        i += len;
    }
    return { offset: bytes.length, line, column };
}
