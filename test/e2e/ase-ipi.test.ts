// ASE (Debian's python3-ase) runs a BFGS relaxation and a short MD through SocketIOCalculator with
// `nnp serve` as the i-PI driver; the energies and forces ASE received equal `nnp eval`'s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { readStructures } from '../../runtime/src/io/read-structures.js';
import { sharedData } from '../helpers/shared-data.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PYTHON = '/usr/bin/python3';

function run(cmd: string, args: string[]) {
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
    return { code: r.status, out: r.stdout, err: r.stderr };
}

it('ASE relaxes and runs MD through nnp serve; what ASE sees equals nnp eval', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-ase-'));
    const nnp = join(ROOT, 'bin', 'nnp.js');
    const spec = join(dir, 'h2o.nnp');
    expect(run(process.execPath, [nnp, 'import', 'n2p2', sharedData('n2p2', 'potentials', 'H2O_RPBE-D3'), '-o', spec, '--length-unit', 'bohr', '--energy-unit', 'Ha']).code).toBe(0);
    const start = join(dir, 'start.xyz');
    expect(run(process.execPath, [nnp, 'convert', sharedData('n2p2', 'structures', 'H2O_48.data'), start, '--length-unit', 'bohr', '--energy-unit', 'Ha']).code).toBe(0);
    const seen = join(dir, 'seen.extxyz');
    const ase = run(PYTHON, [join(ROOT, 'test', 'python', 'ase_socket_driver.py'), nnp, spec, start, `nnp_test_${process.pid}`, seen]);
    expect(ase.code, ase.err + ase.out).toBe(0);
    const evaluated = run(process.execPath, [nnp, 'eval', spec, seen, '--backend', 'reference', '--json']);
    expect(evaluated.code, evaluated.err).toBe(0);
    const ours = JSON.parse(evaluated.out) as { structures: Array<{ energy: number; forces: number[][] }> };
    const asesaw = readStructures(seen);
    expect(asesaw.length).toBeGreaterThanOrEqual(6);
    asesaw.forEach((s, k) => {
        const o = ours.structures[k]!;
        // ASE converts with CODATA 2014 bohr/hartree, nnp with CODATA 2018 (4e-10 apart): positions
        // differ by ~4e-9 Å, which moves forces by ~1e-7 eV/Å
        expect(Math.abs(s.energy! - o.energy)).toBeLessThan(1e-8 * Math.abs(o.energy));
        o.forces.forEach((f, i) => f.forEach((x, c) => expect(Math.abs(s.forces![3 * i + c]! - x)).toBeLessThan(1e-6)));
    });
});

it('ASE reads our extended XYZ (from n2p2 input.data) with every number exact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-ase-read-'));
    const xyz = join(dir, 'cu2s.extxyz');
    expect(run(process.execPath, [join(ROOT, 'bin', 'nnp.js'), 'convert', sharedData('n2p2', 'structures', 'Cu2S_PBE.train.data'), xyz]).code).toBe(0);
    const script = [
        'import json, sys',
        'from ase.io import read',
        "frames = read(sys.argv[1], ':')",
        "print(json.dumps([dict(symbols=a.get_chemical_symbols(), positions=a.positions.ravel().tolist(), cell=a.cell.array.ravel().tolist(), pbc=a.pbc.tolist(), energy=a.get_potential_energy(), forces=a.get_forces().ravel().tolist()) for a in frames]))",
    ].join('\n');
    const r = run(PYTHON, ['-c', script, xyz]);
    expect(r.code, r.err).toBe(0);
    const ase = JSON.parse(r.out) as Array<{ symbols: string[]; positions: number[]; cell: number[]; pbc: boolean[]; energy: number; forces: number[] }>;
    const ours = readStructures(xyz);
    expect(ase).toHaveLength(ours.length);
    ours.forEach((s, k) => {
        expect(ase[k]!.symbols).toEqual(s.symbols);
        expect(ase[k]!.positions).toEqual([...s.positions]);
        expect(ase[k]!.cell).toEqual([...s.cell!]);
        expect(ase[k]!.pbc).toEqual([...s.pbc]);
        expect(ase[k]!.energy).toBe(s.energy);
        expect(ase[k]!.forces).toEqual([...s.forces!]);
    });
});

it('round trips: ASE writes extended XYZ, nnp reads every number as ASE does, and extxyz → input.data → extxyz keeps them exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnp-ase-write-'));
    const ours = join(dir, 'cu2s.extxyz');
    const nnp = join(ROOT, 'bin', 'nnp.js');
    expect(run(process.execPath, [nnp, 'convert', sharedData('n2p2', 'structures', 'Cu2S_PBE.train.data'), ours]).code).toBe(0);
    // ASE writes what it read (positions and forces with its own 8 decimals, energy and cell in full),
    // then reads its file back: nnp must read that file to the same numbers
    const fromAse = join(dir, 'ase.extxyz');
    const script = [
        'import json, sys',
        'from ase.io import read, write',
        "write(sys.argv[2], read(sys.argv[1], ':'), format='extxyz')",
        "frames = read(sys.argv[2], ':')",
        "print(json.dumps([dict(symbols=a.get_chemical_symbols(), positions=a.positions.ravel().tolist(), cell=a.cell.array.ravel().tolist(), pbc=a.pbc.tolist(), energy=a.get_potential_energy(), forces=a.get_forces().ravel().tolist()) for a in frames]))",
    ].join('\n');
    const r = run(PYTHON, ['-c', script, ours, fromAse]);
    expect(r.code, r.err).toBe(0);
    const ase = JSON.parse(r.out) as Array<{ symbols: string[]; positions: number[]; cell: number[]; pbc: boolean[]; energy: number; forces: number[] }>;
    const read = readStructures(fromAse);
    expect(read).toHaveLength(ase.length);
    const same = (a: ReturnType<typeof readStructures>[number], b: { symbols: string[]; positions: number[]; cell: number[]; pbc: boolean[]; energy: number; forces: number[] }) => {
        expect(a.symbols).toEqual(b.symbols);
        expect([...a.positions]).toEqual(b.positions);
        expect([...a.cell!]).toEqual(b.cell);
        expect([...a.pbc]).toEqual(b.pbc);
        expect(a.energy).toBe(b.energy);
        expect([...a.forces!]).toEqual(b.forces);
    };
    read.forEach((s, k) => same(s, ase[k]!));
    // and through n2p2's input.data (eV and Å) and back
    const data = join(dir, 'input.data');
    const back = join(dir, 'back.extxyz');
    expect(run(process.execPath, [nnp, 'convert', fromAse, data]).code).toBe(0);
    expect(run(process.execPath, [nnp, 'convert', data, back]).code).toBe(0);
    readStructures(back).forEach((s, k) => same(s, ase[k]!));
});
