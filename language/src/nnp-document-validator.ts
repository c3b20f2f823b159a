// Unresolved references get the project's own code and wording, with suggestions.
import { DefaultDocumentValidator, type LangiumCoreServices, type LangiumDocument, type ScopeProvider, type ValidationOptions } from 'langium';
import type { Diagnostic } from 'vscode-languageserver-types';
import { IssueCodes } from './validation/issue-codes.js';
import { editDistance } from './units.js';

/** What a reference names, by `<container type>.<property>`, for messages. */
const TARGET_WORDS: Readonly<Record<string, string>> = {
    'DescriptorBlock.elements': 'element',
    'NetworkSpec.elements': 'element',
    'IncludeSet.set': 'descriptor set',
    'PotentialRef.ref': 'potential',
    'Sample.potential': 'potential',
    'Training.model': 'model',
    'Training.datasets': 'dataset',
    'Run.calculator': 'model, potential or constitutive model',
    'Compare.other': 'model, potential or material',
    'StrainStates.material': 'material',
    'Versus.others': 'constitutive model',
};

export class NnpDocumentValidator extends DefaultDocumentValidator {
    private readonly scopeProvider: ScopeProvider;

    constructor(services: LangiumCoreServices) {
        super(services);
        this.scopeProvider = services.references.ScopeProvider;
    }

    protected override processLinkingErrors(document: LangiumDocument, diagnostics: Diagnostic[], _options: ValidationOptions): void {
        for (const reference of document.references) {
            const error = reference.error;
            if (!error) continue;
            const { container, property, index } = error.info;
            const text = reference.$refText;
            const word = TARGET_WORDS[`${container.$type}.${property}`] ?? 'name';
            const candidates = this.candidateNames(document, error.info);
            const close = candidates.filter((c) => editDistance(c.toLowerCase(), text.toLowerCase()) <= Math.max(1, Math.floor(text.length / 3)));
            const where = word === 'element' ? ' in this model' : '';
            const hint = close.length > 0 ? ` Did you mean ${close.slice(0, 3).map((c) => `'${c}'`).join(' or ')}?` : '';
            diagnostics.push(this.toDiagnostic('error', `Unknown ${word} '${text}'${where}.${hint}`, {
                node: container, range: reference.$refNode?.range, property, index,
                data: { code: IssueCodes.UnresolvedReference, refText: text, suggestions: close },
            }));
        }
    }

    private candidateNames(document: LangiumDocument, info: NonNullable<(typeof document.references)[number]['error']>['info']): string[] {
        try {
            const scope = this.scopeProvider.getScope(info);
            return [...new Set(scope.getAllElements().map((d) => d.name).toArray())];
        } catch {
            return [];
        }
    }
}
