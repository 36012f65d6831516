/**
 * What a part of dist/ loads before it runs: the bytes of an entry point (or of the chunk holding a
 * source module) and of every chunk it imports statically, by package. Dynamic imports are not
 * followed: they load only when their command or stage runs.
 *
 *   npx tsx scripts/bundle-size.ts                      # both entry points
 *   npx tsx scripts/bundle-size.ts src/run-promotion.ts # the chunk of a module, with its packages
 */
import * as esbuild from 'esbuild';
import { BUILD_OPTIONS, packageFolder } from './build.js';

const { metafile } = await esbuild.build({ ...BUILD_OPTIONS, write: false });
const outputs = metafile!.outputs;

function staticClosure(start: string): string[] {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const edge of outputs[file]!.imports)
      if (edge.kind === 'import-statement' && !edge.external) stack.push(edge.path);
  }
  return [...seen];
}

function report(label: string, start: string, detail: boolean): void {
  const files = staticClosure(start);
  const bytes = files.reduce((sum, file) => sum + outputs[file]!.bytes, 0);
  console.log(`${label}: ${(bytes / 1e6).toFixed(2)} MB in ${files.length} files`);
  if (!detail) return;
  const byPackage = new Map<string, number>();
  for (const file of files) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[file]!.inputs)) {
      const name = packageFolder(input)?.replace(/^.*node_modules\//, '') ?? input;
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  for (const [name, size] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`  ${(size / 1e3).toFixed(0).padStart(7)} kB  ${name}`);
}

const module = process.argv[2];
if (module) {
  const holder = Object.keys(outputs).find((file) => module in outputs[file]!.inputs);
  if (!holder) throw new Error(`${module} is not in the bundle`);
  report(`${module} (in ${holder})`, holder, true);
} else {
  for (const entry of ['dist/index.js', 'dist/cli/index.js']) report(entry, entry, true);
}
