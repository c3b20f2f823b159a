// The protocols `nnp run` can run, by the name the grammar gives them.
import type { Protocol } from './context.js';
import { mdProtocol } from './md.js';
import { optimizeProtocol } from './optimize.js';

export const PROTOCOLS: Readonly<Record<string, Protocol>> = {
    md: mdProtocol,
    optimize: optimizeProtocol,
};
