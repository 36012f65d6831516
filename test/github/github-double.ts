/**
 * A small stateful stand-in for the GitHub REST API, on loopback: it keeps issues and their
 * comments, pull requests per commit, deployments and their statuses, and artifact attestations,
 * so tests can watch a comment be created and then edited in place, and a deployment go
 * in_progress -> success. Faults (a 403, rate limits) are
 * queued per route. Prism checks the requests against GitHub's description; this checks behaviour.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DoubleComment {
  id: number;
  issueNumber: number;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface DoublePull {
  number: number;
  state: 'open' | 'closed';
  headSha: string;
  /** Commits GitHub associates with the PR (its head, a merge commit). */
  commits: string[];
  /** Set when merged: when, and the commit the base branch got (merge, squash or rebase). */
  mergedAt?: string;
  mergeCommitSha?: string;
}

export interface DoubleIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason?: string;
  /** Pull requests are issues too, as GitHub lists them. */
  pullRequest?: boolean;
}

export interface DoubleDeployment {
  id: number;
  body: Record<string, unknown>;
  statuses: Record<string, unknown>[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization?: string;
}

export interface Fault {
  method: string;
  /** Matched against the path without the query. */
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many matching requests get the fault (default 1). */
  times?: number;
}

export class GithubDouble {
  readonly comments: DoubleComment[] = [];
  readonly issues: DoubleIssue[] = [];
  readonly pulls: DoublePull[] = [];
  readonly deployments: DoubleDeployment[] = [];
  /** Bodies of `POST /repos/{owner}/{repo}/attestations`, with the id each got. */
  readonly attestations: { id: number; repository: string; body: unknown }[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  /** Comments per page at most, whatever per_page asks (to exercise pagination). */
  pageSize = 100;
  private nextId = 1000;
  private server?: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.handle(request, Buffer.concat(chunks).toString('utf8'), response));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests as `METHOD /path`, in order. */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  private handle(request: http.IncomingMessage, text: string, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', this.url);
    const method = request.method ?? 'GET';
    const body: unknown = text ? JSON.parse(text) : undefined;
    this.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      body,
      ...(request.headers.authorization && { authorization: request.headers.authorization }),
    });
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      response.end(data === undefined ? '' : JSON.stringify(data));
    };
    const fault = this.faults.find(
      (f) => f.method === method && f.path.test(url.pathname) && (f.times ?? 1) > 0,
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      send(fault.status, fault.body ?? { message: `fault ${fault.status}` }, fault.headers);
      return;
    }
    const route = (pattern: RegExp) => url.pathname.match(pattern);
    let m: RegExpMatchArray | null;
    if (method === 'GET' && (m = route(/^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/pulls$/))) {
      const sha = m[1]!;
      send(
        200,
        this.pulls.filter((p) => p.commits.includes(sha)).map((p) => pullJson(p)),
      );
    } else if (method === 'GET' && (m = route(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/))) {
      const all = this.comments.filter((c) => c.issueNumber === Number(m![1]));
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), this.pageSize);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      send(200, slice.map(commentJson), headers);
    } else if (method === 'POST' && (m = route(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/))) {
      const now = new Date().toISOString();
      const comment = {
        id: this.nextId++,
        issueNumber: Number(m[1]),
        body: String((body as { body: string }).body),
        createdAt: now,
        updatedAt: now,
      };
      this.comments.push(comment);
      send(201, commentJson(comment));
    } else if (method === 'PATCH' && (m = route(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/))) {
      const comment = this.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return send(404, { message: 'Not Found' });
      comment.body = String((body as { body: string }).body);
      comment.updatedAt = new Date().toISOString();
      send(200, commentJson(comment));
    } else if (method === 'GET' && route(/^\/repos\/[^/]+\/[^/]+\/issues$/)) {
      const state = url.searchParams.get('state') ?? 'open';
      const all = this.issues.filter((i) => state === 'all' || i.state === state);
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), this.pageSize);
      const page = Number(url.searchParams.get('page') ?? 1);
      const headers: Record<string, string> = {};
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      send(200, all.slice((page - 1) * perPage, page * perPage).map(issueJson), headers);
    } else if (method === 'POST' && route(/^\/repos\/[^/]+\/[^/]+\/issues$/)) {
      const { title, body: text } = body as { title?: unknown; body?: unknown };
      if (typeof title !== 'string' || !title) return send(422, { message: 'Validation Failed: title' });
      const number = this.issues.length + this.pulls.length + 1;
      const issue: DoubleIssue = { number, title, body: String(text ?? ''), state: 'open' };
      this.issues.push(issue);
      send(201, issueJson(issue));
    } else if (method === 'PATCH' && (m = route(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)$/))) {
      const issue = this.issues.find((i) => i.number === Number(m![1]));
      if (!issue) return send(404, { message: 'Not Found' });
      const change = body as { body?: string; state?: 'open' | 'closed'; state_reason?: string };
      if (change.body !== undefined) issue.body = change.body;
      if (change.state !== undefined) issue.state = change.state;
      if (change.state_reason !== undefined) issue.stateReason = change.state_reason;
      send(200, issueJson(issue));
    } else if (method === 'POST' && route(/^\/repos\/[^/]+\/[^/]+\/deployments$/)) {
      const deployment = { id: this.nextId++, body: body as Record<string, unknown>, statuses: [] };
      this.deployments.push(deployment);
      send(201, { id: deployment.id, ...deployment.body });
    } else if (method === 'POST' && (m = route(/^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/))) {
      const deployment = this.deployments.find((d) => d.id === Number(m![1]));
      if (!deployment) return send(404, { message: 'Not Found' });
      deployment.statuses.push(body as Record<string, unknown>);
      send(201, { id: this.nextId++, ...(body as object) });
    } else if (method === 'POST' && (m = route(/^\/repos\/([^/]+\/[^/]+)\/attestations$/))) {
      const bundle = (body as { bundle?: unknown } | undefined)?.bundle;
      if (typeof bundle !== 'object' || bundle === null) return send(422, { message: 'Invalid request' });
      const attestation = { id: this.nextId++, repository: m[1]!, body };
      this.attestations.push(attestation);
      send(201, { id: attestation.id });
    } else {
      send(404, { message: `the double has no route for ${method} ${url.pathname}` });
    }
  }
}

function commentJson(c: DoubleComment) {
  return {
    id: c.id,
    body: c.body,
    html_url: `https://github.test/o/r/pull/${c.issueNumber}#issuecomment-${c.id}`,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

function issueJson(i: DoubleIssue) {
  return {
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.stateReason ?? null,
    html_url: `https://github.test/o/r/issues/${i.number}`,
    ...(i.pullRequest ? { pull_request: { url: `https://api.github.test/o/r/pulls/${i.number}` } } : {}),
  };
}

function pullJson(p: DoublePull) {
  return {
    number: p.number,
    state: p.state,
    head: { sha: p.headSha },
    merged_at: p.mergedAt ?? null,
    merge_commit_sha: p.mergeCommitSha ?? null,
  };
}
