"""ASE drives `nnp serve` through SocketIOCalculator: a BFGS relaxation and a short MD.

Usage: ase_socket_driver.py <nnp-bin> <spec> <structure> <socket-name> <out.extxyz>
Writes every structure ASE evaluated, with the energy and forces ASE received, to out.extxyz.
"""
import subprocess
import sys

from ase import units
from ase.calculators.singlepoint import SinglePointCalculator
from ase.calculators.socketio import SocketIOCalculator
from ase.io import read, write
from ase.md.verlet import VelocityVerlet
from ase.optimize import BFGS

nnp, spec, structure, name, out = sys.argv[1:6]
atoms = read(structure)
seen = []

client = subprocess.Popen([sys.executable if nnp.endswith('.py') else 'node', nnp, 'serve', spec,
                           '--ipi', f'unix:{name}', '--structure', structure, '--backend', 'reference'])
with SocketIOCalculator(unixsocket=name, timeout=120) as calc:
    atoms.calc = calc

    def record():
        snapshot = atoms.copy()
        snapshot.calc = SinglePointCalculator(snapshot, energy=atoms.get_potential_energy(), forces=atoms.get_forces())
        seen.append(snapshot)

    opt = BFGS(atoms, logfile=None)
    opt.attach(record)
    opt.run(fmax=0.5, steps=4)
    md = VelocityVerlet(atoms, 0.25 * units.fs, logfile=None)
    md.attach(record)
    md.run(4)
client.wait(timeout=120)
write(out, seen)
print(f'{len(seen)} structures, client exit {client.returncode}')
sys.exit(client.returncode)
