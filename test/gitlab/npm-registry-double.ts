/**
 * Stands in for the npm registry (registry.npmjs.org), which the tests cannot reach: it speaks
 * the part of the registry API the npm client uses to install and audit one package, with the
 * packument, the tarball, the signing keys (`/-/npm/v1/keys`) and the attestations
 * (`/-/npm/v1/attestations/NAME@VERSION`). The npm client that talks to it is the real one.
 *
 * The package is a stand-in CLI whose `model-promote` bin writes a marker file, so a test can
 * tell whether the job ran it. `serve` decides what the registry says about it.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Served {
  /** dist.signatures of the version (omitted when undefined). */
  readonly signatures?: readonly { keyid: string; sig: string }[];
  /** Whether dist.attestations names a provenance attestation. */
  readonly provenance: boolean;
  /** Flip a byte of the tarball after its integrity was computed. */
  readonly tamperTarball?: boolean;
}

export interface NpmRegistryDouble {
  readonly url: string;
  /** Paths requested, in order. */
  readonly requests: string[];
  serve(what: Served): void;
  close(): Promise<void>;
}

/** Packs the stand-in CLI NAME@VERSION in DIR; its bin writes MARKER when it runs. */
async function packStandIn(dir: string, name: string, version: string, marker: string): Promise<Buffer> {
  const source = path.join(dir, 'stand-in');
  await mkdir(source, { recursive: true });
  await writeFile(
    path.join(source, 'package.json'),
    JSON.stringify({ name, version, bin: { 'model-promote': 'cli.js' } }),
  );
  await writeFile(
    path.join(source, 'cli.js'),
    `#!/usr/bin/env node\nrequire('node:fs').writeFileSync(${JSON.stringify(marker)}, JSON.stringify(process.argv.slice(2)));\n`,
  );
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: source });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  return readFile(path.join(dir, filename));
}

export async function startNpmRegistryDouble(options: {
  dir: string;
  name: string;
  version: string;
  marker: string;
}): Promise<NpmRegistryDouble> {
  const { name, version } = options;
  const tarball = await packStandIn(options.dir, name, version, options.marker);
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  let served: Served = { provenance: false };
  const requests: string[] = [];

  const server: Server = createServer((request, response) => {
    const url = decodeURIComponent(request.url ?? '/');
    requests.push(url);
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url === `/${name}`) {
      const dist: Record<string, unknown> = { integrity, tarball: `${base}/tarballs/cli.tgz` };
      if (served.signatures) dist.signatures = served.signatures;
      if (served.provenance) {
        dist.attestations = {
          url: `${base}/-/npm/v1/attestations/${name}@${version}`,
          provenance: { predicateType: 'https://slsa.dev/provenance/v1' },
        };
      }
      json(200, {
        _id: name,
        name,
        'dist-tags': { latest: version },
        versions: { [version]: { name, version, bin: { 'model-promote': 'cli.js' }, dist } },
        time: { [version]: '2026-01-01T00:00:00.000Z' },
      });
    } else if (url === '/tarballs/cli.tgz') {
      const bytes = Buffer.from(tarball);
      if (served.tamperTarball) bytes.writeUInt8(bytes[bytes.length - 40]! ^ 0xff, bytes.length - 40);
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(bytes);
    } else if (url === '/-/npm/v1/keys') {
      json(200, { keys: [] });
    } else if (url.startsWith('/-/npm/v1/attestations/')) {
      json(200, { attestations: [] });
    } else {
      json(404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${base}/`,
    requests,
    serve(what) {
      served = what;
      requests.length = 0;
    },
    close: () =>
      new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
