// `nnp run` as users run it: md with the imported n2p2 water potential on WebGPU conserves energy
// (NVE, 0.25 fs), md and optimize with an analytic potential write their log, trajectory and
// summary, and an uncertainty run of a model without weights says what it needs.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nnp } from '../helpers/cli.js';
import { BOHR_A, HARTREE_EV } from '../../language/src/units.js';
import { readStructures, writeStructures } from '../../runtime/src/io/read-structures.js';
import { sharedData } from '../helpers/shared-data.js';
import { supercell } from '../helpers/supercell.js';
import { crystal } from '../../runtime/src/structures/crystal.js';



describe('nnp run', () => {
    it('NVE with the imported water potential on WebGPU: energy drift ≤ 1e-4 eV/atom/ps (192 atoms, 0.25 fs)', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-run-'));
        expect(nnp(['import', 'n2p2', sharedData('n2p2', 'potentials', 'H2O_RPBE-D3'), '-o', 'h2o.nnp', '--length-unit', 'bohr', '--energy-unit', 'Ha'], dir).code).toBe(0);
        const box = readStructures(sharedData('n2p2', 'structures', 'H2O_48.data'), { units: { length: BOHR_A, energy: HARTREE_EV } })[0]!;
        writeStructures(join(dir, 'box.xyz'), [supercell({ ...box, energy: undefined, forces: undefined, charges: undefined }, [2, 2, 1])]);
        writeFileSync(join(dir, 'md.nnp'), `import "h2o.nnp"
run md H2O_RPBE_D3 as water_nve {
  from "box.xyz"
  ensemble nve
  timestep 0.25 fs
  steps 400
  velocities 300 K
  seed 1
  log "out/nve.csv" every 10
}
`);
        const r = nnp(['run', 'md.nnp'], dir);
        expect(r.code, r.err).toBe(0);
        const summary = JSON.parse(readFileSync(join(dir, 'out', 'water_nve', 'summary.json'), 'utf8')) as { atoms: number; conservedDriftEvPerAtomPs: number; meanTemperatureK: number };
        expect(summary.atoms).toBe(192);
        expect(Math.abs(summary.conservedDriftEvPerAtomPs)).toBeLessThanOrEqual(1e-4);
        expect(summary.meanTemperatureK).toBeGreaterThan(100);
        const csv = readFileSync(join(dir, 'out', 'nve.csv'), 'utf8').trim().split('\n');
        expect(csv[0]).toBe('step,time_fs,temperature_K,potential_eV,kinetic_eV,total_eV,conserved_eV,pressure_bar,volume_A3');
        expect(csv).toHaveLength(42);
    }, 600_000);

    it('md and optimize with an analytic potential; an uncertainty run needs trained weights', () => {
        const dir = mkdtempSync(join(tmpdir(), 'nnp-run-'));
        writeFileSync(join(dir, 'sw.nnp'), `potential sw = stillinger_weber Si { }
run md sw as heat {
  crystal diamond Si a 5.431 A supercell 2 2 2
  ensemble nvt langevin 500 K damping 50 fs
  timestep 1 fs
  steps 60
  velocities 500 K
  trajectory "out/heat.extxyz" every 20
}
run optimize sw as squeeze {
  from "out/heat.extxyz"
  method fire
  fmax 0.001 eV/A
  output "out/squeeze"
}
`);
        const md = nnp(['run', 'sw.nnp', 'heat'], dir);
        expect(md.code, md.err).toBe(0);
        expect(md.out).toMatch(/^heat: 60 steps \(nvt langevin, device-resident\)/);
        expect(readStructures(join(dir, 'out', 'heat.extxyz')).map((s) => s.info['step'])).toEqual([0, 20, 40, 60]);
        // the optimiser starts from the first frame of the file: the perfect crystal, already relaxed
        const opt = nnp(['run', 'sw.nnp', 'squeeze'], dir);
        expect(opt.code, opt.err).toBe(0);
        expect(opt.out).toMatch(/^squeeze: fire converged in 0 steps \(1 evaluations\)/);
        expect(existsSync(join(dir, 'out', 'squeeze', 'final.extxyz'))).toBe(true);
        writeFileSync(join(dir, 'u.nnp'), `model m {
  element Si mass 28.0855 amu
  cutoff cosine 4.0 A
  descriptors for Si { radial Si grid centered 4 from 2.0 A to 4.0 A }
  network for Si { hidden 4 activation tanh }
}
run uncertainty m as modes {
  on "cell.xyz"
}
`);
        writeStructures(join(dir, 'cell.xyz'), [crystal('diamond', 'Si', 5.431)]);
        const ph = nnp(['run', 'u.nnp', 'modes'], dir);
        expect(ph.code).toBe(1);
        expect(ph.err.trim()).toMatch(/^nnp run: 'modes': model 'm' has no weights yet \(train it with nnp train, or add 'weights "file.weights.json"'\)$/);
    });
});
