import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { languages: Array<{ id: string; configuration?: string }>; grammars: Array<{ language: string; scopeName: string; path: string }> };
};

/** Every pattern of a TextMate grammar, its repository's included. */
function patterns(node: unknown): Array<Record<string, unknown>> {
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const own = 'match' in record || 'begin' in record ? [record] : [];
  return [...own, ...Object.values(record).flatMap(patterns)];
}

describe("the manifest's languages and grammars", () => {
  test('each grammar file exists, parses, names the scope the manifest gives, and includes only what it defines', () => {
    for (const grammar of manifest.contributes.grammars) {
      const file = path.join(root, grammar.path);
      assert.ok(existsSync(file), `${grammar.path} is missing`);
      const json = JSON.parse(readFileSync(file, 'utf8')) as { scopeName: string; repository?: Record<string, unknown> };
      assert.equal(json.scopeName, grammar.scopeName);
      const includes = JSON.stringify(json).match(/"include":\s*"#([^"]+)"/g) ?? [];
      for (const include of includes) {
        const name = /#([^"]+)/.exec(include)![1];
        assert.ok(json.repository && name in json.repository, `${grammar.path} includes #${name}, which it does not define`);
      }
      assert.ok(manifest.contributes.languages.some((l) => l.id === grammar.language), `no language ${grammar.language}`);
    }
  });

  test("the migration grammars' patterns compile (case-insensitive flags aside, Oniguruma's syntax here is JavaScript's)", () => {
    for (const dialect of ['postgresql', 'sqlite', 'mysql']) {
      const grammar = JSON.parse(readFileSync(path.join(root, 'syntaxes', `${dialect}-migration.tmLanguage.json`), 'utf8'));
      for (const pattern of patterns(grammar)) {
        for (const key of ['match', 'begin']) {
          const source = pattern[key];
          if (typeof source === 'string') assert.doesNotThrow(() => new RegExp(source.replace(/^\(\?i\)/, ''), 'i'), `${dialect}: ${source}`);
        }
      }
    }
  });

  test("PostgreSQL's grammar reads a dollar-quoted DO block as one body, ended by the same tag", () => {
    const grammar = JSON.parse(readFileSync(path.join(root, 'syntaxes', 'postgresql-migration.tmLanguage.json'), 'utf8'));
    const dollar = patterns(grammar).find((p) => typeof p.begin === 'string' && p.begin.includes('\\$'))!;
    const begin = new RegExp(dollar.begin as string).exec('DO $body$ BEGIN RAISE NOTICE $$x$$; END $body$;')!;
    assert.equal(begin[1], '$body$');
    assert.equal(dollar.end, '(\\1)', 'the body ends at the tag it began with, not at an inner $$');
    for (const configuration of manifest.contributes.languages.flatMap((l) => (l.configuration ? [l.configuration] : []))) {
      assert.ok(existsSync(path.join(root, configuration)), `${configuration} is missing`);
    }
  });
});
