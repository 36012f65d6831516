/**
 * Stages the npm package in .pack/ and packs it. dist/ is self-contained (esbuild bundled every
 * dependency, and dist/licenses.txt names them), so the published package declares no
 * dependencies: `npx model-promote` downloads one tarball, not the hundred-odd packages the
 * repository builds from, and nothing npm resolves at install time can change what runs.
 *
 *   tsx scripts/pack.ts [--destination DIR]   .pack/ and DIR/NAME-VERSION.tgz (DIR: the current folder)
 *   npm publish .pack --provenance            what the release workflow publishes
 *
 * The repository's own package.json is private, so it cannot be published by mistake with its
 * dependency list.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAGE = path.join(ROOT, '.pack');

/** The fields a user's npm needs, and nothing about how the repository builds. */
const PUBLISHED_FIELDS = [
  'name',
  'version',
  'description',
  'license',
  'type',
  'engines',
  'bin',
  'files',
  'repository',
  'homepage',
  'bugs',
  'keywords',
] as const;

export async function stagePackage(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const published = Object.fromEntries(
    PUBLISHED_FIELDS.filter((field) => manifest[field] !== undefined).map((field) => [
      field,
      manifest[field],
    ]),
  );
  await rm(STAGE, { recursive: true, force: true });
  await mkdir(STAGE);
  for (const entry of [...(manifest.files as string[]), 'README.md', 'LICENSE']) {
    await cp(path.join(ROOT, entry), path.join(STAGE, entry), { recursive: true }).catch((error: unknown) => {
      // LICENSE is optional until the repository has one; everything `files` names is not.
      if (entry !== 'LICENSE') throw error;
    });
  }
  await writeFile(path.join(STAGE, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  return STAGE;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { destination: { type: 'string', default: '.' } } });
  const stage = await stagePackage();
  const { stdout } = await promisify(execFile)('npm', [
    'pack',
    stage,
    '--pack-destination',
    path.resolve(values.destination),
    '--json',
  ]);
  const [packed] = JSON.parse(stdout) as { filename: string; size: number; entryCount: number }[];
  console.log(
    `${path.join(values.destination, packed!.filename)}: ${packed!.entryCount} files, ${packed!.size} bytes`,
  );
}
