// Entry of the bundled command line (out/cli.cjs) that the extension's commands run.
import { main } from '../../compiler/src/cli/main.js';

void main(process.argv.slice(2)).then((code) => process.exit(code));
