/**
 * .github/dependabot.yml has the shape Dependabot reads (version 2) and asks for what the project
 * wants: npm and GitHub Actions updates, weekly, grouped, after a cooldown.
 *
 * The shape is a zod schema of the documented options: the names, enums and ranges of GitHub's
 * "Dependabot options reference", as SchemaStore's dependabot-2.0.json also gives them
 * (github.com/SchemaStore/schemastore, src/schemas/json/dependabot-2.0.json at 33184777). That
 * JSON Schema itself needs if/then/else, which zod's fromJSONSchema does not take, and no JSON
 * Schema validator is a dependency of this project. Options this project does not use are named,
 * so a misspelt one is still refused, but their values are not checked.
 */
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { z } from 'zod';
import { readText } from './workflow-files.js';

const ecosystem = z.enum([
  'bazel',
  'bun',
  'bundler',
  'cargo',
  'composer',
  'conda',
  'deno',
  'devcontainers',
  'docker',
  'docker-compose',
  'dotnet-sdk',
  'elm',
  'github-actions',
  'gitsubmodule',
  'gomod',
  'gradle',
  'helm',
  'julia',
  'maven',
  'mix',
  'nix',
  'npm',
  'nuget',
  'opentofu',
  'pip',
  'pre-commit',
  'pub',
  'rust-toolchain',
  'sbt',
  'swift',
  'terraform',
  'uv',
  'vcpkg',
]);
const days = (min: number) => z.number().int().min(min).max(90);
const names = z.array(z.string().min(1)).min(1);
const semverUpdate = z.enum([
  'version-update:semver-major',
  'version-update:semver-minor',
  'version-update:semver-patch',
]);

const schedule = z.strictObject({
  interval: z.enum(['daily', 'weekly', 'monthly', 'quarterly', 'semiannually', 'yearly', 'cron']),
  day: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']).optional(),
  time: z
    .string()
    .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/)
    .optional(),
  timezone: z.string().optional(),
  cronjob: z.string().optional(),
});

const group = z.strictObject({
  'applies-to': z.enum(['version-updates', 'security-updates']).optional(),
  'dependency-type': z.enum(['development', 'production']).optional(),
  patterns: names.optional(),
  'exclude-patterns': names.optional(),
  'update-types': z
    .array(z.enum(['major', 'minor', 'patch']))
    .min(1)
    .optional(),
  'group-by': z.literal('dependency-name').optional(),
});

const update = z
  .strictObject({
    'package-ecosystem': ecosystem,
    directory: z.string().startsWith('/').optional(),
    directories: z.array(z.string().startsWith('/')).min(1).optional(),
    schedule,
    groups: z.record(z.string(), group).optional(),
    cooldown: z
      .strictObject({
        'default-days': days(1).optional(),
        'semver-major-days': days(1).optional(),
        'semver-minor-days': days(1).optional(),
        'semver-patch-days': days(0).optional(),
        include: z.array(z.string()).max(100).optional(),
        exclude: z.array(z.string()).max(100).optional(),
      })
      .optional(),
    ignore: z
      .array(
        z.strictObject({
          'dependency-name': z.string(),
          versions: z.union([z.string(), z.array(z.string())]).optional(),
          'update-types': z.array(semverUpdate).min(1).optional(),
        }),
      )
      .optional(),
    allow: z.array(z.unknown()).optional(),
    assignees: names.optional(),
    labels: z.array(z.string()).optional(),
    milestone: z.number().int().optional(),
    'commit-message': z
      .strictObject({
        prefix: z.string().max(50).optional(),
        'prefix-development': z.string().max(50).optional(),
        include: z.literal('scope').optional(),
      })
      .optional(),
    'open-pull-requests-limit': z.number().int().min(0).optional(),
    'target-branch': z.string().optional(),
    'versioning-strategy': z
      .enum(['auto', 'increase', 'increase-if-necessary', 'lockfile-only', 'widen'])
      .optional(),
    'rebase-strategy': z.enum(['auto', 'disabled']).optional(),
    'insecure-external-code-execution': z.enum(['allow', 'deny']).optional(),
    'pull-request-branch-name': z.unknown().optional(),
    registries: z.unknown().optional(),
    vendor: z.boolean().optional(),
    'exclude-paths': z.array(z.string()).optional(),
  })
  .refine((u) => (u.directory === undefined) !== (u.directories === undefined), {
    message: 'exactly one of directory and directories',
  });

const config = z.strictObject({
  version: z.literal(2),
  'enable-beta-ecosystems': z.boolean().optional(),
  updates: z.array(update).min(1),
  registries: z.unknown().optional(),
});

const text = readText('.github/dependabot.yml');

describe('.github/dependabot.yml', () => {
  test('has the documented shape', () => {
    const result = config.safeParse(parse(text));
    expect(result.error?.issues ?? []).toEqual([]);
  });

  test.each([
    { what: 'a misspelt option', from: 'schedule:', to: 'schedul:' },
    { what: 'an interval that does not exist', from: 'interval: weekly', to: 'interval: fortnightly' },
    { what: 'a cooldown over 90 days', from: 'default-days: 7', to: 'default-days: 91' },
    {
      what: 'an unknown group update type',
      from: 'update-types: [minor, patch]',
      to: 'update-types: [minor, tiny]',
    },
    { what: 'version 1', from: 'version: 2', to: 'version: 1' },
  ])('the schema refuses $what', ({ from, to }) => {
    expect(text).toContain(from);
    expect(config.safeParse(parse(text.replace(from, to))).success).toBe(false);
  });

  test('npm and GitHub Actions, from the root, weekly, grouped, each after a week’s cooldown', () => {
    const { updates } = config.parse(parse(text));
    expect(updates.map((u) => u['package-ecosystem'])).toEqual(['npm', 'github-actions']);
    for (const u of updates) {
      expect(u.directory).toBe('/');
      expect(u.schedule.interval).toBe('weekly');
      expect(Object.keys(u.groups ?? {}).length).toBeGreaterThan(0);
      expect(u.cooldown?.['default-days']).toBe(7);
    }
  });

  test('npm: production and development dependencies grouped apart; majors come one by one', () => {
    const npm = config.parse(parse(text)).updates[0]!;
    expect(Object.values(npm.groups!)).toEqual([
      { 'dependency-type': 'production', 'update-types': ['minor', 'patch'] },
      { 'dependency-type': 'development', 'update-types': ['minor', 'patch'] },
    ]);
  });

  test('the node devDependency’s major stays with action.yml’s runtime', () => {
    const npm = config.parse(parse(text)).updates[0]!;
    expect(npm.ignore).toContainEqual({
      'dependency-name': 'node',
      'update-types': ['version-update:semver-major'],
    });
    const pkg = JSON.parse(readText('package.json')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies).toHaveProperty('node');
  });
});
