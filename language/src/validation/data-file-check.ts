// A data file named in a spec must parse: the first error of the reader (file:line: expected …)
// becomes a diagnostic on the path string, as the user types. Results are cached by path, size and
// modification time, so a keystroke does not re-read a large training set.
import { statSync } from 'node:fs';
import { readStructures, type StructureFormat } from '../../../runtime/src/io/read-structures.js';

const cache = new Map<string, { key: string; error: string | undefined }>();

/**
 * The reader's error message for the file, or undefined when it parses (or cannot be stat'ed).
 * With `allowNonFinite` (a dataset that says `skip invalid`), NaN/inf values are not errors.
 */
export function dataFileError(path: string, format?: StructureFormat, allowNonFinite = false): string | undefined {
    let key: string;
    try {
        const st = statSync(path);
        if (!st.isFile()) return `${path} is not a file`;
        key = `${st.size}:${st.mtimeMs}:${format ?? ''}:${allowNonFinite}`;
    } catch {
        return undefined; // missing files are reported separately
    }
    const hit = cache.get(path);
    if (hit?.key === key) return hit.error;
    let error: string | undefined;
    try {
        readStructures(path, { ...(format ? { format } : {}), ...(allowNonFinite ? { onNonFinite: () => {} } : {}) });
    } catch (e) {
        error = (e as Error).message;
    }
    cache.set(path, { key, error });
    return error;
}
