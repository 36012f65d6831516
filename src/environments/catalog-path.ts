/**
 * Where the catalog is looked for when no `--catalog` (Action input `catalog`) is given: a module
 * of its own so that the input table, which the CLI loads at start-up, does not load the parser.
 */
export const DEFAULT_CATALOG_PATH = '.model-promote/catalog.yaml';
