// chevrotain 13 (via langium 4.4) calls Object.groupBy, which Node 20 lacks.
import '../scripts/polyfill-groupby.cjs';
