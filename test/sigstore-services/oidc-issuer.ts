/**
 * TEST DOUBLE: stands in for GitHub Actions' OIDC issuer (token.actions.githubusercontent.com)
 * and GitLab's (gitlab.com), which cannot be reached from a test. It serves what Fulcio reads from
 * an issuer (`/.well-known/openid-configuration` and the JWKS) on 127.0.0.1, and mints RS256 or
 * ES256 JWTs with the claims GitHub or GitLab put in a job's token, so Fulcio (configured with this
 * issuer as GitHub's `github-workflow` type, or the `gitlab-pipeline` CI provider) issues the
 * certificate the real issuer's tokens get: SAN `https://github.com/<job_workflow_ref>`, or
 * `https://<ci_config_ref_uri>`. Signed with node:crypto.
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listenLoopback } from '../doubles/loopback-server.js';

export type JwtAlgorithm = 'RS256' | 'ES256';

interface SigningKey {
  readonly kid: string;
  readonly alg: JwtAlgorithm;
  readonly privateKey: KeyObject;
  readonly jwk: Record<string, unknown>;
}

export interface MintOptions {
  readonly alg?: JwtAlgorithm;
  /** Default `sigstore`. */
  readonly audience?: string;
  /** Seconds from now (default 300); negative for an expired token. */
  readonly expiresIn?: number;
  /** Sign with a key the JWKS does not publish (a forged token). */
  readonly foreignKey?: boolean;
}

export interface GithubJob {
  readonly repository: string;
  /** `owner/repo/.github/workflows/file.yml@ref`: the certificate's SAN after `https://github.com/`. */
  readonly workflowRef: string;
  readonly ref: string;
  readonly sha: string;
}

export const DEFAULT_JOB: GithubJob = {
  repository: 'octo-org/models',
  workflowRef: 'octo-org/models/.github/workflows/promote.yml@refs/heads/main',
  ref: 'refs/heads/main',
  sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
};

export class TestOidcIssuer {
  private server?: Server;
  private readonly keys: SigningKey[] = [newKey('RS256'), newKey('ES256')];
  private readonly foreign: SigningKey[] = [newKey('RS256'), newKey('ES256')];
  url = '';
  /** Paths requested, for tests that check Fulcio did ask. */
  readonly requests: string[] = [];

  async start(): Promise<this> {
    this.server = await listenLoopback(
      async (request, response) => {
        const path = new URL(request.url ?? '/', 'http://issuer').pathname;
        this.requests.push(path);
        const send = (status: number, body: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        };
        if (path === '/.well-known/openid-configuration') {
          send(200, {
            issuer: this.url,
            jwks_uri: `${this.url}/.well-known/jwks`,
            response_types_supported: ['id_token'],
            subject_types_supported: ['public', 'pairwise'],
            id_token_signing_alg_values_supported: ['RS256', 'ES256'],
            claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'job_workflow_ref', 'repository'],
          });
        } else if (path === '/.well-known/jwks') {
          send(200, { keys: this.keys.map((key) => key.jwk) });
        } else {
          send(404, { error: `no route ${path}` });
        }
      },
      (response) => {
        response.writeHead(500);
        response.end();
      },
    );
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** A token with exactly these claims (plus iss, aud, iat, nbf, exp, jti). */
  mint(claims: Record<string, unknown>, options: MintOptions = {}): string {
    const alg = options.alg ?? 'RS256';
    const key = (options.foreignKey ? this.foreign : this.keys).find((k) => k.alg === alg)!;
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      iss: this.url,
      aud: options.audience ?? 'sigstore',
      iat: now,
      nbf: now - 5,
      exp: now + (options.expiresIn ?? 300),
      jti: randomUUID(),
      ...claims,
    };
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg, typ: 'JWT', kid: key.kid })}.${encode(payload)}`;
    const signature =
      alg === 'RS256'
        ? sign('sha256', Buffer.from(input), key.privateKey)
        : sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }

  /** A token shaped like a GitHub Actions job's (every claim Fulcio's github-workflow type requires). */
  mintGithubJob(job: GithubJob = DEFAULT_JOB, options: MintOptions = {}): string {
    const [owner] = job.repository.split('/');
    return this.mint(
      {
        sub: `repo:${job.repository}:ref:${job.ref}`,
        ref: job.ref,
        sha: job.sha,
        repository: job.repository,
        repository_id: '1296269',
        repository_owner: owner,
        repository_owner_id: '9919',
        repository_visibility: 'private',
        run_id: '42',
        run_number: '7',
        run_attempt: '1',
        runner_environment: 'github-hosted',
        actor: 'octocat',
        event_name: 'push',
        workflow: 'promote',
        workflow_ref: job.workflowRef,
        workflow_sha: job.sha,
        job_workflow_ref: job.workflowRef,
        job_workflow_sha: job.sha,
      },
      options,
    );
  }
}

export interface GitlabJob {
  readonly projectPath: string;
  /** `gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main`: the SAN after `https://`. */
  readonly ciConfigRefUri: string;
  readonly ref: string;
  readonly sha: string;
}

export const DEFAULT_GITLAB_JOB: GitlabJob = {
  projectPath: 'ml-group/models',
  ciConfigRefUri: 'gitlab.com/ml-group/models//.gitlab-ci.yml@refs/heads/main',
  ref: 'main',
  sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
};

/** A token shaped like a GitLab CI job's `id_tokens:` entry. */
export function mintGitlabJob(
  issuer: TestOidcIssuer,
  job: GitlabJob = DEFAULT_GITLAB_JOB,
  options: MintOptions = {},
) {
  const [namespace] = job.projectPath.split('/');
  return issuer.mint(
    {
      sub: `project_path:${job.projectPath}:ref_type:branch:ref:${job.ref}`,
      namespace_id: '72',
      namespace_path: namespace,
      project_id: '20',
      project_path: job.projectPath,
      user_id: '5',
      user_login: 'ml-engineer',
      pipeline_id: '1212',
      pipeline_source: 'push',
      job_id: '4242',
      ref: job.ref,
      ref_type: 'branch',
      ref_protected: 'true',
      runner_environment: 'gitlab-hosted',
      sha: job.sha,
      ci_config_ref_uri: job.ciConfigRefUri,
      ci_config_sha: job.sha,
    },
    options,
  );
}

function newKey(alg: JwtAlgorithm): SigningKey {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  return { kid, alg, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}
