/** A CliIo that records what a command prints and answers its password prompts from a list. */
import type { CliIo } from '../../src-main/cli/command';

export type TestIo = CliIo & { out: string; err: string; prompts: string[] };

export function testIo(env: Record<string, string> = {}, answers: (string | null)[] = []): TestIo {
  const o = { out: '', err: '', prompts: [] as string[] } as TestIo;
  o.stdout = (t) => (o.out += t);
  o.stderr = (t) => (o.err += t);
  o.env = env;
  o.promptSecret = async (q) => {
    o.prompts.push(q);
    return answers.length ? answers.shift()! : null;
  };
  return o;
}
