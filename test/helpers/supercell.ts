export { supercell } from '../../runtime/src/structures/supercell.js';
