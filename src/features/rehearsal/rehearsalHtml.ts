import { formatMs, rehearsalSummary } from '../../core/rehearsal/rehearsalText';
import { oneLine } from '../../core/text/plainText';
import type { RehearsalReport, RehearsedMigration, StatementLock } from '../../core/rehearsal/rehearse';

/** Messages the page posts back to the extension. */
export type RehearsalPageMessage = { kind: 'apply' } | { kind: 'rehearseAgain' } | { kind: 'open'; migration: string; line: number };

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const count = (rows: number | null) => (rows === null ? '—' : rows.toLocaleString('en-US'));

/**
 * The rehearsal as a page: a bar per migration for its time, then each migration's statements with
 * their time and locks, and its tables' rows before and after. Styled by the theme's own colours; the
 * only script posts the buttons' and links' clicks back.
 */
export function rehearsalHtml(report: RehearsalReport, project: string, options: { nonce: string; cspSource: string }): string {
  const canApply = report.outcome === 'applied';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${options.cspSource} 'nonce-${options.nonce}'; script-src 'nonce-${options.nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Rehearsal</title>
<style nonce="${options.nonce}">${STYLE}</style>
</head>
<body>
<h1>Rehearsal of ${escape(project)}</h1>
<p class="summary ${report.outcome === 'failed' ? 'failed' : ''}">${escape(rehearsalSummary(report))}</p>
<div class="actions">
${canApply ? '<button data-kind="apply">Apply Pending Migrations</button>' : ''}
<button data-kind="rehearseAgain" class="${canApply ? 'secondary' : ''}">Rehearse Again</button>
</div>
${report.migrations.length > 0 ? timeChart(report.migrations) : ''}
${report.migrations.filter((m) => m.status !== 'not run').map(migrationSection).join('\n')}
<script nonce="${options.nonce}">
const vscode = acquireVsCodeApi();
// The policy refuses style attributes; widths set through the DOM are allowed.
for (const bar of document.querySelectorAll('[data-width]')) bar.style.width = bar.dataset.width + '%';
document.addEventListener('click', (event) => {
  const target = event.target.closest('[data-kind]');
  if (!target) return;
  event.preventDefault();
  vscode.postMessage({ kind: target.dataset.kind, migration: target.dataset.migration, line: Number(target.dataset.line) });
});
</script>
</body>
</html>`;
}

function timeChart(migrations: readonly RehearsedMigration[]): string {
  const longest = Math.max(...migrations.map((m) => m.ms), 1);
  const rows = migrations.map((m) => {
    const width = m.status === 'not run' ? 0 : Math.max(0.5, (m.ms / longest) * 100);
    return `<div class="bar-row">
<span class="bar-label" title="${escape(m.name)}">${escape(m.name)}</span>
<span class="bar-track"><span class="bar ${m.status.replace(' ', '-')}" data-width="${width.toFixed(1)}"></span></span>
<span class="bar-value">${m.status === 'not run' ? 'not run' : formatMs(m.ms)}</span>
</div>`;
  });
  return `<section aria-label="Time per migration"><h2>Time per migration</h2><div class="chart" role="img" aria-label="${escape(
    migrations.map((m) => `${m.name}: ${m.status === 'not run' ? 'not run' : formatMs(m.ms)}`).join(', '),
  )}">${rows.join('\n')}</div></section>`;
}

const lockCell = (lock: StatementLock) =>
  `<span class="lock mode-${lock.mode.replace(/\s+/g, '-').toLowerCase()}">${escape(lock.mode)}</span> on ${escape(lock.table)} <span class="muted">(${
    lock.rows === null ? 'new table' : `${count(lock.rows)} rows`
  }${lock.seen === 'already held' ? ', already held' : lock.seen === 'statement' && lock.mode !== 'SQLite write lock' ? ', by statement kind' : ''})</span>`;

function migrationSection(migration: RehearsedMigration): string {
  const longest = Math.max(...migration.statements.map((s) => s.ms), 1);
  const statements = migration.statements.map(
    (s) => `<tr class="${s.failed ? 'failed' : ''}">
<td class="num"><a href="#" data-kind="open" data-migration="${escape(migration.name)}" data-line="${s.line}">${s.line}</a></td>
<td><code title="${escape(s.sql)}">${escape(oneLine(s.sql, 90))}</code></td>
<td class="num time"><span class="mini-bar" data-width="${((s.ms / longest) * 100).toFixed(1)}"></span>${formatMs(s.ms)}</td>
<td>${s.locks.map(lockCell).join('<br>')}</td>
</tr>`,
  );
  const error = migration.error
    ? `<div class="error"><strong>${escape(migration.error.code)}${migration.error.line ? ` at line ${migration.error.line}` : ''}</strong><pre>${escape(migration.error.message)}</pre></div>`
    : '';
  const held = migration.held.length
    ? `<p class="muted">Locks held until the migration commits: ${migration.held.map((h) => `${escape(h.mode)} on ${escape(h.table)} for ${formatMs(h.ms)}`).join('; ')}.</p>`
    : '';
  const rows = migration.rows.length
    ? `<table class="rows"><thead><tr><th>Table</th><th class="num">Rows before</th><th class="num">Rows after</th></tr></thead><tbody>${migration.rows
        .map((r) => `<tr class="${r.before !== r.after ? 'changed' : ''}"><td>${escape(r.table)}</td><td class="num">${count(r.before)}</td><td class="num">${r.after === null ? 'dropped' : count(r.after)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  return `<section><h2>${escape(migration.name)} <span class="badge ${migration.status}">${migration.status}</span> <span class="muted">${formatMs(migration.ms)}</span></h2>
${error}
<table class="statements"><thead><tr><th class="num">Line</th><th>Statement</th><th class="num">Time</th><th>Locks</th></tr></thead><tbody>${statements.join('')}</tbody></table>
${held}
${rows}
</section>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 20px 20px; }
h1 { font-size: 1.4em; font-weight: 600; }
h2 { font-size: 1.1em; font-weight: 600; margin-top: 1.6em; }
.summary.failed { color: var(--vscode-errorForeground); }
.muted { color: var(--vscode-descriptionForeground); font-weight: normal; }
.actions { display: flex; gap: 8px; margin: 12px 0; }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 12px; cursor: pointer; font: inherit; }
button:hover { background: var(--vscode-button-hoverBackground); }
button.secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
.chart { display: grid; gap: 4px; max-width: 900px; }
.bar-row { display: grid; grid-template-columns: minmax(120px, 320px) 1fr 70px; gap: 8px; align-items: center; }
.bar-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bar-track { background: var(--vscode-editorWidget-background); height: 14px; }
.bar { display: block; height: 100%; background: var(--vscode-charts-blue); }
.bar.failed { background: var(--vscode-charts-red); }
.bar-value, .num { text-align: right; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; margin-top: 8px; }
th, td { border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border)); padding: 3px 8px; text-align: left; vertical-align: top; }
th { font-weight: 600; }
tr.failed td { background: var(--vscode-inputValidation-errorBackground); }
tr.changed td { font-weight: 600; }
code { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
td.time { position: relative; min-width: 70px; }
.mini-bar { position: absolute; left: 0; bottom: 2px; height: 2px; background: var(--vscode-charts-blue); }
.lock { font-weight: 600; }
.lock.mode-access-exclusive, .lock.mode-exclusive { color: var(--vscode-charts-red); }
.lock.mode-share-row-exclusive, .lock.mode-share { color: var(--vscode-charts-orange); }
.badge { font-size: 0.8em; padding: 1px 6px; border-radius: 8px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); font-weight: normal; }
.badge.failed { background: var(--vscode-charts-red); color: var(--vscode-editor-background); }
.error { border-left: 3px solid var(--vscode-errorForeground); padding: 4px 12px; margin: 8px 0; background: var(--vscode-inputValidation-errorBackground); }
.error pre { white-space: pre-wrap; margin: 4px 0; font-family: var(--vscode-editor-font-family); }
a { color: var(--vscode-textLink-foreground); }
`;
