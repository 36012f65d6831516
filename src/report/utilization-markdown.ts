/**
 * The utilization of a deploy as Markdown: one row per new pod, CPU and memory against the pod's
 * request and limit, GPU columns when any pod has GPU figures, then the warnings of sources that
 * gave nothing, each with its fix. Pure; summary-markdown.ts places it under its cluster.
 */
import { formatBytes } from '../format-bytes.js';
import { oneLine } from '../outside-text.js';
import type { Figure, PodUsage, Utilization } from '../usage/resource-usage.js';

const percent = (fraction: number | undefined) =>
  fraction === undefined ? '–' : `${Math.round(fraction * 100)}%`;

const cores = (value: number) => (value >= 10 ? value.toFixed(1) : value.toFixed(3));

/** `24% / 15%`: the average of the request, the peak of the limit. */
function shares(figure: Figure | undefined): string {
  return figure ? `${percent(figure.ofRequest)} / ${percent(figure.ofLimit)}` : '–';
}

function gpuCells(p: PodUsage): string[] {
  const g = p.gpu;
  if (!g) return ['–', '–'];
  const memory =
    g.memoryTotalBytes !== undefined
      ? `${formatBytes(g.memoryPeakBytes)} of ${formatBytes(g.memoryTotalBytes)} (${percent(g.memoryOfTotal)})`
      : formatBytes(g.memoryPeakBytes);
  return [`${g.utilizationAverage.toFixed(0)}% / ${g.utilizationPeak.toFixed(0)}%`, memory];
}

export function utilizationSection(utilization: Utilization): string[] {
  const lines: string[] = [];
  const { pods, warnings, windowSeconds } = utilization;
  if (pods.length) {
    const gpu = pods.some((p) => p.gpu);
    lines.push(
      `Utilization over ${windowSeconds} s after the rollout (average / peak; shares: average of request / peak of limit):`,
      '',
      `| Pod | Readings | CPU cores | CPU of request / limit | Memory | Memory of request / limit |${gpu ? ' GPU util | GPU memory (peak) |' : ''}`,
      `|---|---:|---:|---:|---:|---:|${gpu ? '---:|---:|' : ''}`,
    );
    for (const p of pods) {
      const cells = [
        `\`${p.pod}\``,
        String(p.samples),
        p.cpu ? `${cores(p.cpu.average)} / ${cores(p.cpu.peak)}` : '–',
        shares(p.cpu),
        p.memory ? `${formatBytes(p.memory.average)} / ${formatBytes(p.memory.peak)}` : '–',
        shares(p.memory),
        ...(gpu ? gpuCells(p) : []),
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  for (const w of warnings) {
    if (lines.length) lines.push('');
    lines.push(`> ⚠️ ${escapeMarkdown(w.message)}. Fix: ${escapeMarkdown(w.hint)}`);
  }
  return lines;
}

/** Server text in a quote or a table: one line, no table pipes, no HTML. */
export function escapeMarkdown(text: string): string {
  return oneLine(text).replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
