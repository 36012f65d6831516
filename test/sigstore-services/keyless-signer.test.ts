/**
 * The keyless attestation signer against a real private Sigstore on loopback (Fulcio with a file CA
 * and the timestamp authority, built from the Go module proxy; the OIDC issuer is a double of
 * GitHub's). What it signs is verified two ways: by @sigstore/verify over the generated trusted
 * root, and by real cosign (`verify-attestation`) after it is attached to an image in olareg as an
 * OCI referrer. A wrong identity or issuer is refused by both.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleFromJSON, type SerializedBundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type VerificationPolicy } from '@sigstore/verify';
import { createKeylessSigner, KeylessSigningError } from '../../src/attest/keyless-signer.js';
import { MemoryLogger } from '../../src/logger.js';
import { findSigstoreToken } from '../../src/platform/sigstore-token.js';
import { RegistryClient } from '../../src/oci/remote/client.js';
import { pushFromLayout } from '../../src/oci/remote/push-layout.js';
import { attachReferrer, SIGSTORE_BUNDLE_TYPE } from '../../src/oci/remote/referrers.js';
import { RegistrySink } from '../../src/oci/remote/registry-sink.js';
import type { Descriptor } from '../../src/oci/types.js';
import { toolPath } from '../control-plane/tools.js';
import { startReferrersRegistry, type TestRegistry } from '../registry/registry-server.js';
import { writeTinyImage } from '../registry/tiny-image.js';
import { DEFAULT_GITLAB_JOB, DEFAULT_JOB, mintGitlabJob } from './oidc-issuer.js';
import { startSigstoreServices, type SigstoreServices } from './sigstore-services.js';

const run = promisify(execFile);
/** A predicate type of the tests' own; the signer signs whatever statement it is given. */
const PREDICATE_TYPE = 'https://model-promote.test/keyless-signing/v1';
const SAN = `https://github.com/${DEFAULT_JOB.workflowRef}`;
const FAST = { attempts: 3, baseDelayMs: 10, maxDelayMs: 50, jitter: true };

let services: SigstoreServices;

beforeAll(async () => {
  services = await startSigstoreServices();
}, 240_000);

afterAll(async () => {
  await services?.stop();
});

function statement(name: string, digest: string): Uint8Array {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name, digest: { sha256: digest.replace(/^sha256:/, '') } }],
      predicateType: PREDICATE_TYPE,
      predicate: { environment: 'production', promotionId: 'p-1' },
    }),
  );
}

function signer(
  token = services.issuer.mintGithubJob(),
  overrides: { tsaURL?: string; rekorURL?: string } = {},
) {
  return createKeylessSigner({
    identityToken: token,
    fulcioURL: services.fulcioURL,
    tsaURL: overrides.tsaURL ?? services.tsaURL,
    ...(overrides.rekorURL && { rekorURL: overrides.rekorURL }),
    timeoutMs: 10_000,
    retries: 0,
  });
}

/** @sigstore/verify over the generated trusted root: no transparency or CT log, one timestamp. */
function verify(bundle: SerializedBundle, policy: VerificationPolicy) {
  const material = toTrustMaterial(TrustedRoot.fromJSON(services.trustedRoot));
  const verifier = new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 1 });
  return verifier.verify(toSignedEntity(bundleFromJSON(bundle)), policy);
}

function leafOf(bundle: SerializedBundle): X509Certificate {
  const raw = (bundle.verificationMaterial as { certificate?: { rawBytes: string } }).certificate?.rawBytes;
  if (!raw) throw new Error('the bundle has no single certificate');
  return new X509Certificate(Buffer.from(raw, 'base64'));
}

describe('keyless signing against Fulcio and the timestamp authority', () => {
  const subjectDigest = `sha256:${'c'.repeat(64)}`;

  it('signs the statement in a v0.3 DSSE bundle that @sigstore/verify accepts for the job identity', async () => {
    const bytes = statement('registry.example/models/sentiment', subjectDigest);
    const bundle = await signer()(bytes);

    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(bundle.dsseEnvelope?.payloadType).toBe('application/vnd.in-toto+json');
    expect(Buffer.from(bundle.dsseEnvelope!.payload, 'base64')).toEqual(Buffer.from(bytes));
    // No Rekor in this Sigstore: the timestamp authority's signed time is the only trusted time.
    expect(bundle.verificationMaterial.tlogEntries ?? []).toEqual([]);
    expect(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);
    // Fulcio's certificate, as GitHub's would be: the workflow as SAN, issued by our file CA.
    const leaf = leafOf(bundle);
    expect(leaf.subjectAltName).toBe(`URI:${SAN}`);
    const ca = new X509Certificate(
      Buffer.from(
        services.trustedRoot.certificateAuthorities[0]!.certChain.certificates[0]!.rawBytes,
        'base64',
      ),
    );
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);

    const signed = verify(bundle, {
      subjectAlternativeName: SAN,
      extensions: { issuer: services.issuer.url },
    });
    expect(signed.identity?.subjectAlternativeName).toBe(SAN);
    expect(signed.identity?.extensions?.issuer).toBe(services.issuer.url);
  });

  it('a GitLab job token: the certificate names the pipeline’s CI config and GitLab’s issuer', async () => {
    // As the GitLab component gets it: the job's `id_tokens:` entry, found by the platform layer.
    const masked: string[] = [];
    const found = await findSigstoreToken({
      platform: 'gitlab',
      env: { SIGSTORE_ID_TOKEN: mintGitlabJob(services.gitlabIssuer) },
      mask: (secret) => masked.push(secret),
    });
    if (!found.found) throw new Error(found.fix);
    expect(masked).toEqual([found.token]);
    const bundle = await signer(found.token)(statement('a', subjectDigest));
    const gitlabSan = `https://${DEFAULT_GITLAB_JOB.ciConfigRefUri}`;
    expect(leafOf(bundle).subjectAltName).toBe(`URI:${gitlabSan}`);
    const signed = verify(bundle, {
      subjectAlternativeName: gitlabSan,
      extensions: { issuer: services.gitlabIssuer.url },
    });
    expect(signed.identity?.subjectAlternativeName).toBe(gitlabSan);
    // A GitHub policy does not admit it.
    expect(() => verify(bundle, { subjectAlternativeName: SAN })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_SIGNER_ERROR' }),
    );
  });

  it('ES256 tokens work too, and every signature gets its own ephemeral key', async () => {
    const sign = signer(services.issuer.mintGithubJob(DEFAULT_JOB, { alg: 'ES256' }));
    const [first, second] = [
      await sign(statement('a', subjectDigest)),
      await sign(statement('b', subjectDigest)),
    ];
    const key = (bundle: SerializedBundle) =>
      leafOf(bundle).publicKey.export({ format: 'der', type: 'spki' });
    expect(key(first)).not.toEqual(key(second));
    for (const bundle of [first, second]) verify(bundle, { subjectAlternativeName: SAN });
  });

  it('@sigstore/verify refuses another identity, another issuer, and an altered statement', async () => {
    const bundle = await signer()(statement('registry.example/models/sentiment', subjectDigest));
    const otherWorkflow = 'https://github.com/octo-org/models/.github/workflows/other.yml@refs/heads/main';
    expect(() => verify(bundle, { subjectAlternativeName: otherWorkflow })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_SIGNER_ERROR' }),
    );
    expect(() =>
      verify(bundle, {
        subjectAlternativeName: SAN,
        extensions: { issuer: 'https://token.actions.githubusercontent.com' },
      }),
    ).toThrow(expect.objectContaining({ code: 'UNTRUSTED_SIGNER_ERROR' }));

    const altered = statement('registry.example/models/sentiment', `sha256:${'d'.repeat(64)}`);
    const tampered = structuredClone(bundle);
    tampered.dsseEnvelope!.payload = Buffer.from(altered).toString('base64');
    expect(() => verify(tampered, { subjectAlternativeName: SAN })).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_ERROR' }),
    );
  });
});

describe('what Fulcio and the TSA refuse, named without the token', () => {
  it('a token signed by a key the issuer does not publish: fulcio-refused', async () => {
    const forged = services.issuer.mintGithubJob(DEFAULT_JOB, { foreignKey: true });
    const failure = await signer(forged)(statement('x', `sha256:${'e'.repeat(64)}`)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(KeylessSigningError);
    expect(failure).toMatchObject({ code: 'fulcio-refused', kind: 'failed' });
    expect((failure as KeylessSigningError).status).toBeGreaterThanOrEqual(400);
    expect((failure as Error).message).toBe(
      `keyless signing: Fulcio (${services.fulcioURL}) refused the certificate request: answered 400: There was an error processing the identity token`,
    );
    expect(
      JSON.stringify(failure) + (failure as Error).message + String((failure as Error).cause),
    ).not.toContain(forged);
  });

  it('a token for another audience: fulcio-refused, the hint names the audience', async () => {
    const token = services.issuer.mintGithubJob(DEFAULT_JOB, { audience: 'https://github.com/octo-org' });
    await expect(signer(token)(statement('x', `sha256:${'e'.repeat(64)}`))).rejects.toMatchObject({
      code: 'fulcio-refused',
      hint: expect.stringContaining('audience sigstore'),
    });
  });

  it('an expired token is refused before it leaves the machine', () => {
    const token = services.issuer.mintGithubJob(DEFAULT_JOB, { expiresIn: -60 });
    const before = services.issuer.requests.length;
    expect(() => signer(token)).toThrow(expect.objectContaining({ code: 'oidc-token-expired' }));
    expect(services.issuer.requests.length).toBe(before);
  });

  it('a timestamp authority that does not answer: timestamp-failed, naming it', async () => {
    const closed = 'http://127.0.0.1:9';
    await expect(
      signer(undefined, { tsaURL: closed })(statement('x', `sha256:${'e'.repeat(64)}`)),
    ).rejects.toMatchObject({
      code: 'timestamp-failed',
      message: expect.stringContaining(closed),
    });
  });

  // Rekor itself does not run here (v1 needs Trillian and MySQL): this shows the log is asked,
  // at the URL given, and its failure named.
  it('a Rekor that does not answer: rekor-failed, naming it', async () => {
    const closed = 'http://127.0.0.1:9';
    await expect(
      signer(undefined, { rekorURL: closed })(statement('x', `sha256:${'e'.repeat(64)}`)),
    ).rejects.toMatchObject({ code: 'rekor-failed', message: expect.stringContaining(`Rekor (${closed})`) });
  });
});

describe('cosign verify-attestation on the bundle attached to an image in olareg', () => {
  let registry: TestRegistry;
  let work: string;
  let subject: Descriptor;
  let image: string;

  beforeAll(async () => {
    registry = await startReferrersRegistry();
    work = await mkdtemp(join(tmpdir(), 'mp-keyless-'));
    const tiny = await writeTinyImage(join(work, 'layout'), 'v1', 4096);
    const client = new RegistryClient({ registry: registry.host, retry: FAST, logger: new MemoryLogger() });
    subject = await pushFromLayout(tiny.layout, tiny.manifest, new RegistrySink(client, 'models/sentiment'), [
      'v1',
    ]);
    image = `${registry.host}/models/sentiment@${subject.digest}`;
    const bundle = await signer()(statement(`${registry.host}/models/sentiment`, subject.digest));
    await attachReferrer(client, 'models/sentiment', subject, {
      artifactType: SIGSTORE_BUNDLE_TYPE,
      mediaType: SIGSTORE_BUNDLE_TYPE,
      bytes: Buffer.from(JSON.stringify(bundle)),
    });
  }, 60_000);

  afterAll(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Offline: the trusted root names the whole Sigstore; no TUF, no Rekor, no CT log. */
  function cosign(identity: string, issuer: string) {
    return run(
      toolPath('cosign'),
      [
        'verify-attestation', '--new-bundle-format', '--type', PREDICATE_TYPE,
        '--certificate-identity', identity, '--certificate-oidc-issuer', issuer,
        '--trusted-root', services.trustedRootPath, '--use-signed-timestamps',
        '--insecure-ignore-tlog', '--insecure-ignore-sct', '--allow-http-registry', image,
      ], // prettier-ignore
      { env: { PATH: process.env.PATH, HOME: work, TUF_ROOT: join(work, 'tuf') }, timeout: 60_000 },
    );
  }

  it('accepts the job identity and issuer, and prints our statement', async () => {
    const { stdout } = await cosign(SAN, services.issuer.url);
    const envelope = JSON.parse(stdout.trim().split('\n')[0]!) as { payload: string };
    const verified = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
      predicateType: string;
      subject: { digest: { sha256: string } }[];
    };
    expect(verified.predicateType).toBe(PREDICATE_TYPE);
    expect(verified.subject[0]!.digest.sha256).toBe(subject.digest.replace('sha256:', ''));
  });

  it('refuses another identity', async () => {
    const other = 'https://github.com/octo-org/models/.github/workflows/other.yml@refs/heads/main';
    await expect(cosign(other, services.issuer.url)).rejects.toMatchObject({
      stderr: expect.stringContaining(
        `no matching attestations: failed to verify certificate identity: no matching CertificateIdentity found, last error: expected SAN value "${other}", got "${SAN}"`,
      ),
    });
  });

  it('refuses another issuer', async () => {
    const github = 'https://token.actions.githubusercontent.com';
    await expect(cosign(SAN, github)).rejects.toMatchObject({
      stderr: expect.stringContaining(`expected issuer value "${github}", got "${services.issuer.url}"`),
    });
  });
});
