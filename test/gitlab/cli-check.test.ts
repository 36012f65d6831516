/**
 * The check the component runs before the npm release of the CLI may run (the `check` script in
 * gitlab/templates/promote.yml), run with node on attestation bundles of the shape npm's registry
 * serves and `npm audit signatures --json --include-attestations` reports: a Sigstore bundle whose
 * Fulcio certificate names the signer (SAN URI) and its OIDC issuer (extensions 57264.1.1 and 1.8).
 *
 * npm has already verified the bundles' signatures against Sigstore's public-good root by then
 * (that needs the network, so it is not run here); this checks whose they are. The certificates
 * are made with openssl, with the extensions Fulcio writes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const [, body] = parseAllDocuments(readFileSync(path.join(repo, 'gitlab/templates/promote.yml'), 'utf8')).map(
  (doc) => doc.toJS() as Record<string, { script: string[] }>,
);
const script = Object.values(body!)[0]!.script.join('\n');
const check = /check=\$\(cat <<'JS'\n([\s\S]*?)\nJS\n/.exec(script)![1]!;

const SLSA = 'https://slsa.dev/provenance/v1';
const GITHUB = 'https://token.actions.githubusercontent.com';
const PROJECT = 'https://github.com/model-promote/model-promote';
const env = {
  MODEL_PROMOTE_CLI_PACKAGE: '@model-promote/cli',
  MODEL_PROMOTE_CLI_VERSION: '1.2.0-rc.1',
  MODEL_PROMOTE_CLI_REPOSITORY: PROJECT,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mp-cli-check-'));
  await run('openssl', [
    'ecparam',
    '-name',
    'prime256v1',
    '-genkey',
    '-noout',
    '-out',
    path.join(dir, 'key.pem'),
  ]);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A Fulcio-like certificate, DER in base64: SAN URI and issuer in extension 1.1 (raw) or 1.8 (UTF8String). */
async function certificate(san: string, issuer: string, extension: '1.1' | '1.8' = '1.1'): Promise<string> {
  const hex = Buffer.from(issuer).toString('hex');
  const value = extension === '1.1' ? hex : `0c${issuer.length.toString(16).padStart(2, '0')}${hex}`;
  const out = path.join(dir, `cert-${Math.random().toString(36).slice(2)}.der`);
  await run('openssl', [
    'req',
    '-x509',
    '-key',
    path.join(dir, 'key.pem'),
    '-days',
    '1',
    '-subj',
    '/',
    '-outform',
    'DER',
    '-out',
    out,
    '-addext',
    `subjectAltName=URI:${san}`,
    '-addext',
    `1.3.6.1.4.1.57264.${extension}=DER:${value}`,
  ]);
  return (await readFile(out)).toString('base64');
}

/** What npm audit signatures --json --include-attestations prints, for one package. */
function audit(
  rawBytes: string,
  { bundleVersion = '0.3', predicateType = SLSA, name = env.MODEL_PROMOTE_CLI_PACKAGE } = {},
) {
  const verificationMaterial =
    bundleVersion === '0.3'
      ? { certificate: { rawBytes }, tlogEntries: [] }
      : { x509CertificateChain: { certificates: [{ rawBytes }] }, tlogEntries: [] };
  return {
    invalid: [],
    missing: [],
    verified: [
      {
        name,
        version: env.MODEL_PROMOTE_CLI_VERSION,
        location: `node_modules/${name}`,
        registry: 'https://registry.npmjs.org/',
        attestations: {
          url: 'https://registry.npmjs.org/-/npm/v1/attestations/x',
          provenance: { predicateType },
        },
        attestationBundles: [
          {
            predicateType,
            bundle: {
              mediaType: `application/vnd.dev.sigstore.bundle.v${bundleVersion}+json`,
              verificationMaterial,
              dsseEnvelope: { payload: '', payloadType: 'application/vnd.in-toto+json', signatures: [] },
            },
          },
        ],
      },
    ],
  };
}

async function runCheck(mode: string, data: unknown, extraEnv: Record<string, string> = {}) {
  const file = path.join(dir, `${mode}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(data));
  try {
    const { stdout, stderr } = await run(process.execPath, ['-e', check, mode, file], {
      env: { PATH: process.env.PATH, ...env, ...extraEnv },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const workflow = `${PROJECT}/.github/workflows/release.yml@refs/tags/v1.2.0-rc.1`;

describe('the check before the npm release of the CLI runs', () => {
  it.each([
    { why: 'a v0.3 bundle, issuer in extension 1.1', bundleVersion: '0.3', extension: '1.1' as const },
    {
      why: 'a v0.2 bundle (certificate chain), issuer in extension 1.8',
      bundleVersion: '0.2',
      extension: '1.8' as const,
    },
  ])('accepts provenance signed by a workflow of the project: $why', async ({ bundleVersion, extension }) => {
    const result = await runCheck(
      'audit',
      audit(await certificate(workflow, GITHUB, extension), { bundleVersion }),
    );
    expect(result).toEqual({
      code: 0,
      output: expect.stringContaining(`provenance verified, built by ${workflow}`),
    });
  });

  it.each([
    {
      why: 'another repository',
      san: 'https://github.com/someone/model-promote/.github/workflows/release.yml@refs/tags/v1.2.0-rc.1',
      issuer: GITHUB,
      says: 'not by a workflow of https://github.com/model-promote/model-promote',
    },
    {
      why: 'a repository whose name starts like the project',
      san: 'https://github.com/model-promote/model-promote-fork/.github/workflows/release.yml@refs/tags/v1',
      issuer: GITHUB,
      says: 'not by a workflow of',
    },
    {
      why: 'the project URL from another issuer',
      san: workflow,
      issuer: 'https://gitlab.com',
      says: 'signed by an identity from https://gitlab.com, not GitHub Actions',
    },
  ])('refuses provenance from $why', async ({ san, issuer, says }) => {
    const result = await runCheck('audit', audit(await certificate(san, issuer)));
    expect(result.code).toBe(1);
    expect(result.output).toContain('model-promote: refusing to run @model-promote/cli@1.2.0-rc.1');
    expect(result.output).toContain(says);
  });

  it('takes the repository from the cli-repository input', async () => {
    const fork = 'https://github.com/someone/model-promote';
    const cert = await certificate(`${fork}/.github/workflows/release.yml@refs/heads/main`, GITHUB);
    expect((await runCheck('audit', audit(cert), { MODEL_PROMOTE_CLI_REPOSITORY: fork })).code).toBe(0);
  });

  it('refuses a package with only a publish attestation, or another package', async () => {
    const cert = await certificate(workflow, GITHUB);
    const publishOnly = await runCheck(
      'audit',
      audit(cert, { predicateType: 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1' }),
    );
    expect(publishOnly.code).toBe(1);
    expect(publishOnly.output).toContain('npm verified no SLSA provenance attestation for it');
    const other = await runCheck('audit', audit(cert, { name: 'model-promote' }));
    expect(other.output).toContain('npm reported no verified attestation for it');
  });

  it('refuses what npm audit signatures found invalid or missing, and an audit that could not run', async () => {
    const cert = await certificate(workflow, GITHUB);
    const invalid = {
      ...audit(cert),
      invalid: [{ name: '@model-promote/cli', version: '1.2.0-rc.1', code: 'EINTEGRITYSIGNATURE' }],
    };
    expect((await runCheck('audit', invalid)).output).toContain(
      '@model-promote/cli@1.2.0-rc.1 EINTEGRITYSIGNATURE',
    );
    const missing = { ...audit(cert), missing: [{ name: 'dep', version: '1.0.0' }] };
    expect((await runCheck('audit', missing)).output).toContain('dep@1.0.0 missing signature');
    const offline = {
      error: { code: 'ENOTFOUND', summary: 'request to https://tuf-repo-cdn.sigstore.dev failed' },
    };
    const result = await runCheck('audit', offline);
    expect(result.code).toBe(1);
    expect(result.output).toContain('tuf-repo-cdn.sigstore.dev failed');
  });

  it('refuses, before anything is downloaded, a version the registry holds no provenance or signature for', async () => {
    const signatures = [{ keyid: 'SHA256:x', sig: 'MEUC' }];
    const provenance = { url: 'u', provenance: { predicateType: SLSA } };
    expect(
      (await runCheck('dist', { integrity: 'sha512-x', signatures, attestations: provenance })).code,
    ).toBe(0);
    const none = await runCheck('dist', { integrity: 'sha512-x', signatures });
    expect(none).toEqual({ code: 1, output: expect.stringContaining('no SLSA provenance attestation') });
    const unsigned = await runCheck('dist', { integrity: 'sha512-x', attestations: provenance });
    expect(unsigned).toEqual({ code: 1, output: expect.stringContaining('has no signature for it') });
  });
});
