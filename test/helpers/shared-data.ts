// Reference data from ../shared/data (n2p2 potentials and outputs, mlearn). CI sets
// NNP_SHARED_DATA; locally the sibling folder of the checkout is used. Missing data fails the
// test instead of skipping it.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function sharedData(...parts: string[]): string {
    const root = process.env['NNP_SHARED_DATA'] ?? resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');
    const path = join(root, ...parts);
    if (!existsSync(path)) throw new Error(`shared test data not found: ${path} (set NNP_SHARED_DATA to the shared/data folder)`);
    return path;
}
