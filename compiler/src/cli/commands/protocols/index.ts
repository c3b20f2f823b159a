// The protocols `nnp run` can run, by the name the grammar gives them.
import type { Protocol } from './context.js';
import { curvatureProtocol } from './curvature.js';
import { evaluateProtocol } from './evaluate.js';
import { mdProtocol } from './md.js';
import { nebProtocol } from './neb.js';
import { optimizeProtocol } from './optimize.js';
import { pathProtocol } from './path.js';
import { phononsProtocol } from './phonons.js';
import { rankProtocol } from './rank.js';
import { uncertaintyProtocol } from './uncertainty.js';

export const PROTOCOLS: Readonly<Record<string, Protocol>> = {
    curvature: curvatureProtocol,
    md: mdProtocol,
    optimize: optimizeProtocol,
    neb: nebProtocol,
    path: pathProtocol,
    phonons: phononsProtocol,
    rank: rankProtocol,
    uncertainty: uncertaintyProtocol,
    evaluate: evaluateProtocol,
};
