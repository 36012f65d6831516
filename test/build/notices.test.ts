/**
 * dist/licenses.txt names exactly the packages in dist/, each from the production dependency tree,
 * each with its licence: the bundle is rebuilt in memory (the build's own options) and what esbuild
 * reports it included is compared with the committed notices and with `npm ls --omit=dev`.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as esbuild from 'esbuild';
import {
  BUILD_OPTIONS,
  bundledPackages,
  NOTICE_SEPARATOR,
  ROOT,
  type BundledPackage,
} from '../../scripts/build.js';

interface NpmTree {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, NpmTree>>;
}

/** name@version of every package `npm ls --omit=dev --all` lists. */
function flatten(tree: NpmTree, into = new Set<string>()): Set<string> {
  for (const [name, child] of Object.entries(tree.dependencies ?? {})) {
    // A package seen before may be a deduplicated stub here, its dependencies listed elsewhere.
    into.add(`${name}@${child.version}`);
    flatten(child, into);
  }
  return into;
}

interface Notice {
  readonly id: string;
  readonly license: string;
  readonly body: string;
}

function parseNotices(text: string): Notice[] {
  return text
    .split(NOTICE_SEPARATOR)
    .slice(1)
    .map((section) => {
      const [, id = '', license = ''] = /^Package: (\S+)\nLicense: (.*)\n/.exec(section) ?? [];
      return { id, license, body: section.slice(section.indexOf('\n\n') + 2).trim() };
    });
}

let bundled: BundledPackage[];
let notices: Notice[];
let production: Set<string>;

beforeAll(async () => {
  const [build, text, ls] = await Promise.all([
    esbuild.build({ ...BUILD_OPTIONS, write: false }),
    readFile(path.join(ROOT, 'dist/licenses.txt'), 'utf8'),
    promisify(execFile)('npm', ['ls', '--omit=dev', '--all', '--json'], { cwd: ROOT, maxBuffer: 64 << 20 }),
  ]);
  bundled = await bundledPackages(build.metafile!);
  notices = parseNotices(text);
  production = flatten(JSON.parse(ls.stdout) as NpmTree);
}, 60_000);

describe('dist/licenses.txt', () => {
  it('names every package the bundle holds, and no other', () => {
    // Also proves no licence text holds the separator: it would split into a section of no package.
    expect(bundled.length).toBeGreaterThan(50);
    expect(notices.map((n) => n.id)).toEqual(bundled.map((p) => `${p.name}@${p.version}`));
  });

  it('holds only packages of the production dependency tree (no dev dependency is bundled)', () => {
    expect(production.size).toBeGreaterThan(50);
    expect(bundled.map((p) => `${p.name}@${p.version}`).filter((id) => !production.has(id))).toEqual([]);
  });

  it('gives each package its licence, and the licence text or where to find the authors', () => {
    // Permissive licences only, alone or in an SPDX expression; anything else needs a decision.
    const permissive = /^(MIT|ISC|Apache-2\.0|BSD-[23]-Clause|0BSD|BlueOak-1\.0\.0|Unlicense)$/;
    for (const notice of notices) {
      const ids = notice.license.split(/[()\s]+|\bAND\b|\bOR\b/).filter(Boolean);
      expect({ id: notice.id, licenses: ids.filter((id) => !permissive.test(id)) }).toEqual({
        id: notice.id,
        licenses: [],
      });
      expect(notice.body.length).toBeGreaterThan(40);
    }
    expect(notices.find((n) => n.id.startsWith('@kubernetes/client-node@'))?.body).toMatch(/Apache License/);
  });
});
