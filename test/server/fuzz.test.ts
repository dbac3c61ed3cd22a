// 1,000 random edits of the 100-model schema (200 migrations) sent to the shipped language server, in
// bursts, half-typed and invalid text included: the server must keep answering, and whenever typing
// pauses, what it published for the last version must be what a fresh analysis of that text says.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver/node';
import { discoverProject } from '../../src/core/project/discover';
import type { PrismaProject } from '../../src/core/types';
import { PROJECTS_NOTIFICATION, toServerProject } from '../../src/shared/protocol';
import { SchemaAnalysisService } from '../../src/server/schemaAnalysis';
import { schemaDiagnostics } from '../../src/server/schemaDiagnostics';
import { writeLargeProject } from '../helpers/largeHistory';
import { type ServerProcess, startServer } from './serverProcess';

const EDITS = 1_000;
const SEQUENCE = 50;
const TOKENS = ['String', 'Int?', ' @unique', ' @default(0)', '\n', ' ', '{', '}', '@@map("x")', 'model ', '//', '"', 'x', 'Boolean', ' @id', '[]', '?', 'enum', '(', ')'];

/** A seeded generator (mulberry32): a failure replays exactly. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(`${EDITS} random edits of a real-size schema`, () => {
  let root: string;
  let project: PrismaProject;
  let server: ServerProcess;
  let expected: SchemaAnalysisService;
  const seed = Number(process.env.FUZZ_SEED ?? 20261128);

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'pm-fuzz-'));
    await writeLargeProject('sqlite', root);
    project = await discoverProject({ cwd: root, trusted: true });
    expected = new SchemaAnalysisService(() => undefined);
    expected.setProjects([toServerProject(project)]);
    server = await startServer(root);
    await server.connection.sendNotification(PROJECTS_NOTIFICATION, { projects: [toServerProject(project)] });
  });

  after(async () => {
    await server?.stop();
    await expected?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  test(`the server never crashes and never leaves stale diagnostics (seed ${seed})`, { timeout: 600_000 }, async () => {
    const next = random(seed);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
    const uri = pathToFileURL(project.schemaPath).toString();
    const original = project.schemaFiles[0].content;
    let text = original;
    let version = 1;
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prisma', version, text } });

    /** Waits for the server's publication of the current version, and compares it with a fresh analysis. */
    const settled = async (label: string) => {
      const since = 0;
      const published = await server.diagnosticsFor(uri, since, version);
      const result = await expected.analyse(toServerProject(project), new Map([[project.schemaPath, text]]));
      const fresh: Diagnostic[] = result.kind === 'analysed' ? schemaDiagnostics(result.analysis.findings, project.schemaPath, project.schemaPath, 'rules.md') : [];
      const summary = (list: Diagnostic[]) => list.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.character} ${d.message}`).sort();
      // The published messages may carry the dev database's counts; this project has none to ask.
      assert.deepEqual(summary(published), summary(fresh), `${label} (version ${version}): stale or wrong diagnostics`);
      return published.length;
    };

    const offsetToPosition = (offset: number) => {
      const before = text.slice(0, offset).split('\n');
      return { line: before.length - 1, character: before[before.length - 1].length };
    };
    const change = async (start: number, end: number, insert: string) => {
      const range = { start: offsetToPosition(start), end: offsetToPosition(end) };
      text = text.slice(0, start) + insert + text.slice(end);
      version += 1;
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: insert }] });
    };

    let withFindings = 0;
    for (let edit = 1; edit <= EDITS; edit += 1) {
      if (edit % SEQUENCE === 1) {
        // Each sequence starts from a valid schema with one breaking change: a field line removed.
        const lines = original.split('\n');
        const fields = lines.flatMap((line, i) => (/^ {2}(title|note|amount|quantity|enabled) /.test(line) ? [i] : []));
        const removed = pick(fields);
        await change(0, text.length, [...lines.slice(0, removed), ...lines.slice(removed + 1)].join('\n'));
        if ((await settled(`a valid schema without line ${removed + 1}`)) > 0) withFindings += 1;
        continue;
      }
      const at = Math.floor(next() * (text.length + 1));
      if (next() < 0.6) await change(at, at, pick(TOKENS));
      else await change(at, Math.min(text.length, at + 1 + Math.floor(next() * 20)), '');
      // Typing pauses now and then; a burst otherwise.
      if (edit % SEQUENCE === 0 || next() < 0.02) await settled(`after random edit ${edit}`);
    }
    assert.ok(withFindings >= EDITS / SEQUENCE / 2, `only ${withFindings} checkpoints had findings: the fuzzing checked too little`);
    const hover = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.ok(hover === null || typeof hover === 'object', 'the server still answers');
  });
});
