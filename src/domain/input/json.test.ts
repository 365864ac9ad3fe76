import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProperty } from '../../../test/support/properties.js';
import { InputError } from '../errors/index.js';
import { JSON_MAX_DEPTH, checkJsonText, checkValue } from './json.js';

function refusal(run: () => void): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('checkValue', () => {
  it('names the first field in document order that holds a NUL or a lone surrogate', () => {
    const error = refusal(() =>
      checkValue({ ok: 'fine', items: [{ name: 'a\u0000' }], later: '\ud800' }, 'body'),
    );
    expect(error.message).toContain('body.items[0].name contains a NUL character');
    expect(error.extra).toMatchObject({ field: 'body.items[0].name', limit: 'no-nul' });
    expect(refusal(() => checkValue({ tail: 'x\udc00' }, 'body')).extra.field).toBe('body.tail');
    expect(refusal(() => checkValue({ head: '\ud800x' }, 'body')).extra.limit).toBe('no-lone-surrogate');
  });

  it('accepts paired surrogates (emoji), and refuses a bad key with the key escaped', () => {
    expect(() => checkValue({ text: 'ok \ud83d\ude00 ok' }, 'body')).not.toThrow();
    expect(refusal(() => checkValue({ 'k\u0000': 1 }, 'body')).message).toContain('body.k\\u0000 (a key)');
  });

  it('refuses nesting deeper than the limit, and accepts exactly the limit', () => {
    let value: unknown = 1;
    for (let i = 0; i < JSON_MAX_DEPTH; i++) value = { a: value };
    expect(() => checkValue(value, 'body')).not.toThrow();
    const error = refusal(() => checkValue({ wrap: value }, 'body'));
    expect(error.extra).toMatchObject({ limit: 'json-depth', maxDepth: JSON_MAX_DEPTH });
    expect(() => checkValue([[[]]], 'body', { maxDepth: 2 })).toThrow(/limit of 2 levels/);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    let value: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(() => checkValue(value, 'body', { maxDepth: 200_000 })).not.toThrow();
  });
});

describe('checkJsonText', () => {
  it('finds \\u0000 and unpaired surrogate escapes and names their path', () => {
    expect(refusal(() => checkJsonText('{"a":{"b":["x","\\u0000"]}}', 'body')).extra.field).toBe(
      'body.a.b[1]',
    );
    expect(refusal(() => checkJsonText('{"a":"\\ud800"}', 'body')).extra.limit).toBe('no-lone-surrogate');
    expect(refusal(() => checkJsonText('{"a":"\\ud800\\n"}', 'body')).extra.field).toBe('body.a');
    expect(refusal(() => checkJsonText('{"a":"\\udc00"}', 'body')).extra.field).toBe('body.a');
    expect(refusal(() => checkJsonText('{"k\\u0000":1}', 'body')).extra.field).toBe('body.k\\u0000 (a key)');
  });

  it('passes a paired surrogate escape, an escaped backslash before u0000, and quotes inside strings', () => {
    expect(() =>
      checkJsonText('{"a":"\\ud83d\\ude00","b":"\\\\u0000","c":"say \\"hi\\" [{"}', 'body'),
    ).not.toThrow();
  });

  it('names documents after the first by their line (NDJSON)', () => {
    const text = '{"run":{"runId":"1"}}\n{"run":{"runId":"1"}}\n{"run":{"runId":"\\u0000"}}\n';
    expect(refusal(() => checkJsonText(text, 'body')).extra.field).toBe('body line 3.run.runId');
  });

  it('refuses depth from the text alone, before any parse', () => {
    const deep = `{"run":{"facets":{"x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}}`;
    const error = refusal(() => checkJsonText(deep, 'body'));
    expect(error.extra.field).toMatch(/^body\.run\.facets\.x(\.a)+$/);
    expect(error.message).toContain(`limit of ${String(JSON_MAX_DEPTH)} levels`);
    expect(() => checkJsonText('[[]]', 'body', { maxDepth: 2 })).not.toThrow();
    expect(() => checkJsonText('[[[]]]', 'body', { maxDepth: 2 })).toThrow(InputError);
  });

  it('leaves malformed JSON to the parser', () => {
    for (const text of ['{"a":', '}}}]]', '"unterminated', '{"a" "b"}', '\\']) {
      expect(() => checkJsonText(text, 'body')).not.toThrow();
    }
  });
});

describe('checkJsonText and checkValue agree', () => {
  // Strings of code units chosen to meet NULs, lone and paired surrogates, quotes and escapes often.
  const unit = fc.constantFrom('a', '\u0000', '\ud800', '\udc00', '\ud83d', '\ude00', '"', '\\', 'é', '\n');
  const text = fc.array(unit, { maxLength: 6 }).map((units) => units.join(''));
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      text,
      fc.integer(),
      fc.constant(null),
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(text, tie('node'), { maxKeys: 3 }),
    ),
  })).node;

  function verdict(run: () => void): string {
    try {
      run();
      return 'accepted';
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return error.message;
    }
  }

  it('refuses the same field for the same reason, on text and on the parsed value', () => {
    let refused = 0;
    let total = 0;
    checkProperty(
      fc.property(value, fc.integer({ min: 1, max: 6 }), (document, maxDepth) => {
        const json = JSON.stringify(document);
        const fromText = verdict(() => checkJsonText(json, 'body', { maxDepth }));
        expect(fromText).toBe(verdict(() => checkValue(JSON.parse(json), 'body', { maxDepth })));
        total++;
        if (fromText !== 'accepted') refused++;
      }),
      { numRuns: 500 },
    );
    // Both outcomes must be common, or the agreement proves little.
    expect(refused / total).toBeGreaterThan(0.1);
    expect(refused / total).toBeLessThan(0.9);
  });
});
