// One self-contained HTML page from report sections: inline CSS and inline SVG, no script, no
// external reference of any kind, so it opens offline and can be mailed or archived as one file.
import type { ReportSection, ReportTable } from './collect.js';

function esc(s: string): string {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; }
header, section { max-width: 1340px; margin: 0 auto; padding: 12px 24px; }
header { border-bottom: 1px solid #ddd; }
h1 { font-size: 24px; margin: 8px 0; }
h2 { font-size: 19px; margin: 18px 0 4px; border-bottom: 1px solid #e4e4e4; padding-bottom: 4px; }
.source { color: #666; font-size: 13px; margin: 0 0 8px; font-family: ui-monospace, Menlo, Consolas, monospace; }
nav ol { columns: 2; margin: 6px 0; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13px; background: white; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid #d8d8d8; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f0f0f0; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; background: white; border: 1px solid #ddd; padding: 6px; width: 620px; max-width: 100%; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 13px; color: #444; padding-top: 4px; }
`;

function table(t: ReportTable): string {
    return [
        '<table>',
        `<caption>${esc(t.caption)}</caption>`,
        `<thead><tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`,
        `<tbody>${t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}</tbody>`,
        '</table>',
    ].join('\n');
}

function section(s: ReportSection): string {
    return [
        `<section id="${esc(s.id)}">`,
        `<h2>${esc(s.title)}</h2>`,
        `<p class="source">${esc(s.source)}</p>`,
        ...s.text.map((p) => `<p>${esc(p)}</p>`),
        ...s.tables.map(table),
        s.figures.length > 0 ? `<div class="figures">\n${s.figures.map((f) => `<figure>\n${f.svg}\n<figcaption>${esc(f.caption)}</figcaption>\n</figure>`).join('\n')}\n</div>` : '',
        '</section>',
    ].join('\n');
}

export function htmlReport(title: string, sections: readonly ReportSection[]): string {
    const figures = sections.reduce((n, s) => n + s.figures.length, 0);
    return [
        '<!DOCTYPE html>',
        '<html lang="en">',
        '<head>',
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        `<title>${esc(title)}</title>`,
        `<style>${STYLE}</style>`,
        '</head>',
        '<body>',
        '<header>',
        `<h1>${esc(title)}</h1>`,
        `<p>${sections.length} section${sections.length === 1 ? '' : 's'}, ${figures} figure${figures === 1 ? '' : 's'}.</p>`,
        `<nav><ol>${sections.map((s) => `<li><a href="#${esc(s.id)}">${esc(s.title)}</a></li>`).join('')}</ol></nav>`,
        '</header>',
        ...sections.map(section),
        '</body>',
        '</html>',
        '',
    ].join('\n');
}
