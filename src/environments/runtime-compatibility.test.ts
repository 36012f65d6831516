import { describe, expect, it } from '@jest/globals';
import { catalogSchema, type Pool } from './catalog-schema.js';
import { CUDA_MINIMUM_DRIVER, CUDA_MINOR_COMPATIBILITY_DRIVER } from './cuda-driver-table.js';
import {
  acceleratorStack,
  checkRuntime,
  minimumDriver,
  newestRunnable,
  runtimeRequirement,
  RuntimeRequirementError,
  type ImageRuntime,
} from './runtime-compatibility.js';
import { compareVersions, parseVersion } from './runtime-version.js';

function pool(extra: Record<string, unknown>): Pool {
  const catalog = catalogSchema.parse({
    apiVersion: 'model-promote/v1',
    kind: 'ComputeCatalog',
    environments: {
      production: { pools: [{ name: 'p', image: { base: { default: 'scratch' } }, ...extra }] },
    },
  });
  const only = catalog.environments.production?.pools[0];
  if (!only) throw new Error('test catalog has no pool');
  return only;
}

const nvidia = (version: string) => pool({ accelerator: { vendor: 'nvidia' }, driver: { version } });
const cuda = (version: string): ImageRuntime => ({ cuda: version, source: 'image env CUDA_VERSION' });

describe('the NVIDIA table (data)', () => {
  it('is sorted newest first, one row per release, and each major needs no older driver than the one before', () => {
    const releases = CUDA_MINIMUM_DRIVER.map(([release]) => release);
    expect(new Set(releases).size).toBe(releases.length);
    for (let i = 1; i < CUDA_MINIMUM_DRIVER.length; i++) {
      const [newer, newerDriver] = CUDA_MINIMUM_DRIVER[i - 1] ?? [];
      const [older, olderDriver] = CUDA_MINIMUM_DRIVER[i] ?? [];
      const order = (a?: string, b?: string) =>
        compareVersions(parseVersion(a ?? '')!, parseVersion(b ?? '')!);
      expect([newer, older, order(newer, older)]).toEqual([newer, older, 1]);
      expect([newer, older, order(newerDriver, olderDriver) >= 0]).toEqual([newer, older, true]);
    }
  });

  it('holds the minor-version floors the release notes give', () => {
    expect(CUDA_MINOR_COMPATIBILITY_DRIVER).toMatchObject({ 11: '450.80.02', 12: '525.60.13' });
  });

  it.each([
    { release: '12.4.1', driver: '550.54.15' },
    { release: '12.4', driver: '550.54.14' }, // GA
    { release: '12.2.2', driver: '535.104.05' },
    { release: '11.8.0', driver: '520.61.05' },
    { release: '13.0.0', driver: '580.65.06' },
    { release: '13.0.2', driver: undefined }, // an update newer than the table's rows
    { release: '12.7', driver: undefined }, // no such release
    { release: '11.0', driver: undefined }, // 11.0 GA was 11.0.2; 11.0.0 is not a row
  ])('minimum driver of CUDA $release: $driver', ({ release, driver }) => {
    expect(minimumDriver(parseVersion(release)!)?.text).toBe(driver);
  });

  it.each([
    { driver: '535.104.05', newest: '12.2.2' },
    { driver: '550.90.07', newest: '12.4.1' },
    { driver: '470.82.01', newest: '11.4.4' },
    { driver: '400.1', newest: undefined },
  ])('driver $driver runs up to CUDA $newest fully', ({ driver, newest }) => {
    expect(newestRunnable(parseVersion(driver)!)?.text).toBe(newest);
  });
});

describe('checkRuntime', () => {
  const cases: {
    name: string;
    pool: Pool;
    runtime: ImageRuntime;
    labels?: Record<string, string>;
    compatible: boolean;
    detail: RegExp;
    fix?: RegExp;
    /** The driver that would run it. */
    upgrade?: string;
  }[] = [
    {
      name: 'driver newer than the release needs',
      pool: nvidia('550.90.07'),
      runtime: cuda('12.4.1'),
      compatible: true,
      detail: /^driver 550\.90\.07 runs CUDA 12\.4\.1 \(image env CUDA_VERSION\) \(needs >= 550\.54\.15\)$/,
    },
    {
      name: 'exactly the minimum',
      pool: nvidia('535.104.05'),
      runtime: cuda('12.2.2'),
      compatible: true,
      detail: /runs CUDA 12\.2\.2 .*needs >= 535\.104\.05/,
    },
    {
      name: 'minor-version compatibility: 12.6 on a 535 driver',
      pool: nvidia('535.104.05'),
      runtime: cuda('12.6.3'),
      compatible: true,
      detail:
        /through minor-version compatibility \(12\.x from 525\.60\.13; full support needs >= 560\.35\.05; no PTX JIT/,
    },
    {
      name: 'minor-version compatibility: the 12.x floor itself',
      pool: nvidia('525.60.13'),
      runtime: cuda('12.9.1'),
      compatible: true,
      detail: /minor-version compatibility/,
    },
    {
      name: 'below the 12.x floor',
      pool: nvidia('520.61.05'),
      runtime: cuda('12.0'),
      compatible: false,
      detail:
        /^driver 520\.61\.05 cannot run CUDA 12\.0 \(image env CUDA_VERSION\): needs driver >= 525\.60\.13$/,
      fix: /^add a base variant with CUDA 11\.x up to 11\.8\.0 \(the newest driver 520\.61\.05 runs fully\)$/,
      upgrade: '525.60.13',
    },
    {
      name: 'no minor-version compatibility across majors',
      pool: nvidia('470.82.01'),
      runtime: cuda('12.4.1'),
      compatible: false,
      detail:
        /driver 470\.82\.01 cannot run CUDA 12\.4\.1 .*needs driver >= 550\.54\.15, or >= 525\.60\.13 with minor-version compatibility$/,
      fix: /CUDA 11\.x up to 11\.4\.4/,
      upgrade: '550.54.15',
    },
    {
      name: '11.x on the documented 11.x floor',
      pool: nvidia('450.80.02'),
      runtime: cuda('11.8.0'),
      compatible: true,
      detail: /minor-version compatibility \(11\.x from 450\.80\.02/,
    },
    {
      name: 'a release not in the table, decided by the minor-version rule alone',
      pool: nvidia('580.65.06'),
      runtime: cuda('13.0.2'),
      compatible: true,
      detail: /CUDA 13\.0\.2 is not in NVIDIA's table/,
    },
    {
      name: 'an old runtime on a new driver (backward compatibility)',
      pool: nvidia('580.65.06'),
      runtime: cuda('11.8'),
      compatible: true,
      detail: /needs >= 520\.61\.05/,
    },
    {
      name: 'only driver.cuda declared: the least driver for it decides',
      pool: pool({ accelerator: { vendor: 'nvidia' }, driver: { cuda: '12.2' } }),
      runtime: cuda('12.2.0'),
      compatible: true,
      detail: /^driver for CUDA 12\.2 runs CUDA 12\.2\.0/,
    },
    {
      name: 'a base with no runtime on an NVIDIA pool (a modelcar)',
      pool: nvidia('550.90.07'),
      runtime: { source: 'none' },
      compatible: true,
      detail: /base carries no CUDA or ROCm runtime/,
    },
    {
      name: 'the model requirement holds',
      pool: nvidia('550.90.07'),
      runtime: cuda('12.4.1'),
      labels: { cuda: '>=12.1' },
      compatible: true,
      detail: /runs CUDA 12\.4\.1 .*; model needs cuda >=12\.1$/,
    },
    {
      name: 'the model requirement fails before the driver is asked',
      pool: nvidia('550.90.07'),
      runtime: cuda('11.8'),
      labels: { cuda: '>=12.1' },
      compatible: false,
      detail: /^model needs cuda >=12\.1; base carries CUDA 11\.8/,
      fix: /add a base variant with CUDA >=12\.1/,
    },
    {
      name: 'a requirement on a base with no runtime',
      pool: nvidia('550.90.07'),
      runtime: { source: 'none' },
      labels: { cuda: '>=12.1' },
      compatible: false,
      detail: /model needs cuda >=12\.1; base carries no CUDA or ROCm runtime/,
    },
    {
      name: 'a requirement on a pool that declares no driver',
      pool: pool({}),
      runtime: cuda('12.4'),
      labels: { cuda: '>=12.1' },
      compatible: false,
      detail: /pool declares no NVIDIA driver; model needs cuda >=12\.1/,
      fix: /declare driver\.version/,
    },
    {
      name: 'no driver declared and no requirement: not checked',
      pool: pool({}),
      runtime: cuda('12.4'),
      compatible: true,
      detail: /pool declares no driver, not checked/,
    },
    {
      name: 'ROCm: same major, not newer than the nodes',
      pool: pool({ accelerator: { vendor: 'amd' }, driver: { rocm: '6.2' } }),
      runtime: { rocm: '6.1', source: 'catalog' },
      compatible: true,
      detail: /ROCm 6\.2 runs ROCm 6\.1 \(catalog\)/,
    },
    {
      name: 'ROCm: newer than the nodes',
      pool: pool({ accelerator: { vendor: 'amd' }, driver: { rocm: '6.0' } }),
      runtime: { rocm: '6.2', source: 'catalog' },
      compatible: false,
      detail: /ROCm 6\.0 on the nodes cannot run ROCm 6\.2/,
    },
    {
      name: 'a CUDA base on a ROCm pool',
      pool: pool({ accelerator: { vendor: 'amd' }, driver: { rocm: '6.2' } }),
      runtime: cuda('12.4'),
      compatible: false,
      detail: /cannot run on ROCm 6\.2/,
    },
    {
      name: 'a ROCm base on an NVIDIA pool',
      pool: nvidia('550.90.07'),
      runtime: { rocm: '6.2', source: 'catalog' },
      compatible: false,
      detail: /cannot run on an NVIDIA driver 550\.90\.07/,
    },
  ];

  it.each(cases)('$name', ({ pool: p, runtime, labels, compatible, detail, fix, upgrade }) => {
    const check = checkRuntime(acceleratorStack(p), runtime, runtimeRequirement(labels ?? {}));
    expect(check.compatible).toBe(compatible);
    expect(check.detail).toMatch(detail);
    if (fix) expect(check.fix).toMatch(fix);
    expect(check.upgradeDriver?.text).toBe(upgrade);
    if (compatible) expect(check.fix).toBeUndefined();
  });
});

describe('runtimeRequirement', () => {
  it('reads cuda and rocm labels as ranges and ignores others', () => {
    const requirement = runtimeRequirement({ cuda: '>=12.1', runtime: 'onnx' });
    expect(requirement.cuda?.text).toBe('>=12.1');
    expect(requirement.rocm).toBeUndefined();
  });

  it('names the label that is not a range', () => {
    expect(() => runtimeRequirement({ cuda: 'recent' })).toThrow(RuntimeRequirementError);
    expect(() => runtimeRequirement({ rocm: '' })).toThrow('model label rocm="" is not a version range');
  });
});
