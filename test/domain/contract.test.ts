import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as domain from '../../src/domain/index.js';
import { DOMAIN_ERROR_CODES } from '../../src/domain/index.js';

const DIR = fileURLToPath(new URL('../../src/domain/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
const source = (f: string) => readFileSync(DIR + f, 'utf8');

describe('src/domain contract', () => {
  it.each(FILES)('index.ts re-exports every runtime export of %s', async (f) => {
    const mod = (await import(`../../src/domain/${f.replace(/\.ts$/, '.js')}`)) as Record<string, unknown>;
    for (const name of Object.keys(mod)) expect(domain, `${f} exports ${name}`).toHaveProperty(name, mod[name]);
  });

  it.each(FILES)('%s imports nothing from outside src/domain', (f) => {
    const imports = [...source(f).matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map((m) => m[1]);
    for (const spec of imports) expect(spec, `${f} imports ${spec}`).toMatch(/^\.\/[a-z-]+\.js$/);
  });

  it.each(FILES)('every export of %s has a doc comment with an @example', (f) => {
    const lines = source(f).split('\n');
    lines.forEach((line, i) => {
      const m = /^export (?:declare )?(?:function|const|class|type|interface|let) (\w+)/.exec(line);
      if (!m) return;
      expect(lines[i - 1]?.trim(), `${f}: ${m[1]} needs a doc comment`).toBe('*/');
      let j = i - 1;
      while (j >= 0 && !lines[j].trim().startsWith('/**')) j--;
      expect(lines.slice(j, i).join('\n'), `${f}: ${m[1]} doc has no @example`).toContain('@example');
    });
  });

  it('uses only catalogued error codes, and every catalogued code is used', () => {
    const used = new Set<string>();
    for (const f of FILES) {
      if (f === 'errors.ts') continue;
      for (const m of source(f).matchAll(/'(NORMA_ERR_[A-Z_]+)'/g)) used.add(m[1]);
    }
    expect([...used].filter((c) => !(c in DOMAIN_ERROR_CODES))).toEqual([]);
    expect(Object.keys(DOMAIN_ERROR_CODES).filter((c) => !used.has(c))).toEqual([]);
    for (const code of Object.keys(DOMAIN_ERROR_CODES)) expect(code).toMatch(/^NORMA_ERR_[A-Z]+(_[A-Z]+)*$/);
    expect(Object.isFrozen(DOMAIN_ERROR_CODES)).toBe(true);
  });

  it('DomainError carries a stable code and frozen details', () => {
    const e = new domain.DomainError('NORMA_ERR_PERIOD_SYNTAX', 'period id "x" has no recognised shape', { input: 'x' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('DomainError');
    expect(domain.isDomainError(e, 'NORMA_ERR_PERIOD_SYNTAX')).toBe(true);
    expect(domain.isDomainError(e, 'NORMA_ERR_DATE_INVALID')).toBe(false);
    expect(domain.isDomainError(new Error('x'))).toBe(false);
    expect(Object.isFrozen(e.details)).toBe(true);
    expect(() => domain.unwrap(domain.err(e))).toThrow(e);
    expect(domain.unwrap(domain.ok(3))).toBe(3);
  });
});
