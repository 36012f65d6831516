/**
 * The output folder always describes exactly one promotion: the last one. Artifacts (image layout,
 * manifests) are built in a staging folder beside them and moved into place only when the whole
 * promotion succeeded; a refused or failed promotion leaves only its record and summary, and
 * removes the artifacts of an earlier run so nobody mistakes them for this one's.
 *
 * Because it deletes and replaces what it wrote, the folder must be ours: `claim()` runs before
 * anything else and refuses a folder holding files this tool did not write, a path that cannot be
 * a folder, and a folder another promotion is writing (a lock file naming it).
 */
import {
  open,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { PromotionError } from '../errors.js';
import type { PromotionRecord } from './promotion-record.js';

export const ARTIFACTS = ['image', 'manifests'] as const;
export type Artifact = (typeof ARTIFACTS)[number];

/** Says "this tool writes here"; a folder without it must be empty to be claimed. */
export const MARKER_FILE = '.model-promote';
export const LOCK_FILE = '.model-promote.lock';
/** What earlier versions wrote before the marker existed: a folder of only these is ours too. */
/** The signed promotion attestation of an image written as a layout (a pushed one carries it as a referrer). */
export const ATTESTATION_FILE = 'attestation.sigstore.json';
const OURS = new Set<string>([
  MARKER_FILE,
  LOCK_FILE,
  'promotion.json',
  'summary.md',
  ATTESTATION_FILE,
  ...ARTIFACTS,
]);
/** Kernel file systems: writing there does nothing useful, and may hang (`/proc/self/...`). */
const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];

export class OutputFolderError extends PromotionError<'output-folder-unusable' | 'output-folder-busy'> {
  override readonly name = 'OutputFolderError';
}

interface Lock {
  pid: number;
  startedAt: string;
  promotionId: string;
}

export class OutputFolder {
  private claimed = false;

  constructor(readonly dir: string) {}

  /**
   * Makes the folder this promotion's, before anything slow happens: refuses (usage, exit 2) a path
   * under /proc, /sys or /dev, a file, a path under a file, an unwritable place, a folder of someone
   * else's files, and a folder another live promotion holds the lock of.
   */
  async claim(promotionId: string): Promise<void> {
    await refuseSystemPath(this.dir);
    const found = await stat(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw unusable(this.dir, error);
    });
    if (found && !found.isDirectory()) {
      throw unusableBecause(
        this.dir,
        'is a file, not a folder',
        'give --output a folder path (it is created if missing)',
      );
    }
    if (found) {
      const foreign = (await readdir(this.dir)).filter(
        (name) => !OURS.has(name) && !name.startsWith('.staging-'),
      );
      if (foreign.length > 0 && !(await isFile(path.join(this.dir, MARKER_FILE)))) {
        const shown =
          foreign.sort().slice(0, 5).join(', ') +
          (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
        throw unusableBecause(
          this.dir,
          `holds files model-promote did not write (${shown}); it replaces its image/ and manifests/ there`,
          'give --output a new or empty folder (the default is out/model-promote)',
        );
      }
    }
    try {
      await mkdir(this.dir, { recursive: true });
      await this.lock({ pid: process.pid, startedAt: new Date().toISOString(), promotionId });
      await writeFile(
        path.join(this.dir, MARKER_FILE),
        'model-promote writes this folder: each promotion replaces promotion.json, summary.md, image/ and manifests/.\n',
      );
    } catch (error) {
      if (error instanceof PromotionError) throw error;
      throw unusable(this.dir, error as NodeJS.ErrnoException);
    }
    this.claimed = true;
  }

  /** Drops the lock; safe to call when the claim failed. */
  async release(): Promise<void> {
    if (!this.claimed) return;
    this.claimed = false;
    await rm(path.join(this.dir, LOCK_FILE), { force: true });
  }

  /** Whether the folder is this promotion's to write (claim() succeeded). */
  get isClaimed(): boolean {
    return this.claimed;
  }

  /** Takes the lock with O_EXCL; a lock whose process is gone is stale and taken over. */
  private async lock(mine: Lock): Promise<void> {
    const file = path.join(this.dir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(file, 'wx');
        await handle.writeFile(`${JSON.stringify(mine)}\n`);
        await handle.close();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readLock(file);
      if (holder === 'unreadable') {
        throw new OutputFolderError(
          'usage',
          'output-folder-busy',
          `output folder ${this.dir} is being claimed by another promotion right now`,
          `wait for it to finish, or give this promotion another --output; if none runs, delete ${file}`,
        );
      }
      if (holder && isAlive(holder.pid)) {
        throw new OutputFolderError(
          'usage',
          'output-folder-busy',
          `output folder ${this.dir} is being written by another promotion (${holder.promotionId}, process ${holder.pid}, started ${holder.startedAt})`,
          `wait for it to finish, or give this promotion another --output; if no such process runs, delete ${file}`,
        );
      }
      await rm(file, { force: true });
    }
    throw unusableBecause(this.dir, 'its lock file keeps coming back', `delete ${file} and run again`);
  }

  recordPath(): string {
    return path.join(this.dir, 'promotion.json');
  }

  summaryPath(): string {
    return path.join(this.dir, 'summary.md');
  }

  /** Final place of an artifact, as it will be named in the record. */
  artifactPath(artifact: Artifact): string {
    return path.join(this.dir, artifact);
  }

  async createStaging(): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    return mkdtemp(path.join(this.dir, '.staging-'));
  }

  attestationPath(): string {
    return path.join(this.dir, ATTESTATION_FILE);
  }

  /** Moves each staged artifact into place, replacing the previous run's. */
  async commit(staging: string): Promise<void> {
    // An earlier run's attestation describes an earlier image: it never sits beside this one.
    await rm(this.attestationPath(), { force: true });
    for (const artifact of ARTIFACTS) {
      await rm(this.artifactPath(artifact), { recursive: true, force: true });
      await rename(path.join(staging, artifact), this.artifactPath(artifact)).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        },
      );
    }
    await rm(staging, { recursive: true, force: true });
  }

  async discard(staging: string | undefined): Promise<void> {
    if (staging) await rm(staging, { recursive: true, force: true });
    for (const artifact of ARTIFACTS) await rm(this.artifactPath(artifact), { recursive: true, force: true });
    await rm(this.attestationPath(), { force: true });
  }

  /** The attestation of the image in `image/`, once the promotion deployed it. */
  async writeAttestation(bundleJson: string): Promise<void> {
    await writeAtomically(this.attestationPath(), bundleJson);
  }

  async writeReport(record: PromotionRecord, summaryMarkdown: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeAtomically(this.recordPath(), `${JSON.stringify(record, null, 2)}\n`);
    await writeAtomically(this.summaryPath(), summaryMarkdown);
  }
}

async function refuseSystemPath(dir: string): Promise<void> {
  // The nearest part of the path that exists, as the kernel resolves it (symbolic links followed).
  let existing = path.resolve(dir);
  for (;;) {
    const real = await realpath(existing).catch(() => undefined);
    if (real !== undefined) {
      existing = real;
      break;
    }
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const root = SYSTEM_ROOTS.find((r) => existing === r || existing.startsWith(`${r}/`));
  if (root) {
    throw unusableBecause(
      dir,
      `is under ${root}, a kernel file system that cannot hold it`,
      'give --output a folder in the workspace, e.g. out/model-promote',
    );
  }
}

function unusable(dir: string, error: NodeJS.ErrnoException): OutputFolderError {
  switch (error.code) {
    case 'ENOTDIR':
      return unusableBecause(
        dir,
        'is under a file, not a folder',
        'give --output a path whose parents are folders',
      );
    case 'EACCES':
    case 'EPERM':
      return unusableBecause(
        dir,
        'cannot be written by this user',
        'give --output a folder this user can write (or fix its permissions)',
      );
    case 'EROFS':
      return unusableBecause(
        dir,
        'is on a read-only file system',
        'give --output a folder on a writable disk',
      );
    case 'ENOSPC':
      return unusableBecause(dir, 'is on a full disk', 'free space or give --output another disk');
    default:
      return unusableBecause(
        dir,
        `cannot be used (${error.code ?? error.message})`,
        'give --output a folder this user can write',
      );
  }
}

function unusableBecause(dir: string, why: string, hint: string): OutputFolderError {
  return new OutputFolderError('usage', 'output-folder-unusable', `output folder ${dir} ${why}`, hint);
}

/**
 * The lock's holder; `unreadable` while another claimer is still writing it (a few seconds old at
 * most); undefined when it is gone or torn (stale: a crashed writer's).
 */
async function readLock(file: string): Promise<Lock | 'unreadable' | undefined> {
  try {
    const lock = JSON.parse(await readFile(file, 'utf8')) as Partial<Lock>;
    if (typeof lock.pid === 'number')
      return { pid: lock.pid, startedAt: String(lock.startedAt), promotionId: String(lock.promotionId) };
  } catch {
    // fall through: judged by its age
  }
  const age = Date.now() - ((await stat(file).catch(() => undefined))?.mtimeMs ?? 0);
  return age < 5000 ? 'unreadable' : undefined;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}
