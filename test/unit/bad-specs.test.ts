// Every malformed spec in test/files/bad/ gives exactly the diagnostics listed here:
// position (1-based line:col), severity, stable code and message.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, expect, it } from 'vitest';
import { loadSpecs } from '../../language/src/load-specs.js';
import { describe } from '../helpers/specs.js';

const BAD = join(import.meta.dirname, '..', 'files', 'bad');

const EXPECTED: Record<string, Array<[string, 'error' | 'warning', string, string]>> = {
    'activation-count.nnp': [
        ['5:33', 'error', 'activation-count', 'Give one activation for all hidden layers or one per layer (3), got 2.'],
    ],
    'angle-window.nnp': [
        ['5:67', 'error', 'angle-window', 'A window reaching beyond 180° must be centred on 180°, got centre 115°.'],
    ],
    'compact-window.nnp': [
        ['4:35', 'error', 'compact-window', 'The radial window needs \'from\' < \'to\', got 5 to 1.'],
    ],
    'curvature-settings.nnp': [
        ['2:18', 'warning', 'file-missing', 'Data file \'x.extxyz\' does not exist (yet); it must exist when the spec runs.'],
        ['15:36', 'error', 'out-of-range', '\'perturb\' applies to \'init zero\' (a start at a critical point), not to xavier.'],
        ['16:15', 'error', 'run-needs-model', 'A curvature run needs a trained model; \'lj\' is an analytic potential.'],
        ['17:15', 'error', 'run-needs-model', 'A curvature run analyses the training loss of \'n\', which has no train block.'],
        ['18:32', 'error', 'out-of-range', 'Lanczos needs a whole number of steps ≥ 2, got 1.'],
    ],
    'cutoff-nonpositive.nnp': [
        ['3:17', 'error', 'cutoff-nonpositive', 'A cutoff radius must be positive, got -5.'],
    ],
    'data-file-invalid.nnp': [
        ['2:8', 'error', 'data-file-invalid', 'Data file \'data/broken.xyz\' does not parse: data/broken.xyz:4: expected a number for pos y of atom 2, found "abc"'],
    ],
    'data-format.nnp': [
        ['2:8', 'warning', 'file-missing', 'Data file \'structures.txt\' does not exist (yet); it must exist when the spec runs.'],
        ['2:8', 'error', 'data-format', 'Cannot tell the format of \'structures.txt\' from its name: add \'format extxyz\' or \'format n2p2\'.'],
    ],
    'dataset-empty.nnp': [
        ['1:9', 'error', 'dataset-empty', 'Dataset \'d\' has no structures: add \'from "file.extxyz"\' or \'sample <potential> { ... }\'.'],
    ],
    'descriptors-without-network.nnp': [
        ['3:11', 'error', 'descriptors-without-network', 'Element \'O\' has descriptors but no network (add \'network for O { hidden 16 16 activation tanh }\').'],
    ],
    'dimension-range.nnp': [
        ['7:13', 'error', 'out-of-range', 'Expected a value between 2 and 3, got 4.'],
    ],
    'duplicate-element.nnp': [
        ['3:11', 'error', 'duplicate-element', 'Element \'Si\' is declared twice in model \'m\'.'],
    ],
    'duplicate-function.nnp': [
        ['6:5', 'error', 'duplicate-function', 'Duplicate symmetry function for \'Si\': radial Si η=0.2/Å² is defined twice.'],
    ],
    'duplicate-name.nnp': [
        ['2:11', 'error', 'duplicate-name', 'The name \'lj\' is already used in this file.'],
    ],
    'duplicate-setting.nnp': [
        ['5:45', 'error', 'duplicate-setting', '\'hidden\' is given twice; only the last would count.'],
    ],
    'eta-negative.nnp': [
        ['4:38', 'error', 'eta-negative', 'η must not be negative, got -0.2.'],
    ],
    'eta-unit-length.nnp': [
        ['4:48', 'error', 'wrong-unit', 'Wrong unit: expected an inverse squared length (e.g. /A^2, /bohr^2), got a length.'],
    ],
    'file-missing.nnp': [
        ['2:8', 'warning', 'file-missing', 'Data file \'no/such/file.extxyz\' does not exist (yet); it must exist when the spec runs.'],
    ],
    'import-missing.nnp': [
        ['1:8', 'error', 'import-missing', 'Imported file \'shared/descriptors.nnp\' does not exist.'],
    ],
    'include-cycle.nnp': [
        ['1:16', 'error', 'include-cycle', 'Descriptor set \'a\' includes itself (a → b → a).'],
        ['2:16', 'error', 'include-cycle', 'Descriptor set \'b\' includes itself (b → a → b).'],
    ],
    'inner-fraction-range.nnp': [
        ['3:28', 'error', 'inner-fraction-range', 'The inner-cutoff fraction must lie in [0, 1), got 1.'],
    ],
    'inner-fraction-unused.nnp': [
        ['3:27', 'warning', 'inner-fraction-unused', 'The \'tanh\' cutoff has no inner cutoff; \'inner 0.2\' is ignored.'],
    ],
    'lambda-range.nnp': [
        ['4:66', 'warning', 'lambda-range', 'λ is normally −1 or +1; 2 lies outside [−1, 1], so (1 + λ cos θ) changes sign.'],
    ],
    'loss-weights.nnp': [
        ['10:3', 'error', 'loss-weights', 'The loss needs a positive weight on energies or forces.'],
    ],
    'lowercase-element.nnp': [
        ['2:11', 'error', 'unknown-element', '\'si\' is not a chemical element symbol. Did you mean \'Si\' or \'Li\' or \'S\'?'],
    ],
    'missing-cutoff.nnp': [
        ['3:24', 'error', 'missing-cutoff', 'No cutoff for this function: add \'cutoff <kind> <radius>\' to the model or the descriptor block, or \'cutoff <radius>\' here.'],
    ],
    'missing-parameter.nnp': [
        ['4:24', 'error', 'missing-parameter', 'An angular function needs \'lambda\'.'],
    ],
    'missing-unit.nnp': [
        ['3:17', 'error', 'missing-unit', 'Missing unit: expected a length (e.g. A, bohr, nm).'],
    ],
    'neighbor-not-in-model.nnp': [
        ['7:5', 'error', 'neighbor-not-in-model', 'This function names element \'Cl\', which model \'m\' does not declare.'],
    ],
    'network-layers.nnp': [
        ['5:3', 'error', 'network-layers', 'A network needs hidden layer sizes (e.g. \'hidden 16 16\') or \'linear\' for a ridge-regression model.'],
    ],
    'network-without-descriptors.nnp': [
        ['3:11', 'error', 'network-without-descriptors', 'Element \'O\' has a network but no descriptors (add \'descriptors for O { ... }\').'],
    ],
    'normalization-incomplete.nnp': [
        ['6:3', 'error', 'normalization-incomplete', 'Energy normalisation needs mean_energy, conv_energy and conv_length; missing conv_length.'],
    ],
    'not-integer.nnp': [
        ['5:27', 'error', 'not-integer', 'Expected a whole number, got 8.5.'],
    ],
    'optimizer-model.nnp': [
        ['10:13', 'error', 'optimizer-model', 'The closed-form ridge fit needs \'linear\' networks; model \'m\' has hidden layers.'],
    ],
    'optimizer-option.nnp': [
        ['10:26', 'error', 'optimizer-option', '\'momentum\' is not an option of the adam optimizer (options: lr, beta1, beta2, epsilon).'],
    ],
    'potential-cycle.nnp': [
        ['1:11', 'error', 'potential-cycle', 'Potential \'a\' refers to itself.'],
        ['2:11', 'error', 'potential-cycle', 'Potential \'b\' refers to itself.'],
    ],
    'potential-param-missing.nnp': [
        ['1:15', 'error', 'potential-param-missing', 'morse needs r0.'],
    ],
    'potential-param-unknown.nnp': [
        ['1:77', 'error', 'potential-param-unknown', '\'c9\' is not a parameter of lennard_jones (allowed: epsilon, sigma, cutoff, shift).'],
    ],
    'run-missing.nnp': [
        ['2:5', 'error', 'run-missing', 'This md run needs \'timestep\'.'],
    ],
    'run-needs-model.nnp': [
        ['2:17', 'error', 'run-needs-model', 'An uncertainty run needs a trained model; \'lj\' is an analytic potential.'],
        ['2:25', 'warning', 'file-missing', 'Structure file \'x.extxyz\' does not exist (yet); it must exist when the spec runs.'],
    ],
    'run-not-applicable.nnp': [
        ['4:3', 'error', 'run-not-applicable', '\'images\' does not apply to optimize runs.'],
    ],
    'solid-state-neb.nnp': [
        ['3:52', 'error', 'out-of-range', 'The strain spread must lie in (0, 0.5), got 0.7.'],
        ['7:3', 'error', 'run-not-applicable', '\'variable_cell\' does not apply to optimize runs.'],
        ['8:3', 'error', 'run-not-applicable', '\'relax_ends\' does not apply to optimize runs.'],
    ],
    'scaling-range.nnp': [
        ['6:28', 'error', 'scaling-range', 'The scaling range needs min < max, got 1 to -1.'],
    ],
    'split-sum.nnp': [
        ['4:3', 'error', 'split-sum', 'The split adds up to 105%, not 100%.'],
    ],
    'stillinger-weber-defaults.nnp': [
        ['1:16', 'error', 'potential-param-missing', 'stillinger_weber needs sigma, a, lambda, gamma, A_pair, B_pair, p, q, costheta0 (defaults exist only for Si).'],
    ],
    'syntax-error.nnp': [
        ['5:3', 'error', 'parsing-error', 'Expecting token of type \'}\' but found `network`.'],
    ],
    'timestep-large.nnp': [
        ['11:12', 'warning', 'timestep-large', 'A timestep of 2 fs is large for H (1.008 amu): keep it below about 1 fs for stable dynamics.'],
    ],
    'unexpected-unit.nnp': [
        ['4:74', 'error', 'unexpected-unit', 'This number is dimensionless and takes no unit.'],
    ],
    'unknown-element.nnp': [
        ['2:11', 'error', 'unknown-element', '\'Xx\' is not a chemical element symbol. Did you mean \'Xe\'?'],
    ],
    'unknown-unit.nnp': [
        ['3:21', 'error', 'unknown-unit', 'Unknown unit \'Ang2\'. Did you mean \'Ang\'?'],
    ],
    'unresolved-dataset.nnp': [
        ['7:12', 'error', 'unresolved-reference', 'Unknown dataset \'argon_data\'.'],
    ],
    'unresolved-element-ref.nnp': [
        ['5:18', 'error', 'unresolved-reference', 'Unknown element \'Ho\' in this model. Did you mean \'H\'?'],
    ],
    'wrong-unit.nnp': [
        ['3:21', 'error', 'wrong-unit', 'Wrong unit: expected a length (e.g. A, bohr, nm), got a time.'],
    ],
    'zeta-below-one.nnp': [
        ['4:71', 'error', 'zeta-below-one', 'ζ must be at least 1, got 0.5.'],
    ],
};

suite('malformed specs', () => {
    it('every file in test/files/bad has an expectation', () => {
        expect(readdirSync(BAD).filter((f) => f.endsWith('.nnp')).sort()).toEqual(Object.keys(EXPECTED).sort());
    });

    for (const [file, expected] of Object.entries(EXPECTED)) {
        it(file, async () => {
            const { documents } = await loadSpecs([join(BAD, file)]);
            const actual = (documents[0]!.diagnostics ?? [])
                .map(describe)
                .sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }) || a[2]!.localeCompare(b[2]!));
            const want = [...expected].sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }) || a[2].localeCompare(b[2]));
            expect(actual).toEqual(want);
        });
    }
});
