/**
 * Writes the example model's two versions into examples/registry/sentiment/{1,2}/: a tiny but real
 * bag-of-words logistic-regression sentiment classifier (safetensors weights, a vocabulary, a config
 * and an input example). Deterministic: running it again writes the same bytes, so the committed
 * signatures stay valid. Run: npx tsx examples/make-example-model.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, 'registry', 'sentiment');

/** Word weights: positive words push towards "positive". Version 2 knows more words. */
const LEXICON_V1: Record<string, number> = {
  good: 1.2,
  great: 1.8,
  excellent: 2.2,
  love: 1.9,
  happy: 1.4,
  fast: 0.8,
  bad: -1.3,
  terrible: -2.3,
  awful: -2.1,
  hate: -1.9,
  slow: -0.9,
  broken: -1.7,
};
const LEXICON_V2: Record<string, number> = {
  ...LEXICON_V1,
  amazing: 2.0,
  reliable: 1.1,
  recommend: 1.3,
  perfect: 2.1,
  smooth: 0.9,
  poor: -1.4,
  refund: -1.2,
  disappointing: -1.8,
  crash: -1.6,
  useless: -2.0,
  not: -0.6,
};

/** safetensors: u64 little-endian header length, JSON header, then raw little-endian tensors. */
function safetensors(tensors: Record<string, Float32Array>): Buffer {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, data] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: [data.length], data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // the format aligns tensor data to 8 bytes
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const body = Buffer.concat(
    Object.values(tensors).map((t) => Buffer.from(t.buffer, t.byteOffset, t.byteLength)),
  );
  return Buffer.concat([length, Buffer.from(json), body]);
}

function writeVersion(version: string, lexicon: Record<string, number>, bias: number): void {
  const dir = path.join(root, version);
  mkdirSync(dir, { recursive: true });
  const vocab = Object.keys(lexicon).sort();
  writeFileSync(path.join(dir, 'vocab.txt'), `${vocab.join('\n')}\n`);
  writeFileSync(
    path.join(dir, 'weights.safetensors'),
    safetensors({ weight: Float32Array.from(vocab.map((w) => lexicon[w]!)), bias: Float32Array.of(bias) }),
  );
  writeFileSync(
    path.join(dir, 'config.json'),
    `${JSON.stringify(
      {
        architecture: 'bag-of-words-logistic-regression',
        labels: ['negative', 'positive'],
        threshold: 0.5,
        tokenizer: { lowercase: true, split: '[^a-z]+' },
        inputs: [{ name: 'text', type: 'string' }],
        outputs: [
          { name: 'label', type: 'string' },
          { name: 'score', type: 'float32' },
        ],
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    path.join(dir, 'input_example.json'),
    `${JSON.stringify({ text: 'great product, fast delivery' })}\n`,
  );
}

writeVersion('1', LEXICON_V1, 0.0);
writeVersion('2', LEXICON_V2, 0.1);
