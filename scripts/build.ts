/**
 * Builds dist/: the Action (dist/index.js) and the CLI (dist/cli/index.js) in one esbuild run, so
 * the two entry points share their code as chunks (dist/chunks/) instead of each carrying a copy.
 * Every command and stage the CLI does not need at start-up is a dynamic import, hence a chunk of
 * its own that loads only when used.
 *
 * The hash pool's worker is a third entry point, written beside the chunks; the build checks that
 * the pool's code lands in dist/chunks/ too, since the pool finds its worker as `./hash-worker.js`.
 *
 * The third-party notices (dist/licenses.txt) are made from what esbuild reports it bundled, so
 * they name every package in dist/ and nothing else; test/build/notices.test.ts rebuilds in memory
 * and compares.
 *
 *   tsx scripts/build.ts            write dist/
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');

export const BUILD_OPTIONS: esbuild.BuildOptions = {
  absWorkingDir: ROOT,
  entryPoints: {
    index: 'src/index.ts',
    'cli/index': 'src/cli/index.ts',
    'chunks/hash-worker': 'src/signing/hash-worker.ts',
  },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // ESM builds of dependencies where they ship one (smaller, and tree-shaken).
  mainFields: ['module', 'main'],
  // CommonJS dependencies call require() for Node's built-ins; ESM output has no require.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // debug (in client-node and tuf) requires supports-color inside a try, for coloured terminals;
  // it is no dependency of ours (a dev tool's), so it must not be bundled: absent, debug does without.
  external: ['supports-color'],
  // The notices file carries every licence; per-chunk copies would only repeat it.
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};

export interface BundledPackage {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  /** Folder of the package, relative to the repository root. */
  readonly folder: string;
}

/**
 * The folder of the npm package an esbuild input belongs to (`node_modules/@scope/name`, the
 * innermost when packages nest), or undefined for the project's own files.
 */
export function packageFolder(input: string): string | undefined {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const scoped = parts[at + 1]!.startsWith('@');
  return parts.slice(0, at + (scoped ? 3 : 2)).join('/');
}

/** The npm packages whose files esbuild put into the bundle, by the folder each input lies in. */
export async function bundledPackages(metafile: esbuild.Metafile): Promise<BundledPackage[]> {
  const folders = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const folder = packageFolder(input);
    if (folder) folders.add(folder);
  }
  const packages = await Promise.all(
    [...folders].map(async (folder) => {
      const manifest = JSON.parse(await readFile(path.join(ROOT, folder, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        license?: string | { type: string };
      };
      const license = typeof manifest.license === 'object' ? manifest.license.type : manifest.license;
      return { name: manifest.name, version: manifest.version, license: license ?? 'UNKNOWN', folder };
    }),
  );
  return packages.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

const LICENSE_FILE = /^(licen[cs]e|copying|notice)(\.|-|$)/i;
/** Between packages: a line no licence text contains, so the file can be read back by a program. */
export const NOTICE_SEPARATOR = `${'='.repeat(78)}\n`;

/**
 * The notices file: for each bundled package a `Package: NAME@VERSION` and `License:` line, then
 * the text of its licence files (or, when it ships none, who wrote it and where it lives).
 */
export async function thirdPartyNotices(packages: readonly BundledPackage[]): Promise<string> {
  const sections = await Promise.all(
    packages.map(async (pkg) => {
      const folder = path.join(ROOT, pkg.folder);
      const files = (await readdir(folder)).filter((name) => LICENSE_FILE.test(name)).sort();
      const texts = await Promise.all(
        files.map(async (name) => (await readFile(path.join(folder, name), 'utf8')).trim()),
      );
      const body = texts.length > 0 ? texts.join('\n\n') : await withoutLicenceFile(folder, pkg.license);
      return `Package: ${pkg.name}@${pkg.version}\nLicense: ${pkg.license}\n\n${body}\n`;
    }),
  );
  return (
    'Third-party software bundled in dist/ (the Action, dist/index.js, and the CLI, dist/cli/index.js),\n' +
    'with the licence of each. Generated by scripts/build.ts from what the bundler included.\n\n' +
    sections.map((section) => NOTICE_SEPARATOR + section).join('\n')
  );
}

async function withoutLicenceFile(folder: string, license: string): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(folder, 'package.json'), 'utf8')) as {
    author?: string | { name?: string };
    repository?: string | { url?: string };
  };
  const author = typeof manifest.author === 'object' ? manifest.author.name : manifest.author;
  const repository = typeof manifest.repository === 'object' ? manifest.repository.url : manifest.repository;
  return [
    `The package ships no licence file; its package.json declares ${license}.`,
    ...(author ? [`Author: ${author}`] : []),
    ...(repository ? [`Source: ${repository}`] : []),
  ].join('\n');
}

async function build(): Promise<void> {
  await rm(DIST, { recursive: true, force: true });
  const result = await esbuild.build(BUILD_OPTIONS);
  const metafile = result.metafile!;
  const pool = Object.entries(metafile.outputs).find(
    ([, output]) => 'src/signing/hash-pool.ts' in output.inputs,
  );
  if (!pool || path.dirname(pool[0]) !== 'dist/chunks') {
    throw new Error(
      `the hash pool was bundled into ${pool?.[0] ?? 'nothing'}, not beside its worker in dist/chunks/`,
    );
  }
  await mkdir(DIST, { recursive: true });
  await writeFile(path.join(DIST, 'package.json'), '{\n  "type": "module"\n}\n');
  await writeFile(path.join(DIST, 'licenses.txt'), await thirdPartyNotices(await bundledPackages(metafile)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await build();
