/**
 * A test double of GitLab's REST v4 notes API — not GitLab. It keeps merge-request notes in memory
 * and checks what GitLab's documentation requires of the calls the reporter makes:
 * - every request carries a `PRIVATE-TOKEN` header (else 401, as GitLab answers);
 * - `POST .../merge_requests/:iid/notes` and `PUT .../notes/:note_id` need a non-empty `body`
 *   (else 400 `{"error":"body is missing"}`), and PUT names an existing note id in its path;
 * - lists page with `per_page` and `page`, answering `x-next-page`;
 * - `GET /projects/:id/repository/commits/:sha/merge_requests` lists the commit's merge requests;
 * - issues: `GET /projects/:id/issues?state=opened|closed|all` (paged), `POST /projects/:id/issues`
 *   needs a `title` (else 400 `{"message":{"title":["can't be blank"]}}`), `PUT .../issues/:iid`
 *   takes `description` and `state_event` (`close` or `reopen`), and `POST .../issues/:iid/notes`
 *   needs a `body`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DoubleNote {
  id: number;
  body: string;
  system: boolean;
}

export interface DoubleIssue {
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed';
  notes: string[];
}

export interface GitlabDouble {
  /** `http://127.0.0.1:PORT/api/v4`, as CI_API_V4_URL. */
  readonly apiUrl: string;
  /** Notes by merge request iid. */
  readonly notes: Map<string, DoubleNote[]>;
  /** The project's issues. */
  readonly issues: DoubleIssue[];
  /** Merge requests by commit sha. */
  readonly commits: Map<string, { iid: number; state: string }[]>;
  /** `METHOD path` of every request, in order. */
  readonly requests: string[];
  /** Requests the double refused, with why: a test expects none unless it tests a refusal. */
  readonly refusals: string[];
  /** Answer every call with this status (e.g. 403), to test failures. */
  failWith?: number;
  close(): Promise<void>;
}

export async function startGitlabDouble(options: {
  projectId: string;
  token: string;
}): Promise<GitlabDouble> {
  const project = `/api/v4/projects/${encodeURIComponent(options.projectId)}`;
  let nextId = 1000;
  const state = {
    notes: new Map<string, DoubleNote[]>(),
    issues: [] as DoubleIssue[],
    commits: new Map<string, { iid: number; state: string }[]>(),
    requests: [] as string[],
    refusals: [] as string[],
    failWith: undefined as number | undefined,
  };
  const send = (res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(json));
  };
  const refuse = (res: ServerResponse, status: number, why: string, json: unknown) => {
    state.refusals.push(why);
    send(res, status, json);
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://double');
    state.requests.push(`${req.method} ${url.pathname}`);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();

    if (state.failWith) return send(res, state.failWith, { message: `${state.failWith} Forbidden` });
    if (req.headers['private-token'] === undefined) {
      return refuse(res, 401, 'no PRIVATE-TOKEN header', { message: '401 Unauthorized' });
    }
    if (req.headers['private-token'] !== options.token)
      return send(res, 401, { message: '401 Unauthorized' });

    const commit = new RegExp(`^${project}/repository/commits/([0-9a-f]+)/merge_requests$`).exec(
      url.pathname,
    );
    if (req.method === 'GET' && commit) return send(res, 200, state.commits.get(commit[1]!) ?? []);

    const issueMatch = new RegExp(`^${project}/issues(?:/(\\d+)(/notes)?)?$`).exec(url.pathname);
    if (issueMatch) return issues(req.method ?? 'GET', url, raw, res, issueMatch[1], Boolean(issueMatch[2]));

    const notesMatch = new RegExp(`^${project}/merge_requests/(\\d+)/notes(?:/(\\d+))?$`).exec(url.pathname);
    if (!notesMatch) return refuse(res, 404, `unknown path ${url.pathname}`, { message: '404 Not Found' });
    const iid = notesMatch[1]!;
    const noteId = notesMatch[2];
    const notes = state.notes.get(iid) ?? [];
    state.notes.set(iid, notes);

    if (req.method === 'GET' && !noteId) {
      const perPage = Number(url.searchParams.get('per_page') ?? 20);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = notes.slice((page - 1) * perPage, page * perPage);
      const more = page * perPage < notes.length;
      return send(res, 200, slice, { 'x-next-page': more ? String(page + 1) : '', 'x-page': String(page) });
    }
    if (req.method !== 'POST' && req.method !== 'PUT')
      return refuse(res, 405, `${req.method} not expected`, {});
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return refuse(res, 415, 'body not sent as JSON', { error: 'unsupported media type' });
    }
    let body: unknown;
    try {
      body = (JSON.parse(raw) as { body?: unknown }).body;
    } catch {
      return refuse(res, 400, 'body is not JSON', { error: 'body is missing' });
    }
    if (typeof body !== 'string' || body === '')
      return refuse(res, 400, 'body is missing', { error: 'body is missing' });

    if (req.method === 'POST') {
      if (noteId) return refuse(res, 404, 'POST to a note id', { message: '404 Not Found' });
      const note = { id: nextId++, body, system: false };
      notes.push(note);
      return send(res, 201, note);
    }
    const existing = notes.find((note) => String(note.id) === noteId);
    if (!noteId || !existing)
      return refuse(res, 404, `PUT without an existing note id (${noteId})`, {
        message: '404 Note Not Found',
      });
    existing.body = body;
    return send(res, 200, existing);
  });
  function issues(
    method: string,
    url: URL,
    raw: string,
    res: ServerResponse,
    iid: string | undefined,
    notes: boolean,
  ): void {
    if (method === 'GET' && !iid) {
      const wanted = url.searchParams.get('state') ?? 'all';
      const all = state.issues.filter((i) => wanted === 'all' || i.state === wanted);
      const perPage = Number(url.searchParams.get('per_page') ?? 20);
      const page = Number(url.searchParams.get('page') ?? 1);
      const more = page * perPage < all.length;
      return send(res, 200, all.slice((page - 1) * perPage, page * perPage).map(issueJson), {
        'x-next-page': more ? String(page + 1) : '',
      });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return refuse(res, 400, 'issue body is not JSON', { error: 'body is not JSON' });
    }
    const issue = iid ? state.issues.find((i) => String(i.iid) === iid) : undefined;
    if (iid && !issue) return refuse(res, 404, `no issue ${iid}`, { message: '404 Issue Not Found' });
    if (method === 'POST' && !iid) {
      if (typeof body.title !== 'string' || !body.title)
        return refuse(res, 400, 'issue without a title', { message: { title: ["can't be blank"] } });
      const created: DoubleIssue = {
        iid: state.issues.length + 1,
        title: body.title,
        description: typeof body.description === 'string' ? body.description : '',
        state: 'opened',
        notes: [],
      };
      state.issues.push(created);
      return send(res, 201, issueJson(created));
    }
    if (method === 'POST' && issue && notes) {
      if (typeof body.body !== 'string' || !body.body)
        return refuse(res, 400, 'note without a body', { error: 'body is missing' });
      issue.notes.push(body.body);
      return send(res, 201, { id: nextId++, body: body.body, system: false });
    }
    if (method === 'PUT' && issue && !notes) {
      if (typeof body.description === 'string') issue.description = body.description;
      if (body.state_event === 'close') issue.state = 'closed';
      else if (body.state_event === 'reopen') issue.state = 'opened';
      else if (body.state_event !== undefined)
        return refuse(res, 400, `state_event ${String(body.state_event)}`, {
          error: 'state_event does not have a valid value',
        });
      return send(res, 200, issueJson(issue));
    }
    return refuse(res, 405, `${method} ${url.pathname} not expected`, {});
  }
  const issueJson = (i: DoubleIssue) => ({
    iid: i.iid,
    title: i.title,
    description: i.description,
    state: i.state,
    web_url: `https://gitlab.test/group/project/-/issues/${i.iid}`,
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    apiUrl: `http://127.0.0.1:${port}/api/v4`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as GitlabDouble;
}
