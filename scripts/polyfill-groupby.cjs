// Node 20 lacks Object.groupBy / Map.groupBy, which chevrotain 13 (pulled by langium 4.4) calls.
if (typeof Object.groupBy !== 'function') {
  Object.groupBy = (items, key) => { const out = Object.create(null); let i = 0; for (const x of items) { const k = key(x, i++); (out[k] ??= []).push(x); } return out; };
}
if (typeof Map.groupBy !== 'function') {
  Map.groupBy = (items, key) => { const out = new Map(); let i = 0; for (const x of items) { const k = key(x, i++); if (!out.has(k)) out.set(k, []); out.get(k).push(x); } return out; };
}
