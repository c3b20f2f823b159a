// Test helpers: check spec files or in-memory texts with the real services.
import { URI, type LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
import type { Diagnostic } from 'vscode-languageserver-types';
import { createNnpServices } from '../../language/src/nnp-module.js';
import type { Spec } from '../../language/src/generated/ast.js';

const services = createNnpServices(NodeFileSystem).Nnp;
let counter = 0;

/** Parses and validates `text` as if it were the file at `path` (default: a fresh in-memory name). */
export async function checkText(text: string, path = `/virtual/spec-${counter++}.nnp`): Promise<LangiumDocument<Spec>> {
    const documents = services.shared.workspace.LangiumDocuments;
    const uri = URI.file(path);
    if (documents.hasDocument(uri)) documents.deleteDocument(uri);
    const doc = documents.createDocument(uri, text) as LangiumDocument<Spec>;
    await services.shared.workspace.DocumentBuilder.build([doc], { validation: true });
    documents.deleteDocument(uri);
    return doc;
}

export { diagnosticCode as codeOf } from '../../language/src/diagnostic-code.js';
import { diagnosticCode as codeOf } from '../../language/src/diagnostic-code.js';

/** `line:col severity code message`, 1-based like the CLI. */
export function describe(d: Diagnostic): [string, string, string | undefined, string] {
    return [`${d.range.start.line + 1}:${d.range.start.character + 1}`, d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info', codeOf(d), typeof d.message === "string" ? d.message : d.message.value];
}

export { services };
