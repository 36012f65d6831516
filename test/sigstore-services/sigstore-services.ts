/**
 * A private Sigstore on loopback for one test file: two test OIDC issuers (doubles of GitHub's and
 * GitLab's),
 * real Fulcio (`fulcio serve` with a file CA made by openssl, CT log off) and the real timestamp
 * authority (`timestamp-server serve` with its in-memory signer), both built from the Go module
 * proxy by scripts/test-tools.sh. It writes the trusted root naming them (Sigstore's
 * trusted_root.json: the Fulcio CA and the TSA chain, no transparency or CT logs), which is what a
 * verifier of this Sigstore is given. Every wait is bounded; stop() kills both processes and
 * removes the folder.
 */
import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toolPath } from '../control-plane/tools.js';
import { freePort } from '../registry/registry-server.js';
import { TestOidcIssuer } from './oidc-issuer.js';

const run = promisify(execFile);

export interface SigstoreServices {
  readonly dir: string;
  /** Stands in for GitHub's issuer (Fulcio's `github-workflow` type). */
  readonly issuer: TestOidcIssuer;
  /** Stands in for GitLab's issuer (Fulcio's `gitlab-pipeline` CI provider). */
  readonly gitlabIssuer: TestOidcIssuer;
  readonly fulcioURL: string;
  readonly tsaURL: string;
  /** The parsed trusted_root.json, and where it was written. */
  readonly trustedRoot: TrustedRootJson;
  readonly trustedRootPath: string;
  /** Lines the services wrote, for a failed test's message. */
  readonly log: string[];
  stop(): Promise<void>;
}

export interface TrustedRootJson {
  readonly mediaType: string;
  readonly tlogs: readonly unknown[];
  readonly ctlogs: readonly unknown[];
  readonly certificateAuthorities: readonly CertificateAuthorityJson[];
  readonly timestampAuthorities: readonly CertificateAuthorityJson[];
}

interface CertificateAuthorityJson {
  readonly subject: { readonly organization: string; readonly commonName: string };
  readonly uri: string;
  readonly certChain: { readonly certificates: readonly { readonly rawBytes: string }[] };
  readonly validFor: { readonly start: string };
}

const READY_MS = 30_000;
const CA_PASSWORD = 'test-fileca-password';

export async function startSigstoreServices(): Promise<SigstoreServices> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-sigstore-'));
  const log: string[] = [];
  const children: ChildProcess[] = [];
  const issuer = new TestOidcIssuer();
  const gitlabIssuer = new TestOidcIssuer();
  const stop = async () => {
    await Promise.all(children.map((child) => stopChild(child)));
    await Promise.all([issuer.stop(), gitlabIssuer.stop()]);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all([issuer.start(), gitlabIssuer.start()]);
    const caCertPem = await makeFileCa(dir);
    const fulcioURL = await startFulcio(dir, { github: issuer.url, gitlab: gitlabIssuer.url }, children, log);
    const { url: tsaURL, chainPem } = await startTsa(children, log);
    const trustedRoot = trustedRootJson({ fulcioURL, caCertPem, tsaURL, tsaChainPem: chainPem });
    const trustedRootPath = join(dir, 'trusted_root.json');
    await writeFile(trustedRootPath, JSON.stringify(trustedRoot, null, 2));
    return { dir, issuer, gitlabIssuer, fulcioURL, tsaURL, trustedRoot, trustedRootPath, log, stop };
  } catch (error) {
    await stop();
    throw new Error(
      `starting the local Sigstore: ${(error as Error).message}\n${log.slice(-40).join('\n')}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Fulcio's file CA: a self-signed EC P-256 root allowed to sign code-signing certificates, its key
 * PKCS#8-encrypted (fileca refuses a key without a password).
 */
async function makeFileCa(dir: string): Promise<string> {
  const config = join(dir, 'ca.cnf');
  await writeFile(
    config,
    [
      '[req]',
      'distinguished_name=dn',
      '[dn]',
      '[ca]',
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
      'extendedKeyUsage=codeSigning',
      'subjectKeyIdentifier=hash',
      '',
    ].join('\n'),
  );
  const key = join(dir, 'ca.key');
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  await run('openssl', [
    'req', '-x509', '-new', '-key', key, '-subj', '/O=model-promote tests/CN=test fulcio root',
    '-days', '2', '-config', config, '-extensions', 'ca', '-out', join(dir, 'ca.crt'),
  ]); // prettier-ignore
  await run('openssl', [
    'pkcs8', '-topk8', '-in', key, '-v2', 'aes-256-cbc', '-passout', `pass:${CA_PASSWORD}`,
    '-out', join(dir, 'ca-encrypted.key'),
  ]); // prettier-ignore
  await rm(key);
  const { stdout } = await run('openssl', ['x509', '-in', join(dir, 'ca.crt')]);
  return stdout;
}

async function startFulcio(
  dir: string,
  issuers: { github: string; gitlab: string },
  children: ChildProcess[],
  log: string[],
): Promise<string> {
  const config = join(dir, 'fulcio-config.json');
  // The issuer types of Fulcio's public-good configuration (config/identity/config.yaml), so the
  // certificates are the ones GitHub's and GitLab's tokens get: github-workflow (SAN
  // https://github.com/<job_workflow_ref>), and the gitlab-pipeline CI provider (SAN
  // https://<ci_config_ref_uri>, the build extensions from the token's claims).
  await writeFile(
    config,
    JSON.stringify({
      OIDCIssuers: {
        [issuers.github]: { IssuerURL: issuers.github, ClientID: 'sigstore', Type: 'github-workflow' },
        [issuers.gitlab]: {
          IssuerURL: issuers.gitlab,
          ClientID: 'sigstore',
          Type: 'ci-provider',
          CIProvider: 'gitlab-pipeline',
        },
      },
      CIIssuerMetadata: {
        'gitlab-pipeline': {
          DefaultTemplateValues: { url: 'https://gitlab.com' },
          ExtensionTemplates: {
            BuildSignerURI: 'https://{{ .ci_config_ref_uri }}',
            BuildSignerDigest: 'ci_config_sha',
            SourceRepositoryURI: '{{ .url }}/{{ .project_path }}',
            SourceRepositoryDigest: 'sha',
          },
          SubjectAlternativeNameTemplate: 'https://{{ .ci_config_ref_uri }}',
        },
      },
    }),
  );
  const [port, grpcPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const child = spawnLogged('fulcio', toolPath('fulcio'), [
    'serve', '--log_type', 'dev', '--config-path', config,
    '--ca', 'fileca', '--fileca-cert', join(dir, 'ca.crt'), '--fileca-key', join(dir, 'ca-encrypted.key'),
    '--fileca-key-passwd', CA_PASSWORD, '--fileca-watch=false',
    '--ct-log-url', '',
    '--host', '127.0.0.1', '--port', String(port),
    '--grpc-host', '127.0.0.1', '--grpc-port', String(grpcPort), '--metrics-port', String(metricsPort),
    '--legacy-unix-domain-socket', join(dir, 'fulcio-legacy.sock'),
  ], log); // prettier-ignore
  children.push(child);
  await waitFor('fulcio', child, log, async () => {
    const answer = await fetch(`${url}/api/v2/trustBundle`, { signal: AbortSignal.timeout(2000) });
    await answer.arrayBuffer();
    return answer.ok;
  });
  return url;
}

/**
 * timestamp-server always serves its metrics on :2112 (no flag moves it), so two on one machine
 * collide: two test files, or two checkouts' runs. One that finds the port taken waits for the
 * other to stop and starts again.
 */
async function startTsa(children: ChildProcess[], log: string[]): Promise<{ url: string; chainPem: string }> {
  const deadline = Date.now() + TSA_PORT_WAIT_MS;
  for (;;) {
    const from = log.length;
    try {
      return await startTsaOnce(children, log);
    } catch (error) {
      // The exit can be seen before the last of its output is read.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const taken = log.slice(from).some((line) => line.includes(':2112: bind: address already in use'));
      if (!taken || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

const TSA_PORT_WAIT_MS = 180_000;

async function startTsaOnce(
  children: ChildProcess[],
  log: string[],
): Promise<{ url: string; chainPem: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnLogged('timestamp-server', toolPath('timestamp-server'), [
    'serve', '--host', '127.0.0.1', '--port', String(port), '--timestamp-signer', 'memory',
    '--disable-ntp-monitoring', '--log-type', 'dev',
  ], log); // prettier-ignore
  children.push(child);
  let chainPem = '';
  await waitFor('timestamp-server', child, log, async () => {
    const answer = await fetch(`${url}/api/v1/timestamp/certchain`, { signal: AbortSignal.timeout(2000) });
    chainPem = await answer.text();
    return answer.ok && chainPem.includes('BEGIN CERTIFICATE');
  });
  return { url, chainPem };
}

/** Sigstore's trusted_root.json (protobuf-specs TrustedRoot, v0.1) naming this Sigstore only. */
export function trustedRootJson(services: {
  fulcioURL: string;
  caCertPem: string;
  tsaURL: string;
  tsaChainPem: string;
}): TrustedRootJson {
  const authority = (uri: string, pem: string, commonName: string): CertificateAuthorityJson => {
    const certificates = pemCertificates(pem);
    const leaf = new X509Certificate(certificates[0]!);
    return {
      subject: { organization: 'model-promote tests', commonName },
      uri,
      certChain: { certificates: certificates.map((der) => ({ rawBytes: der.toString('base64') })) },
      validFor: { start: new Date(leaf.validFrom).toISOString() },
    };
  };
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    ctlogs: [],
    certificateAuthorities: [authority(services.fulcioURL, services.caCertPem, 'test fulcio')],
    timestampAuthorities: [authority(services.tsaURL, services.tsaChainPem, 'test tsa')],
  };
}

function pemCertificates(pem: string): Buffer[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate in the chain');
  return blocks.map((block) => new X509Certificate(block).raw);
}

function spawnLogged(name: string, command: string, args: readonly string[], log: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) log.push(`${name}: ${line}`);
    if (log.length > 2000) log.splice(0, log.length - 2000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return child;
}

async function waitFor(
  name: string,
  child: ChildProcess,
  log: string[],
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + READY_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}`);
    try {
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${name} was not ready within ${READY_MS / 1000} s (${log.length} log lines)`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
