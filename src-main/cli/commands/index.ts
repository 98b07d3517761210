/** The registered sub-commands; each issue adds its own file here. */
import type { CliCommand } from '../command';

export const COMMANDS: CliCommand[] = [];
