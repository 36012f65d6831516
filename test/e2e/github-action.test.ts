/**
 * The Action as the runner runs it: `node dist/index.js` (the committed bundle) on Node 24, inputs
 * as INPUT_* variables (upper-cased, dashes kept, every action.yml default filled in as the runner
 * does), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, a workflow_dispatch event file and a
 * workspace holding a copy of the examples. Slow-ish: one Node process per case (~1 s each).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { copyExampleRegistry, EXAMPLES, listTop, NODE_24, readJson, REPO, TempDirs } from './helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- action.yml and the record are read as plain data */
const SECRET = 'p4ss-w0rd-7f3a9c';
const TOKEN = 'ghs_fakeTokenForTests0123456789';

interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly workspace: string;
}

const temp = new TempDirs();
afterAll(() => temp.cleanup());

let defaults: Record<string, string>;
beforeAll(async () => {
  const action = parseYaml(await readFile(path.join(REPO, 'action.yml'), 'utf8'));
  expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  defaults = {};
  for (const [name, input] of Object.entries<any>(action.inputs)) {
    if (input.default !== undefined)
      defaults[name] = input.default === '${{ github.token }}' ? TOKEN : input.default;
  }
  // Deployments and PR comments are tested against Prism (test/github); here they would call GitHub.
  defaults.deployment = 'false';
  defaults.comment = 'false';
});

/** Runs the bundled Action with `with` inputs in a fresh workspace; `arrange` may change the workspace first. */
async function runAction(
  inputs: Record<string, string>,
  arrange?: (workspace: string) => Promise<void>,
): Promise<ActionRun> {
  const root = await temp.make();
  const workspace = path.join(root, 'workspace');
  await copyExampleRegistry(path.join(workspace, 'examples'));
  await cp(path.join(EXAMPLES, 'catalog.yaml'), path.join(workspace, 'examples/catalog.yaml'));
  await cp(path.join(EXAMPLES, 'keys'), path.join(workspace, 'examples/keys'), { recursive: true });
  await arrange?.(workspace);
  const files = {
    GITHUB_OUTPUT: path.join(root, 'output.txt'),
    GITHUB_STEP_SUMMARY: path.join(root, 'summary.md'),
    GITHUB_EVENT_PATH: path.join(root, 'event.json'),
  };
  await writeFile(files.GITHUB_OUTPUT, '');
  await writeFile(files.GITHUB_STEP_SUMMARY, '');
  await writeFile(
    files.GITHUB_EVENT_PATH,
    JSON.stringify({
      inputs: { model: 'sentiment', version: 'champion', environment: 'production' },
      ref: 'refs/heads/main',
      repository: { full_name: 'example-org/models', name: 'models', owner: { login: 'example-org' } },
      sender: { login: 'octocat' },
      workflow: '.github/workflows/promote.yml',
    }),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: root,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'example-org/models',
    GITHUB_SERVER_URL: 'https://github.com',
    // A closed loopback port: any GitHub API call fails at once instead of leaving this machine.
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_RUN_ID: '4242',
    GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
    GITHUB_REF: 'refs/heads/main',
    RUNNER_TEMP: root,
    ...files,
  };
  for (const [name, value] of Object.entries({ ...defaults, ...inputs }))
    env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(NODE_24, [path.join(REPO, 'dist/index.js')], { cwd: workspace, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(files.GITHUB_OUTPUT, 'utf8')),
    summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
    workspace,
  };
}

/** `name<<DELIMITER\nvalue\nDELIMITER\n`, as @actions/core writes GITHUB_OUTPUT. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n?\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1]!] = match[3]!;
  return outputs;
}

/** The log's groups, in order: each title with the lines logged inside it. */
function stageGroups(stdout: string): { title: string; lines: string[] }[] {
  const groups: { title: string; lines: string[] }[] = [];
  let open: { title: string; lines: string[] } | undefined;
  for (const line of stdout.split('\n')) {
    const title = /^::group::(.*)$/.exec(line)?.[1];
    if (title !== undefined) {
      expect(open).toBeUndefined();
      open = { title, lines: [] };
    } else if (line === '::endgroup::') {
      groups.push(open!);
      open = undefined;
    } else if (open) {
      open.lines.push(line);
    }
  }
  expect(open).toBeUndefined();
  return groups;
}

const WITH = {
  registry: 'examples/registry',
  model: 'sentiment',
  version: 'champion',
  environment: 'production',
  catalog: 'examples/catalog.yaml',
  output: 'out/promote',
  'registry-password': SECRET,
};

describe('the Action (node dist/index.js)', () => {
  it('promotes: outputs, job summary, record, and stage groups in the log', async () => {
    const run = await runAction(WITH);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const record = await readJson<any>(path.join(run.workspace, 'out/promote/promotion.json'));
    expect(run.outputs).toEqual({
      status: 'succeeded',
      environment: 'production',
      pool: 'gpu-a100-80g',
      image: `oci-layout:out/promote/image@${record.image.digest}`,
      digest: record.image.digest,
      'image-digest': record.image.digest,
      'model-digest': record.model.digest,
      'manifests-path': 'out/promote/manifests',
      'record-path': 'out/promote/promotion.json',
      url: record.environment.endpoint,
      model: 'sentiment',
      'model-version': '2',
      metadata: JSON.stringify({
        status: 'succeeded',
        model: 'sentiment',
        version: '2',
        environment: 'production',
        pool: 'gpu-a100-80g',
        image: `oci-layout:out/promote/image@${record.image.digest}`,
        digest: record.image.digest,
        url: record.environment.endpoint,
        promotionId: record.promotionId,
      }),
    });
    expect(run.outputs.url).toMatch(/^https:\/\//);
    expect(record.runUrl).toBe('https://github.com/example-org/models/actions/runs/4242');
    expect(run.summary).toContain(
      '### Model promotion: `sentiment` champion (v2) → `production`: ✅ promoted',
    );
    expect(run.summary).toBe(
      (await readFile(path.join(run.workspace, 'out/promote/summary.md'), 'utf8')) + '\n',
    );
    // Each stage's lines sit inside its group: none opens empty, and the stage's line is in it.
    const groups = stageGroups(run.stdout);
    expect(groups.map((g) => g.title)).toEqual([
      'configure',
      'fetch',
      'verify',
      'schema',
      'resolve',
      'plan',
      'build',
      'manifests',
    ]);
    for (const { title, lines } of groups)
      expect({ title, line: lines.at(-1) }).toEqual({
        title,
        line: expect.stringMatching(new RegExp(`^${title}: \\S`)),
      });
    expect(groups.find((g) => g.title === 'verify')!.lines).toEqual([
      expect.stringMatching(/^verify: .* \(100%\), .*, done$/),
      expect.stringMatching(/^verify: 4 files match sha256:[0-9a-f]{64}, signed by /),
    ]);
    expect(run.stdout).not.toMatch(/^::error/m);
  });

  it('dry-run (INPUT_DRY-RUN=true): planned, the digest it would build, no image, manifests for review', async () => {
    const run = await runAction({ ...WITH, 'dry-run': 'true' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'planned',
      pool: 'gpu-a100-80g',
      // No image was built: no reference to a layout that does not exist.
      image: '',
      // The build is deterministic: a plan names the digest the promotion will produce.
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      'manifests-path': 'out/promote/manifests',
    });
    expect(run.outputs['image-digest']).toBe(run.outputs.digest);
    expect(JSON.parse(run.outputs.metadata!)).toMatchObject({ image: null, digest: run.outputs.digest });
    expect(run.outputs['model-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Every path an output names is on disk, and nothing else was written.
    expect(await listTop(path.join(run.workspace, 'out/promote'))).toEqual([
      'manifests',
      'promotion.json',
      'summary.md',
    ]);
    const manifests = path.join(run.workspace, run.outputs['manifests-path']!);
    expect(await readFile(path.join(manifests, 'all.yaml'), 'utf8')).toContain(run.outputs.digest);
    await readFile(path.join(run.workspace, run.outputs['record-path']!));
    expect(run.summary).toContain('planned (dry run');
  });

  const failures = [
    {
      name: 'tampered model file',
      arrange: async (workspace: string) => {
        const file = path.join(workspace, 'examples/registry/sentiment/2/weights.safetensors');
        const bytes = await readFile(file);
        bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
        await writeFile(file, bytes);
      },
      inputs: {},
      code: 1,
      status: 'refused',
      error: /^::error::.*weights\.safetensors.*Fix: /m,
    },
    {
      name: 'unknown environment',
      arrange: undefined,
      inputs: { environment: 'prod' },
      code: 2,
      status: 'failed',
      error: /^::error::.*prod.*Fix: /m,
    },
    {
      name: 'malformed catalog (annotation points at the file and line)',
      arrange: async (workspace: string) => {
        const file = path.join(workspace, 'examples/catalog.yaml');
        await writeFile(file, (await readFile(file, 'utf8')).replace('maxReplicas: 6', 'maxReplicas: six'));
      },
      inputs: {},
      code: 2,
      status: 'failed',
      error:
        /^::error title=model-promote%3A invalid-catalog,file=examples\/catalog\.yaml,line=\d+,col=\d+::/m,
    },
  ];

  it.each(failures)(
    '$name: exit $code, ::error::, status $status',
    async ({ arrange, inputs, code, status, error }) => {
      const run = await runAction({ ...WITH, ...inputs }, arrange);
      expect(run.code).toBe(code);
      expect(run.stdout).toMatch(error);
      expect(run.outputs.status).toBe(status);
      expect(run.outputs.image).toBe('');
      expect(run.summary).toMatch(/refused|failed/);
      expect(await listTop(path.join(run.workspace, 'out/promote'))).toEqual([
        'promotion.json',
        'summary.md',
      ]);
    },
  );

  it.each<{ name: string; inputs: Record<string, string>; error: string }>([
    { name: 'a missing required input', inputs: { model: '' }, error: 'input model is required' },
    {
      name: 'a malformed boolean',
      inputs: { force: 'yes' },
      error: 'force must be true or false, not "yes"',
    },
  ])('$name fails the step with ::error:: and exit 2, and still sets status and the summary', async (c) => {
    const run = await runAction({ ...WITH, ...c.inputs });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`::error::${c.error}. Fix: `);
    expect(run.outputs).toMatchObject({
      status: 'failed',
      image: '',
      'record-path': 'out/promote/promotion.json',
    });
    expect(run.summary).toContain('❌ failed');
    expect(run.summary).toContain(`> **usage**: ${c.error}\n> Fix: `);
    expect(run.summary).toBe(
      (await readFile(path.join(run.workspace, 'out/promote/summary.md'), 'utf8')) + '\n',
    );
  });

  it('registry text cannot forge workflow commands, escape sequences or summary lines', async () => {
    const injected = '40Gi\n::error file=x::INJECTED\n  ##[error]LEGACY\n\u001b[31mRED';
    const run = await runAction({ ...WITH, version: 'champion' }, async (workspace) => {
      // A label the pool selection reads and explains: it reaches the log, the summary and the record.
      const file = path.join(workspace, 'examples/registry/sentiment/2.yaml');
      const labels = parseYaml(await readFile(file, 'utf8'));
      labels.labels.workload = injected;
      await writeFile(file, stringifyYaml(labels));
    });
    expect(`${run.stdout}${run.summary}`).toContain('INJECTED');
    expect(run.stdout).not.toMatch(/^\s*::error file=x/m);
    expect(run.stdout).not.toMatch(/^\s*##\[error\]/m);
    expect(run.stdout).not.toContain('\u001b');
    expect(run.summary).not.toMatch(/^\s*(::|##\[)/m);
    expect(run.summary).not.toContain('\u001b');
    // The injected newlines start no line of the summary: every line holding the text also holds what came before it.
    expect(
      run.summary.split('\n').filter((line) => line.includes('INJECTED') && !line.includes('40Gi')),
    ).toEqual([]);
  });

  const PLANTED = 'kc-token-PLANTED-9f8e7d6c5b4a';
  const kubeconfig = (userLines: string[], server = 'https://127.0.0.1:9') =>
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{ name: c, cluster: { server: ' + server + ', insecure-skip-tls-verify: true } }]',
      'users:',
      '- name: u',
      '  user:',
      ...userLines,
      'contexts: [{ name: ctx, context: { cluster: c, user: u } }]',
      'current-context: ctx',
    ].join('\n');
  it.each<{ path: string; inputs: Record<string, string> }>([
    {
      path: 'kubeconfig content that is not YAML (the fault on the token line)',
      inputs: { kubeconfig: kubeconfig([`    token: ${PLANTED}`, '   broken: [']) },
    },
    {
      path: 'kubeconfig content for a cluster that does not answer',
      inputs: { kubeconfig: kubeconfig([`    token: ${PLANTED}`]) },
    },
    { path: 'a one-line kubeconfig that is neither a file nor content', inputs: { kubeconfig: PLANTED } },
    {
      path: 'a registry password for a registry that does not answer',
      inputs: {
        'registry-password': PLANTED,
        'registry-username': 'ci',
        'image-repository': '127.0.0.1:9/demo',
      },
    },
    {
      path: 'a GitHub token for an API that does not answer (deployment and comment on)',
      inputs: {
        'github-token': PLANTED,
        deployment: 'true',
        comment: 'true',
        'image-repository': '127.0.0.1:9/demo',
      },
    },
  ])('a planted secret reaches no output: $path', async ({ inputs }) => {
    const run = await runAction({ ...WITH, ...inputs, 'rollout-timeout': '5' });
    expect(run.code).not.toBe(0);
    const places: Record<string, string> = {
      log: `${run.stdout}\n${run.stderr}`
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n'),
      summary: run.summary,
      outputs: JSON.stringify(run.outputs),
      record: await readFile(path.join(run.workspace, 'out/promote/promotion.json'), 'utf8').catch(() => ''),
      'summary.md': await readFile(path.join(run.workspace, 'out/promote/summary.md'), 'utf8').catch(
        () => '',
      ),
    };
    for (const [place, text] of Object.entries(places))
      expect({ place, leaked: text.includes(PLANTED) }).toEqual({ place, leaked: false });
    expect(run.stdout).toContain(`::add-mask::${PLANTED}`);
  });

  it('never prints a secret input, except in the ::add-mask:: command that hides it', async () => {
    const run = await runAction({ ...WITH, 'registry-password': SECRET });
    const leaks = `${run.stdout}\n${run.stderr}`
      .split('\n')
      .filter((line) => line.includes(SECRET) || line.includes(TOKEN))
      .filter((line) => line !== `::add-mask::${SECRET}` && line !== `::add-mask::${TOKEN}`);
    expect(leaks).toEqual([]);
    expect(run.stdout).toContain(`::add-mask::${SECRET}`);
    expect(run.stdout.indexOf(`::add-mask::${SECRET}`)).toBeLessThan(run.stdout.indexOf('::group::'));
    const written = await readFile(path.join(run.workspace, 'out/promote/promotion.json'), 'utf8');
    expect(written).not.toContain(SECRET);
    expect(run.summary).not.toContain(SECRET);
  });
});
