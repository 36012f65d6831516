/**
 * Random and hostile values (fast-check) through every parser a user's text reaches: the catalog
 * loader, pool resolution from model labels, the signature bundle and statement parsers, and the
 * input table. Whatever comes in, the outcome is a result or a PromotionError that is not
 * `internal` (exit 1 or 2 with a message): never a crash the user cannot act on.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { parseCatalog } from '../../src/environments/catalog-loader.js';
import { resolvePool } from '../../src/environments/resolve-pool.js';
import { PromotionError } from '../../src/errors.js';
import { INPUTS, parsePromotionInputs, type InputName } from '../../src/inputs.js';
import { parseBundle } from '../../src/signing/bundle.js';
import { parseStatement } from '../../src/signing/statement.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const EXAMPLE_CATALOG = readFileSync(path.join(REPO, 'examples/catalog.yaml'), 'utf8');
const EXAMPLE_SIGNATURE = readFileSync(path.join(REPO, 'examples/registry/sentiment/2/model.sig'), 'utf8');
const RUNS = { numRuns: 300 };

/** Runs `work`; a throw must be a PromotionError with a message, and not `internal`. */
function outcome(work: () => unknown): 'ok' | PromotionError['kind'] {
  try {
    work();
    return 'ok';
  } catch (error) {
    if (!(error instanceof PromotionError)) throw error;
    if (error.code === 'internal' || !error.message) throw error;
    return error.kind;
  }
}

/** Text a hostile user would try: huge and negative numbers, control characters, YAML tricks. */
const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '99999999999999999999',
    '-1',
    '1e309',
    'NaN',
    '0x10',
    '',
    ' ',
    '\n',
    '40Gi\n::error file=x::INJECTED',
    '\u001b[31mred',
    '*alias',
    '&anchor x',
    '!!binary AAAA',
    '{',
    '1Ei',
    '9'.repeat(400),
    'a'.repeat(10_000),
  ),
);
const hostileScalar = fc.oneof(
  hostileText,
  fc.double(),
  fc.integer(),
  fc.bigInt().map(String),
  fc.boolean(),
  fc.constant(null),
);

/** A leaf of `value` replaced by `replacement`, chosen by `pick` (a path through the object). */
function replaceLeaf(value: unknown, pick: number[], replacement: unknown): unknown {
  if (pick.length === 0 || value === null || typeof value !== 'object') return replacement;
  const entries = Object.entries(value);
  if (entries.length === 0) return replacement;
  const [head, ...rest] = pick;
  const index = Math.abs(head!) % entries.length;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...value };
  (copy as Record<string, unknown>)[entries[index]![0]] = replaceLeaf(entries[index]![1], rest, replacement);
  return copy;
}

describe('hostile input never ends as an internal error', () => {
  it('the catalog loader: random text, random YAML values, and the example with one value made hostile', () => {
    const example = parseYaml(EXAMPLE_CATALOG) as unknown;
    const texts = fc.oneof(
      hostileText,
      fc.jsonValue().map((value) => stringify(value)),
      fc
        .tuple(fc.array(fc.integer(), { maxLength: 8 }), hostileScalar)
        .map(([pick, value]) => stringify(replaceLeaf(example, pick, value))),
    );
    fc.assert(
      fc.property(texts, (text) => {
        outcome(() => parseCatalog(text, 'catalog.yaml', REPO));
      }),
      RUNS,
    );
  });

  it('pool resolution: the example catalog against random and hostile model labels', () => {
    const loaded = parseCatalog(EXAMPLE_CATALOG, 'examples/catalog.yaml', path.join(REPO, 'examples'));
    const labelKeys = fc.oneof(
      fc.constantFrom('accelerator', 'gpu-memory', 'workload', 'runtime', 'gpu-count', 'framework'),
      fc.string(),
    );
    fc.assert(
      fc.property(
        fc.dictionary(labelKeys, hostileText.map(String)),
        fc.constantFrom('production', 'staging', 'nowhere', '__proto__', 'constructor'),
        (labels, environment) => {
          outcome(() => resolvePool(loaded, environment, labels));
        },
      ),
      RUNS,
    );
  });

  it('the signature parsers: random bytes, random JSON, and the example bundle with one value made hostile', () => {
    const example = JSON.parse(EXAMPLE_SIGNATURE) as unknown;
    const bundles = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value))),
      fc
        .tuple(fc.array(fc.integer(), { maxLength: 6 }), hostileScalar)
        .map(([pick, value]) => Buffer.from(JSON.stringify(replaceLeaf(example, pick, value)))),
    );
    fc.assert(
      fc.property(bundles, (bytes) => {
        outcome(() => parseStatement(parseBundle(bytes).envelope.payload));
      }),
      RUNS,
    );
  });

  it('the statement parser: the example statement with one value made hostile', () => {
    const bundle = parseBundle(Buffer.from(EXAMPLE_SIGNATURE));
    const statement = JSON.parse(Buffer.from(bundle.envelope.payload).toString('utf8')) as unknown;
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 8 }), hostileScalar, (pick, value) => {
        outcome(() => parseStatement(Buffer.from(JSON.stringify(replaceLeaf(statement, pick, value)))));
      }),
      RUNS,
    );
  });

  it('the input table: every input given random and hostile text', () => {
    const names = INPUTS.map((input) => input.name);
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), hostileText), (values) => {
        const kind = outcome(() =>
          parsePromotionInputs((name: InputName) => values[name], {
            SOURCE_DATE_EPOCH: values['source-date-epoch'] ?? '',
          }),
        );
        expect(['ok', 'usage']).toContain(kind);
      }),
      RUNS,
    );
  });
});
