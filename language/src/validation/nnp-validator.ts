// Registers every check per AST type (Langium's ValidationRegistry). The checks live in small
// files by topic; each diagnostic carries a stable code from issue-codes.ts.
import { AstUtils, type AstNode, type ValidationAcceptor, type ValidationChecks } from 'langium';
import type { NnpAstType, Spec } from '../generated/ast.js';
import type { NnpServices } from '../nnp-module.js';
import { checkDuplicateKeywords } from './duplicate-keywords.js';
import { IssueCodes } from './issue-codes.js';
import {
    checkAngular, checkCompactAngular, checkCompactRadial, checkCutoff, checkDescriptorSet, checkElementDecl, checkModel,
    checkNetwork, checkNormalization, checkRadial, checkScaling, reportDuplicates,
} from './model-validator.js';
import { checkAnalyticPotential, checkPotentialCycle } from './potential-validator.js';
import { checkFit, checkScan, checkSurface, checkTwoStateGrid } from './two-state-validator.js';
import { checkIntegers, checkPercent, checkUnits } from './units-validator.js';
import {
    checkDataFile, checkDataset, checkImport, checkWeightsFile, checkLoss, checkOptimizer, checkRun, checkSample, checkScalingFile, checkSplit, checkTraining,
} from './workflow-validator.js';
import { checkConstitutiveModel, checkConstitutiveRun, checkMaterial } from './constitutive-validator.js';

export function registerValidationChecks(services: NnpServices): void {
    const registry = services.validation.ValidationRegistry;
    const checks: ValidationChecks<NnpAstType> = {
        AstNode: [checkIntegers, checkDuplicateKeywords],
        Spec: checkUniqueNames,
        Import: (node, accept) => checkImport(node, accept, services.shared.workspace.LangiumDocuments),
        ElementDecl: checkElementDecl,
        Model: checkModel,
        CutoffSpec: checkCutoff,
        RadialFunction: checkRadial,
        AngularFunction: checkAngular,
        CompactRadialFunction: checkCompactRadial,
        CompactAngularFunction: checkCompactAngular,
        DescriptorSet: checkDescriptorSet,
        NetworkSpec: checkNetwork,
        ScalingSpec: [checkScaling, checkScalingFile],
        WeightsSpec: checkWeightsFile,
        NormalizationSpec: checkNormalization,
        AnalyticPotential: checkAnalyticPotential,
        Potential: checkPotentialCycle,
        Dataset: checkDataset,
        DataFile: checkDataFile,
        Split: checkSplit,
        Sample: checkSample,
        Optimizer: checkOptimizer,
        Loss: checkLoss,
        Training: checkTraining,
        Run: [checkRun, checkConstitutiveRun],
        Material: checkMaterial,
        ConstitutiveModel: checkConstitutiveModel,
        Surface: checkSurface,
        TwoStateGrid: checkTwoStateGrid,
        Fit: checkFit,
        Scan: checkScan,
        Quantity: checkUnits,
        Values: checkUnits,
        Percent: checkPercent,
    };
    registry.register(checks);
}

/** Models, potentials, datasets and descriptor sets share one namespace; runs are named by `as`. */
function checkUniqueNames(spec: Spec, accept: ValidationAcceptor): void {
    const parse = AstUtils.getDocument(spec).parseResult;
    const syntaxErrors = parse.lexerErrors.length + parse.parserErrors.length;
    if (spec.items.length === 0 && spec.imports.length === 0 && syntaxErrors === 0) {
        accept('warning', "This spec defines nothing: start with e.g. 'model name { element Si ... }' or 'potential name = ...'.",
            { node: spec, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, code: IssueCodes.EmptySpec });
    }
    const named = spec.items.filter((i): i is typeof i & { name: string } => 'name' in i && typeof i.name === 'string' && i.$type !== 'Run');
    reportDuplicates(named, (n) => n.name, (n) => accept('error', `The name '${n.name}' is already used in this file.`, { node: n as AstNode, property: 'name', code: IssueCodes.DuplicateName }));
    const runs = spec.items.filter((i) => i.$type === 'Run');
    reportDuplicates(runs, (r) => r.name ?? r.protocol, (r) => accept('error', r.name
        ? `Another run is already named '${r.name}'.`
        : `There are several ${r.protocol} runs: name each with 'as <name>' so 'nnp run' can pick one.`,
    { node: r, property: r.name ? 'name' : 'protocol', code: IssueCodes.DuplicateName }));
}
