// Global scope = this file plus the files it imports (transitively). Without this, every .nnp
// file open in a workspace would see every other file's names.
import { DefaultScopeProvider, MultiMapScope, URI, UriUtils, type LangiumCoreServices, type LangiumDocuments, type ReferenceInfo, type Scope, AstUtils } from 'langium';
import { isSpec } from './generated/ast.js';

export class NnpScopeProvider extends DefaultScopeProvider {
    private readonly documents: LangiumDocuments;

    constructor(services: LangiumCoreServices) {
        super(services);
        this.documents = services.shared.workspace.LangiumDocuments;
    }

    protected override getGlobalScope(referenceType: string, context: ReferenceInfo): Scope {
        const uri = AstUtils.getDocument(context.container).uri;
        const visible = importClosure(uri, this.documents);
        const key = `${uri.toString()}\u0000${referenceType}`;
        return this.globalScopeCache.get(key, () => new MultiMapScope(this.indexManager.allElements(referenceType, visible)));
    }
}

/** URIs of a document and everything it imports, directly or indirectly. */
export function importClosure(uri: URI, documents: LangiumDocuments): Set<string> {
    const out = new Set<string>();
    const stack = [uri];
    while (stack.length > 0) {
        const next = stack.pop()!;
        const key = next.toString();
        if (out.has(key)) continue;
        out.add(key);
        const root = documents.getDocument(next)?.parseResult.value;
        if (!isSpec(root)) continue;
        for (const imp of root.imports) stack.push(resolveImport(next, imp.path));
    }
    return out;
}

export function resolveImport(from: URI, path: string): URI {
    return UriUtils.resolvePath(UriUtils.dirname(from), path);
}
