// Headless Chromium for tests of rendered pages (Debian's `chromium`, installed by scripts/test.sh
// as root): the DOM after load, and a screenshot, with the flags that keep it off the network.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

function headless(page: string, width: number, height: number, extra: string[]): string {
    if (!CHROMIUM) throw new Error('Chromium not found (apt-get install chromium)');
    const flags = [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--hide-scrollbars', '--force-device-scale-factor=1',
        `--user-data-dir=${mkdtempSync(join(tmpdir(), 'nnp-chromium-'))}`, `--window-size=${width},${height}`,
    ];
    const r = spawnSync(CHROMIUM, [...flags, ...extra, pathToFileURL(page).href], { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 << 20 });
    if (r.status !== 0) throw new Error(`chromium exited with ${r.status}: ${r.stderr}`);
    return r.stdout;
}

/** The serialised DOM after the page's load (its scripts run). */
export function dumpDom(page: string, width = 1340, height = 900): string {
    return headless(page, width, height, ['--dump-dom']);
}

/** A PNG screenshot of the window (width × height CSS pixels, scale 1). */
export function screenshot(page: string, png: string, width: number, height: number): void {
    headless(page, width, height, [`--screenshot=${png}`]);
    if (!existsSync(png)) throw new Error(`chromium wrote no screenshot ${png}`);
}
