import * as path from 'node:path';

/**
 * Which files are compose files: `*compose*.yml` / `.yaml` (`docker-compose.yml`, `compose.yaml`,
 * `compose.prod.yml`). The same rule as the menus' `resourceFilename =~ /compose.*\.ya?ml$/i`.
 */
export const COMPOSE_FILE_PATTERN = /compose.*\.ya?ml$/i;

/** For `workspace.findFiles`: the palette's choice of compose files. */
export const COMPOSE_FILE_GLOB = '**/*compose*.{yml,yaml,YML,YAML}';
/** Folders never searched for compose files. */
export const COMPOSE_SEARCH_EXCLUDE = '**/{node_modules,.git}/**';

export function isComposeFile(filePath: string): boolean {
  return COMPOSE_FILE_PATTERN.test(path.basename(filePath));
}

/** The name of the folder holding the file: the default stack name. */
export function folderNameOf(filePath: string): string {
  return path.basename(path.dirname(filePath));
}
