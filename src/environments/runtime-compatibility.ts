/**
 * Can a base image's CUDA or ROCm runtime run on a pool's driver, and does it meet the model's
 * runtime requirement? Pure: the image's runtime is handed in (read by image/base-image.ts or
 * declared in the catalog), the NVIDIA table is data (cuda-driver-table.ts).
 */
import { CUDA_MINIMUM_DRIVER, CUDA_MINOR_COMPATIBILITY_DRIVER } from './cuda-driver-table.js';
import type { Pool } from './catalog-schema.js';
import {
  compareVersions,
  parseRange,
  parseVersion,
  satisfies,
  type Version,
  type VersionRange,
} from './runtime-version.js';

/** What a pool's nodes run, from `driver` and `accelerator` in the catalog. */
export type AcceleratorStack =
  | {
      readonly kind: 'nvidia';
      /** The driver, or the least driver that supports `cuda` when only that is declared. */
      readonly driver: Version;
      /** How the driver was known: `driver 535.104.05`, or `driver for CUDA 12.2`. */
      readonly describe: string;
    }
  | { readonly kind: 'rocm'; readonly rocm: Version }
  | { readonly kind: 'undeclared'; readonly why?: string };

/** The runtime a base image carries, and where that was learned. */
export interface ImageRuntime {
  readonly cuda?: string;
  readonly rocm?: string;
  /** `catalog`, `image label dev.model-promote.cuda`, `image env CUDA_VERSION`, or `none`. */
  readonly source: string;
}

export const NO_RUNTIME: ImageRuntime = { source: 'none' };

/** From the model labels `cuda` and `rocm`, e.g. `cuda: ">=12.1"`. */
export interface RuntimeRequirement {
  readonly cuda?: VersionRange;
  readonly rocm?: VersionRange;
}

export interface RuntimeCheck {
  readonly compatible: boolean;
  /** One line naming the driver, the runtime and the requirement that decided. */
  readonly detail: string;
  /** How to make it compatible; only when not. */
  readonly fix?: string;
  /** The driver that would run it, when upgrading the driver is a fix. */
  readonly upgradeDriver?: Version;
  /** The runtime's version, for choosing the newest variant. */
  readonly version?: Version;
}

/** A label that is not a range, with the label's name; the caller turns it into a usage error. */
export class RuntimeRequirementError extends Error {
  constructor(
    readonly label: string,
    readonly value: string,
  ) {
    super(`model label ${label}=${JSON.stringify(value)} is not a version range`);
  }
}

/** The `cuda` and `rocm` labels of a model; RuntimeRequirementError when one is not a range. */
export function runtimeRequirement(labels: Readonly<Record<string, string>>): RuntimeRequirement {
  const read = (label: 'cuda' | 'rocm'): VersionRange | undefined => {
    if (!Object.hasOwn(labels, label)) return undefined;
    const value = labels[label] ?? '';
    const range = parseRange(value);
    if (!range) throw new RuntimeRequirementError(label, value);
    return range;
  };
  const cuda = read('cuda');
  const rocm = read('rocm');
  return { ...(cuda && { cuda }), ...(rocm && { rocm }) };
}

export function hasRequirement(requirement: RuntimeRequirement): boolean {
  return requirement.cuda !== undefined || requirement.rocm !== undefined;
}

/** The schema has checked the strings are versions; a pool states a ROCm or an NVIDIA stack, or none. */
export function acceleratorStack(pool: Pool): AcceleratorStack {
  const driver = pool.driver;
  const vendor = pool.accelerator?.vendor;
  const rocm = driver?.rocm === undefined ? undefined : parseVersion(driver.rocm);
  if (rocm) return { kind: 'rocm', rocm };
  if (vendor !== undefined && vendor !== 'nvidia') return { kind: 'undeclared' };
  const version = driver?.version === undefined ? undefined : parseVersion(driver.version);
  if (version) return { kind: 'nvidia', driver: version, describe: `driver ${version.text}` };
  const cuda = driver?.cuda === undefined ? undefined : parseVersion(driver.cuda);
  if (cuda) {
    // A driver that reports CUDA X.Y is at least the driver Table 3 names for X.Y GA.
    const least = minimumDriver(releaseOf(cuda, 0));
    if (least) return { kind: 'nvidia', driver: least, describe: `driver for CUDA ${cuda.text}` };
    return {
      kind: 'undeclared',
      why: `driver.cuda ${cuda.text} is not in NVIDIA's table; give driver.version`,
    };
  }
  return { kind: 'undeclared' };
}

/** Checks one base image runtime against the pool's stack and the model's requirement. */
export function checkRuntime(
  stack: AcceleratorStack,
  runtime: ImageRuntime,
  requirement: RuntimeRequirement,
): RuntimeCheck {
  const cuda = runtime.cuda === undefined ? undefined : parseVersion(runtime.cuda);
  const rocm = runtime.rocm === undefined ? undefined : parseVersion(runtime.rocm);
  const carries = cuda
    ? `CUDA ${cuda.text} (${runtime.source})`
    : rocm
      ? `ROCm ${rocm.text} (${runtime.source})`
      : 'no CUDA or ROCm runtime';
  const version = cuda ?? rocm;
  const unmet = unmetRequirement(cuda, rocm, requirement, carries);
  if (unmet) return { compatible: false, ...unmet };
  const wanted = describeRequirement(requirement);

  switch (stack.kind) {
    case 'undeclared': {
      if (hasRequirement(requirement)) {
        return {
          compatible: false,
          detail: `pool declares no ${requirement.cuda ? 'NVIDIA driver' : 'ROCm version'}; model needs ${wanted}${stack.why ? ` (${stack.why})` : ''}`,
          fix: `declare driver.${requirement.cuda ? 'version' : 'rocm'} on the pool`,
        };
      }
      return {
        compatible: true,
        detail: `base carries ${carries}; pool declares no driver, not checked`,
        ...(version && { version }),
      };
    }
    case 'rocm': {
      if (cuda) {
        return {
          compatible: false,
          detail: `${carries} cannot run on ROCm ${stack.rocm.text}`,
          fix: 'use a ROCm base image on this pool',
        };
      }
      if (!rocm) return { compatible: true, detail: `ROCm ${stack.rocm.text}; base carries ${carries}` };
      // AMD publishes no driver table like NVIDIA's: same major, and not newer than the nodes.
      const ok = rocm.parts[0] === stack.rocm.parts[0] && compareVersions(rocm, stack.rocm) <= 0;
      return ok
        ? {
            compatible: true,
            detail: `ROCm ${stack.rocm.text} runs ${carries}${requirementNote(wanted)}`,
            version: rocm,
          }
        : {
            compatible: false,
            detail: `ROCm ${stack.rocm.text} on the nodes cannot run ${carries}`,
            fix: `use a base with ROCm ${stack.rocm.parts[0]}.x no newer than ${stack.rocm.text}, or upgrade the nodes to ROCm ${rocm.text}`,
          };
    }
    case 'nvidia': {
      if (rocm) {
        return {
          compatible: false,
          detail: `${carries} cannot run on an NVIDIA ${stack.describe}`,
          fix: 'use a CUDA base image on this pool',
        };
      }
      if (!cuda) return { compatible: true, detail: `${stack.describe}; base carries ${carries}` };
      const check = cudaOnDriver(cuda, stack, carries);
      return { ...check, detail: `${check.detail}${requirementNote(wanted)}`, version: cuda };
    }
  }
}

function unmetRequirement(
  cuda: Version | undefined,
  rocm: Version | undefined,
  requirement: RuntimeRequirement,
  carries: string,
): Pick<RuntimeCheck, 'detail' | 'fix'> | undefined {
  for (const [name, range, have] of [
    ['cuda', requirement.cuda, cuda],
    ['rocm', requirement.rocm, rocm],
  ] as const) {
    if (!range) continue;
    if (!have || !satisfies(have, range)) {
      return {
        detail: `model needs ${name} ${range.text}; base carries ${carries}`,
        fix: `add a base variant with ${name === 'cuda' ? 'CUDA' : 'ROCm'} ${range.text}`,
      };
    }
  }
  return undefined;
}

function describeRequirement(requirement: RuntimeRequirement): string {
  return [
    requirement.cuda && `cuda ${requirement.cuda.text}`,
    requirement.rocm && `rocm ${requirement.rocm.text}`,
  ]
    .filter(Boolean)
    .join(', ');
}

function requirementNote(wanted: string): string {
  return wanted ? `; model needs ${wanted}` : '';
}

function cudaOnDriver(
  cuda: Version,
  stack: Extract<AcceleratorStack, { kind: 'nvidia' }>,
  carries: string,
): Omit<RuntimeCheck, 'version'> {
  const driver = stack.driver;
  const minimum = minimumDriver(cuda);
  const major = cuda.parts[0] ?? 0;
  const floorText = CUDA_MINOR_COMPATIBILITY_DRIVER[major];
  const floor = floorText === undefined ? undefined : parseVersion(floorText);
  if (minimum && compareVersions(driver, minimum) >= 0) {
    return { compatible: true, detail: `${stack.describe} runs ${carries} (needs >= ${minimum.text})` };
  }
  if (floor && compareVersions(driver, floor) >= 0) {
    const full = minimum
      ? `full support needs >= ${minimum.text}`
      : `CUDA ${cuda.text} is not in NVIDIA's table`;
    return {
      compatible: true,
      detail:
        `${stack.describe} runs ${carries} through minor-version compatibility ` +
        `(${major}.x from ${floor.text}; ${full}; no PTX JIT, features of newer drivers unavailable)`,
    };
  }
  const needs = [
    minimum && `>= ${minimum.text}`,
    floor &&
      (!minimum || compareVersions(floor, minimum) < 0) &&
      `>= ${floor.text} with minor-version compatibility`,
  ].filter(Boolean);
  const newest = newestRunnable(driver);
  const upgradeDriver = minimum ?? floor;
  return {
    compatible: false,
    detail: `${stack.describe} cannot run ${carries}: ${needs.length ? `needs driver ${needs.join(', or ')}` : `CUDA ${cuda.text} is not in NVIDIA's table`}`,
    fix: newest
      ? `add a base variant with CUDA ${newest.parts[0]}.x up to ${newest.text} (the newest ${stack.describe} runs fully)`
      : `no CUDA release in the table runs on ${stack.describe}; upgrade the driver`,
    ...(upgradeDriver && { upgradeDriver }),
  };
}

/** `12.4` is 12.4 GA: release parts padded to major.minor.update. */
function releaseOf(version: Version, update?: number): Version {
  const [major = 0, minor = 0, patch = 0] = version.parts;
  const parts = [major, minor, update ?? patch];
  return { parts, text: parts.join('.') };
}

/**
 * Table 3's minimum for this release: the row of the same major.minor with the highest update not
 * above it. An update newer than any row is not assumed to need no more than the last one.
 */
export function minimumDriver(cuda: Version): Version | undefined {
  const release = releaseOf(cuda);
  const [major, minor, update = 0] = release.parts;
  let best: { update: number; driver: string } | undefined;
  let highest = -1;
  for (const [row, driver] of CUDA_MINIMUM_DRIVER) {
    const [rowMajor, rowMinor, rowUpdate = 0] = row.split('.').map(Number);
    if (rowMajor !== major || rowMinor !== minor) continue;
    highest = Math.max(highest, rowUpdate);
    if (rowUpdate <= update && (!best || rowUpdate > best.update)) best = { update: rowUpdate, driver };
  }
  if (!best || update > highest) return undefined;
  return parseVersion(best.driver);
}

/** The newest release of the table this driver runs without minor-version compatibility. */
export function newestRunnable(driver: Version): Version | undefined {
  let newest: Version | undefined;
  for (const [release, minimum] of CUDA_MINIMUM_DRIVER) {
    const needs = parseVersion(minimum);
    const candidate = parseVersion(release);
    if (!needs || !candidate || compareVersions(driver, needs) < 0) continue;
    if (!newest || compareVersions(candidate, newest) > 0) newest = candidate;
  }
  return newest;
}
