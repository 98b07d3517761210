/** The registered sub-commands; each issue adds its own file here. */
import type { CliCommand } from '../command';
import { analyzeCommand } from './analyze';
import { auditCommand } from './audit';
import { modelsCommand } from './models';
import { reportCommand } from './report';
import { usersCommand } from './users';

export const COMMANDS: CliCommand[] = [analyzeCommand, modelsCommand, usersCommand, auditCommand, reportCommand];
