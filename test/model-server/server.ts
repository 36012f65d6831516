/**
 * A tiny REAL model server for the example model (a bag-of-words logistic-regression sentiment
 * classifier): reads MODEL_PATH/{vocab.txt, weights.safetensors (F32 weight[V], bias[1]),
 * config.json}, answers GET SERVING_HEALTH_PATH (and SERVING_READINESS_PATH) and
 * POST SERVING_INFERENCE_PATH `{"text": "..."}` -> `{"label", "score", "version"}`, where
 * score = sigmoid(bias + sum of the weights of the text's tokens). Test code, not shipped.
 *
 * Run: `node test/model-server/server.ts` (Node strips the types; only node: imports, so it runs
 * without a loader). It prints `listening PORT` once serving (SERVING_PORT=0 picks a free port).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface SentimentModel {
  readonly vocab: ReadonlyMap<string, number>;
  readonly weight: Float32Array;
  readonly bias: number;
  readonly labels: readonly [string, string];
  readonly threshold: number;
  readonly split: RegExp;
  readonly lowercase: boolean;
}

/** safetensors: u64 LE header length, JSON header, then the tensors' raw little-endian bytes. */
export function readSafetensors(bytes: Buffer): Record<string, Float32Array> {
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as Record<
    string,
    { dtype?: string; shape?: number[]; data_offsets?: [number, number] }
  >;
  const out: Record<string, Float32Array> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (entry.dtype !== 'F32' || !entry.data_offsets)
      throw new Error(`tensor ${name}: only F32 is supported`);
    const [start, end] = entry.data_offsets;
    const data = bytes.subarray(8 + length + start, 8 + length + end);
    const copy = new Float32Array((end - start) / 4);
    for (let i = 0; i < copy.length; i++) copy[i] = data.readFloatLE(i * 4);
    out[name] = copy;
  }
  return out;
}

export function loadModel(dir: string): SentimentModel {
  const words = readFileSync(join(dir, 'vocab.txt'), 'utf8').split('\n').filter(Boolean);
  const tensors = readSafetensors(readFileSync(join(dir, 'weights.safetensors')));
  const weight = tensors.weight;
  const bias = tensors.bias;
  if (!weight || !bias || weight.length !== words.length) {
    throw new Error(
      `weights.safetensors: weight[${weight?.length}] does not match vocab.txt (${words.length} words)`,
    );
  }
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
    labels?: [string, string];
    threshold?: number;
    tokenizer?: { lowercase?: boolean; split?: string };
  };
  return {
    vocab: new Map(words.map((w, i) => [w, i])),
    weight,
    bias: bias[0] ?? 0,
    labels: config.labels ?? ['negative', 'positive'],
    threshold: config.threshold ?? 0.5,
    split: new RegExp(config.tokenizer?.split ?? '[^a-z]+'),
    lowercase: config.tokenizer?.lowercase ?? true,
  };
}

export function predict(model: SentimentModel, text: string): { label: string; score: number } {
  const tokens = (model.lowercase ? text.toLowerCase() : text).split(model.split).filter(Boolean);
  let z = model.bias;
  for (const token of tokens) {
    const index = model.vocab.get(token);
    if (index !== undefined) z += model.weight[index] ?? 0;
  }
  const score = 1 / (1 + Math.exp(-z));
  return {
    label: score >= model.threshold ? model.labels[1] : model.labels[0],
    score: Math.round(score * 1e6) / 1e6,
  };
}

export interface ServeOptions {
  readonly modelPath: string;
  readonly port?: number;
  readonly healthPath?: string;
  readonly readinessPath?: string;
  readonly inferencePath?: string;
  readonly version?: string;
  /** Address to listen on: loopback by default; a pod listens on all of its network namespace's. */
  readonly host?: string;
  /** Readiness (not health) answers 503 until this many ms after start; forever when Infinity. */
  readonly readyAfterMs?: number;
}

export function serve(options: ServeOptions): Promise<Server> {
  const model = loadModel(options.modelPath);
  const health = new Set([
    options.healthPath ?? '/healthz',
    options.readinessPath ?? options.healthPath ?? '/healthz',
  ]);
  const readiness = options.readinessPath ?? options.healthPath ?? '/healthz';
  const readyAt = Date.now() + (options.readyAfterMs ?? 0);
  const inference = options.inferencePath ?? '/v1/predict';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method === 'GET' && path === readiness && Date.now() < readyAt) {
      return send(503, { status: 'loading' });
    }
    if (req.method === 'GET' && path && health.has(path)) return send(200, { status: 'ok' });
    if (req.method === 'POST' && path === inference) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: unknown };
          if (typeof input.text !== 'string') return send(400, { error: 'expected {"text": string}' });
          send(200, {
            ...predict(model, input.text),
            ...(options.version ? { version: options.version } : {}),
          });
        } catch (error) {
          send(400, { error: (error as Error).message });
        }
      });
      return;
    }
    send(404, { error: `no route ${req.method} ${path}` });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(server));
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const env = process.env;
  // Faults the test node agent injects, so a broken image fails the way a real one does: the
  // process really exits, or its readiness endpoint really answers 503.
  if (env.MODEL_SERVER_CRASH !== undefined) {
    console.error(env.MODEL_SERVER_CRASH || 'model server: crashed');
    process.exit(Number(env.MODEL_SERVER_CRASH_EXIT_CODE ?? 1));
  }
  const readyAfter = env.MODEL_SERVER_READY_AFTER_MS;
  serve({
    ...(env.SERVING_HOST ? { host: env.SERVING_HOST } : {}),
    ...(readyAfter ? { readyAfterMs: readyAfter === 'never' ? Infinity : Number(readyAfter) } : {}),
    modelPath: env.MODEL_PATH ?? '/models',
    port: Number(env.SERVING_PORT ?? 0) || 0,
    ...(env.SERVING_HEALTH_PATH ? { healthPath: env.SERVING_HEALTH_PATH } : {}),
    ...(env.SERVING_READINESS_PATH ? { readinessPath: env.SERVING_READINESS_PATH } : {}),
    ...(env.SERVING_INFERENCE_PATH ? { inferencePath: env.SERVING_INFERENCE_PATH } : {}),
    ...(env.MODEL_VERSION ? { version: env.MODEL_VERSION } : {}),
  }).then(
    (server) => console.log(`listening ${(server.address() as AddressInfo).port}`),
    (error: unknown) => {
      console.error(`model server: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
