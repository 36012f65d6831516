/**
 * Issue 6 §6, the bad-input matrix of the remote registries, through the CLI in-process: an unknown
 * model, version or alias, a version still PENDING_REGISTRATION, an artifact truncated on every
 * download (retried, then refused), a token without permission. Each case must end with its exit
 * code (2 usage, 1 refused or failed), one `error:` line naming the cause with a `Fix:`, nothing in
 * the output folder but promotion.json and summary.md, and (MLflow) no `production` alias.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import type { HuggingFaceDouble } from '../doubles/huggingface-double.js';
import type { MlflowDouble } from '../doubles/mlflow-double.js';
import { errorLines, listTop, promoteArgs, readJson, runCli, TempDirs } from '../e2e/helpers.js';
import {
  DENIED_TOKEN,
  HF_TOKEN,
  MLFLOW_TOKEN,
  setRegistryEnv,
  startDenyingProxy,
  startHub,
  startMlflow,
} from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the record is read back as plain JSON */
const temp = new TempDirs();
const restoreEnv = setRegistryEnv({
  MLFLOW_TRACKING_TOKEN: MLFLOW_TOKEN,
  HF_TOKEN,
  HF_ENDPOINT: undefined,
  GITLAB_TOKEN: undefined,
  MLFLOW_TRACKING_USERNAME: undefined,
  MLFLOW_TRACKING_PASSWORD: undefined,
});
afterAll(async () => {
  restoreEnv();
  await temp.cleanup();
});

type Kind = 'mlflow' | 'gitlab' | 'hf';

interface Served {
  readonly registry: string;
  readonly mlflow?: MlflowDouble;
  readonly hub?: HuggingFaceDouble;
  /** Environment for this case (tokens); restored afterwards. */
  env?: Record<string, string | undefined>;
  readonly stops: (() => Promise<void>)[];
}

interface BadInput {
  readonly name: string;
  readonly registry: Kind;
  /** Breaks the double (or the credentials); returns extra promote arguments. */
  readonly arrange?: (served: Served) => Promise<string[]> | string[];
  readonly exit: 1 | 2;
  readonly cause: RegExp;
  readonly code: string;
  readonly status: 'refused' | 'failed';
  /** A warning line that must be there (the retries). */
  readonly warning?: RegExp;
}

async function serve(kind: Kind): Promise<Served> {
  if (kind === 'hf') {
    const { double } = await startHub({ forbiddenToken: DENIED_TOKEN });
    return { registry: double.uri('acme'), hub: double, stops: [() => double.stop()] };
  }
  const double = await startMlflow(kind === 'gitlab' ? { dialect: 'gitlab' } : {});
  return { registry: double.uri, mlflow: double, stops: [() => double.stop()] };
}

/** The MLflow (or GitLab) double behind a proxy that answers 403 to DENIED_TOKEN. */
async function deniedToken(served: Served): Promise<string[]> {
  const proxy = await startDenyingProxy(
    served.registry.replace(/^mlflow\+/, '').replace(/\/api\/v4\/.*$/, ''),
  );
  served.stops.unshift(() => proxy.stop());
  served.env = { MLFLOW_TRACKING_TOKEN: DENIED_TOKEN };
  return ['--registry', `mlflow+${proxy.url}${new URL(served.registry.replace(/^mlflow\+/, '')).pathname}`];
}

const version2 = (served: Served) => served.mlflow!.models.get('sentiment')!.versions[1]!;

const CASES: BadInput[] = [
  {
    name: 'unknown model',
    registry: 'mlflow',
    arrange: () => ['--model', 'nope'],
    exit: 2,
    cause: /model "nope" is not in registry mlflow\+http:.*Fix: check the model name/,
    code: 'unknown-model',
    status: 'failed',
  },
  {
    name: 'unknown version',
    registry: 'mlflow',
    arrange: () => ['--version', '9'],
    exit: 2,
    cause: /sentiment has no version or alias "9".*Fix: .*aliases: champion/,
    code: 'unknown-version',
    status: 'failed',
  },
  {
    name: 'unknown alias',
    registry: 'mlflow',
    arrange: () => ['--version', 'gold'],
    exit: 2,
    cause: /sentiment has no version or alias "gold"/,
    code: 'unknown-version',
    status: 'failed',
  },
  {
    name: 'version still PENDING_REGISTRATION',
    registry: 'mlflow',
    arrange: (served) => {
      version2(served).status = 'PENDING_REGISTRATION';
      return [];
    },
    exit: 1,
    cause: /sentiment version 2 is PENDING_REGISTRATION: only READY versions are promoted\. Fix: wait/,
    code: 'version-not-ready',
    status: 'refused',
  },
  {
    name: 'artifact truncated on every download',
    registry: 'mlflow',
    arrange: (served) => {
      served.mlflow!.faults.truncate.set('weights.safetensors', 99);
      return [];
    },
    exit: 1,
    cause: /downloading weights\.safetensors failed, after 4 tries/,
    code: 'download-failed',
    status: 'failed',
    warning: /downloading weights\.safetensors failed: .*; try 2 of 4/,
  },
  {
    name: 'artifact larger than its listing',
    registry: 'mlflow',
    arrange: (served) => {
      served.mlflow!.faults.misreport.set('weights.safetensors', -10);
      return [];
    },
    exit: 1,
    cause:
      /file weights\.safetensors got more than \d+ bytes, the registry said \d+, after 4 tries\. Fix: the registry serves a truncated or different file/,
    code: 'download-size-mismatch',
    status: 'refused',
  },
  {
    name: 'artifact smaller than its listing',
    registry: 'mlflow',
    arrange: (served) => {
      served.mlflow!.faults.misreport.set('config.json', 7);
      return [];
    },
    exit: 1,
    cause: /file config\.json got \d+ bytes, the registry said \d+, after 4 tries/,
    code: 'download-size-mismatch',
    status: 'refused',
  },
  {
    name: 'artifact missing',
    registry: 'mlflow',
    arrange: (served) => {
      served.mlflow!.faults.missing.add('vocab.txt');
      return [];
    },
    exit: 1,
    cause: /downloading vocab\.txt failed, after 4 tries: .*404/,
    code: 'download-failed',
    status: 'failed',
  },
  {
    name: 'token without permission (403)',
    registry: 'mlflow',
    arrange: deniedToken,
    exit: 1,
    cause: /the token has no permission on .*PERMISSION_DENIED.*Fix: set MLFLOW_TRACKING_TOKEN/,
    code: 'registry-denied',
    status: 'failed',
  },
  {
    name: 'wrong token (401)',
    registry: 'mlflow',
    arrange: (served) => {
      served.env = { MLFLOW_TRACKING_TOKEN: 'wrong-token' };
      return [];
    },
    exit: 1,
    cause: /refused the credentials \(401 UNAUTHENTICATED/,
    code: 'registry-unauthorized',
    status: 'failed',
  },
  {
    name: 'unknown model',
    registry: 'gitlab',
    arrange: () => ['--model', 'nope'],
    exit: 2,
    cause: /model "nope" is not in registry .*\/api\/v4\/projects\/42\/ml\/mlflow/,
    code: 'unknown-model',
    status: 'failed',
  },
  {
    name: 'unknown version',
    registry: 'gitlab',
    arrange: () => ['--version', '9.9.9'],
    exit: 2,
    cause: /sentiment has no version or alias "9\.9\.9"/,
    code: 'unknown-version',
    status: 'failed',
  },
  {
    name: 'version still PENDING_REGISTRATION',
    registry: 'gitlab',
    arrange: (served) => {
      version2(served).status = 'PENDING_REGISTRATION';
      return [];
    },
    exit: 1,
    cause: /is PENDING_REGISTRATION/,
    code: 'version-not-ready',
    status: 'refused',
  },
  {
    name: 'artifact truncated on every download',
    registry: 'gitlab',
    arrange: (served) => {
      served.mlflow!.faults.truncate.set('vocab.txt', 99);
      return [];
    },
    exit: 1,
    cause: /downloading vocab\.txt failed, after 4 tries/,
    code: 'download-failed',
    status: 'failed',
  },
  {
    name: 'token without permission (403)',
    registry: 'gitlab',
    arrange: deniedToken,
    exit: 1,
    cause: /the token has no permission on .*\/api\/v4\/projects\/42\/ml\/mlflow/,
    code: 'registry-denied',
    status: 'failed',
  },
  {
    name: 'unknown model',
    registry: 'hf',
    arrange: () => ['--model', 'nope'],
    exit: 2,
    cause: /model acme\/nope is not on http:\/\/127\.0\.0\.1:\d+\. Fix: check the organisation/,
    code: 'unknown-model',
    status: 'failed',
  },
  {
    name: 'unknown revision',
    registry: 'hf',
    arrange: () => ['--version', 'gold'],
    exit: 2,
    cause: /acme\/sentiment has no revision "gold".*Fix: use a commit id or one of: v1, v2, champion, main/,
    code: 'unknown-version',
    status: 'failed',
  },
  {
    name: 'unknown commit',
    registry: 'hf',
    arrange: () => ['--version', '0'.repeat(40)],
    exit: 2,
    cause: /acme\/sentiment has no commit "0{40}"/,
    code: 'unknown-version',
    status: 'failed',
  },
  {
    name: 'file truncated on every download',
    registry: 'hf',
    arrange: (served) => {
      served.hub!.faults.truncate.set('weights.safetensors', 99);
      return [];
    },
    exit: 1,
    cause: /downloading weights\.safetensors failed, after 4 tries/,
    code: 'download-failed',
    status: 'failed',
    warning: /downloading weights\.safetensors failed: .*; try 2 of 4/,
  },
  {
    name: 'token without access (403)',
    registry: 'hf',
    arrange: (served) => {
      served.env = { HF_TOKEN: DENIED_TOKEN };
      return [];
    },
    exit: 1,
    cause: /the token may not read acme\/sentiment\. Fix: use a token with read access/,
    code: 'registry-denied',
    status: 'failed',
  },
  {
    name: 'private model and no token (401)',
    registry: 'hf',
    arrange: (served) => {
      served.env = { HF_TOKEN: undefined };
      return [];
    },
    exit: 2,
    cause: /model acme\/sentiment is not on .* or is private .*Fix: check the name, or set HF_TOKEN/,
    code: 'unknown-model',
    status: 'failed',
  },
];

describe('bad input from remote registries (issue 6 §6)', () => {
  it.each(CASES)(
    '$registry: $name: exit $exit',
    async ({ registry, arrange, exit, cause, code, status, warning }) => {
      const served = await serve(registry);
      let restore = () => {};
      try {
        const args = (await arrange?.(served)) ?? [];
        if (served.env) restore = setRegistryEnv(served.env);
        const dir = await temp.make();
        const output = path.join(dir, 'out');
        const run = await runCli([
          ...promoteArgs({ registry: served.registry, output }, '--cache-dir', path.join(dir, 'cache')),
          ...args,
        ]);
        expect(run.code).toBe(exit);
        expect(run.stdout).toBe('');
        const errors = errorLines(run.stderr);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(cause);
        expect(errors[0]).toContain('Fix: ');
        if (warning) expect(run.stderr).toMatch(warning);

        expect(await listTop(output)).toEqual(['promotion.json', 'summary.md']);
        const record = await readJson<any>(path.join(output, 'promotion.json'));
        expect(record.status).toBe(status);
        expect(record.error.code).toBe(code);
        expect(record.image).toBeUndefined();
        expect(await listTop(path.join(dir, 'cache', 'versions'))).toEqual([]);
        if (served.mlflow) expect(served.mlflow.models.get('sentiment')!.aliases.production).toBeUndefined();
      } finally {
        restore();
        for (const stop of served.stops) await stop();
      }
    },
  );
});
