/**
 * NVIDIA's minimum Linux x86_64 driver for each CUDA toolkit release, and the minimum driver of
 * each major family under minor-version compatibility. Data, not logic: cuda-compatibility.ts
 * decides with it.
 *
 * Sources, read on 2026-12-05:
 * - CUDA Toolkit release notes, Table 3 "CUDA Toolkit and Corresponding Driver Versions"
 *   (https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/index.html). The stored copy of that
 *   page gave only its opening section, so the rows were read from copies of Table 3 quoted in
 *   public repositories, and a row is here only when two copies agree on it.
 * - Table 2, minor-version compatibility, and "CUDA Compatibility"
 *   (https://docs.nvidia.com/deploy/cuda-compatibility/minor-version-compatibility.html): 11.x from
 *   450.80.02 (the Tesla recommended driver NVIDIA names for it), 12.x from 525.60.13.
 *
 * Left out, because no second copy confirmed them: CUDA 13.0 Update 1 and 2, 13.1, and 11.0.1 RC.
 * Releases before 10.0 are left out too (no CUDA 9 serving image is still published). A release
 * not listed here is decided by the minor-version rule alone, and the explanation says so.
 */

export const CUDA_DRIVER_TABLE_SOURCE = 'https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/index.html';
export const CUDA_MINOR_COMPATIBILITY_SOURCE =
  'https://docs.nvidia.com/deploy/cuda-compatibility/minor-version-compatibility.html';
export const CUDA_TABLES_READ_ON = '2026-12-05';

/** Toolkit release (`major.minor.update`; GA is update 0) -> minimum Linux x86_64 driver. */
export const CUDA_MINIMUM_DRIVER: readonly (readonly [release: string, driver: string])[] = [
  ['13.0.0', '580.65.06'],
  ['12.9.1', '575.57.08'],
  ['12.9.0', '575.51.03'],
  ['12.8.1', '570.124.06'],
  ['12.8.0', '570.26'],
  ['12.6.3', '560.35.05'],
  ['12.6.2', '560.35.03'],
  ['12.6.1', '560.35.03'],
  ['12.6.0', '560.28.03'],
  ['12.5.1', '555.42.06'],
  ['12.5.0', '555.42.02'],
  ['12.4.1', '550.54.15'],
  ['12.4.0', '550.54.14'],
  ['12.3.1', '545.23.08'],
  ['12.3.0', '545.23.06'],
  ['12.2.2', '535.104.05'],
  ['12.2.1', '535.86.09'],
  ['12.2.0', '535.54.03'],
  ['12.1.1', '530.30.02'],
  ['12.1.0', '530.30.02'],
  ['12.0.1', '525.85.12'],
  ['12.0.0', '525.60.13'],
  ['11.8.0', '520.61.05'],
  ['11.7.1', '515.48.07'],
  ['11.7.0', '515.43.04'],
  ['11.6.2', '510.47.03'],
  ['11.6.1', '510.47.03'],
  ['11.6.0', '510.39.01'],
  ['11.5.2', '495.29.05'],
  ['11.5.1', '495.29.05'],
  ['11.5.0', '495.29.05'],
  ['11.4.4', '470.82.01'],
  ['11.4.3', '470.82.01'],
  ['11.4.2', '470.57.02'],
  ['11.4.1', '470.57.02'],
  ['11.4.0', '470.42.01'],
  ['11.3.1', '465.19.01'],
  ['11.3.0', '465.19.01'],
  ['11.2.2', '460.32.03'],
  ['11.2.1', '460.32.03'],
  ['11.2.0', '460.27.03'],
  ['11.1.1', '455.32'],
  ['11.1.0', '455.23'],
  ['11.0.3', '450.51.06'],
  ['11.0.2', '450.51.05'],
  ['10.2.0', '440.33'],
  ['10.1.0', '418.39'],
  ['10.0.0', '410.48'],
];

/**
 * Major family -> the oldest driver that runs any release of it through minor-version
 * compatibility. 13.x: NVIDIA writes ">= 580"; 580.65.06, the 13.0 GA driver, is the first of that
 * branch in Table 3, so it stands for it. Before 11 there was no minor-version compatibility.
 */
export const CUDA_MINOR_COMPATIBILITY_DRIVER: Readonly<Record<number, string>> = {
  11: '450.80.02',
  12: '525.60.13',
  13: '580.65.06',
};
