// The dependency-injection module of the .nnp language: Langium's defaults plus what differs.
import { inject, type Module } from 'langium';
import {
    createDefaultModule, createDefaultSharedModule, type DefaultSharedModuleContext, type LangiumServices, type LangiumSharedServices,
    type PartialLangiumServices,
} from 'langium/lsp';
import { NnpGeneratedModule, NnpGeneratedSharedModule } from './generated/module.js';
import { NnpDocumentValidator } from './nnp-document-validator.js';
import { NnpCodeActionProvider } from './lsp/nnp-code-actions.js';
import { NnpCompletionProvider } from './lsp/nnp-completion.js';
import { NnpFormatter } from './lsp/nnp-formatter.js';
import { NnpHoverProvider } from './lsp/nnp-hover.js';
import { NnpInlayHintProvider } from './lsp/nnp-inlay-hints.js';
import { NnpSemanticTokenProvider } from './lsp/nnp-semantic-tokens.js';
import { NnpNameProvider } from './nnp-name-provider.js';
import { createNnpParser } from './nnp-parser.js';
import { NnpScopeComputation } from './nnp-scope-computation.js';
import { NnpScopeProvider } from './nnp-scope.js';
import { NnpValidationRegistry } from './validation/nnp-validation-registry.js';
import { registerValidationChecks } from './validation/nnp-validator.js';

export type NnpAddedServices = object;
export type NnpServices = LangiumServices & NnpAddedServices;

export const NnpModule: Module<NnpServices, PartialLangiumServices & NnpAddedServices> = {
    parser: {
        LangiumParser: (services) => createNnpParser(services),
    },
    references: {
        NameProvider: () => new NnpNameProvider(),
        ScopeComputation: (services) => new NnpScopeComputation(services),
        ScopeProvider: (services) => new NnpScopeProvider(services),
    },
    lsp: {
        HoverProvider: () => new NnpHoverProvider(),
        Formatter: () => new NnpFormatter(),
        CodeActionProvider: (services) => new NnpCodeActionProvider(services.Grammar),
        CompletionProvider: (services) => new NnpCompletionProvider(services),
        InlayHintProvider: () => new NnpInlayHintProvider(),
        SemanticTokenProvider: (services) => new NnpSemanticTokenProvider(services),
    },
    validation: {
        DocumentValidator: (services) => new NnpDocumentValidator(services),
        ValidationRegistry: (services) => new NnpValidationRegistry(services),
    },
};

export function createNnpServices(context: DefaultSharedModuleContext): { shared: LangiumSharedServices; Nnp: NnpServices } {
    const shared = inject(createDefaultSharedModule(context), NnpGeneratedSharedModule);
    const Nnp = inject(createDefaultModule({ shared }), NnpGeneratedModule, NnpModule);
    shared.ServiceRegistry.register(Nnp);
    registerValidationChecks(Nnp);
    if (!context.connection) {
        // Without a language client nobody sends the configuration; mark it ready.
        shared.workspace.ConfigurationProvider.initialized({});
    }
    return { shared, Nnp };
}
