import { Command, Option } from 'commander';
import { ROLES } from '../domain/access.js';
import { createAccount, listAccounts } from '../services/auth/accounts.js';
import { reportError } from './output.js';
import { cliActor, contextFor, withStore } from './store.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * `norma user add NAME --role R [--node CODE] [--password-stdin]` and `norma user list`: accounts,
 * managed from the server's own machine (whoever runs the CLI there holds the database already).
 * @example program.addCommand(userCommand()); // norma user add kim --role reporter --node U-000001
 */
export function userCommand(): Command {
  const user = new Command('user').description('accounts that sign in to the web and API');
  user
    .command('add')
    .description('create an account; prints its generated password once (or reads one with --password-stdin)')
    .argument('<name>', 'account name: 1-64 letters, digits or . _ @ -')
    .addOption(new Option('--role <role>', 'what the account may do').choices([...ROLES]).makeOptionMandatory())
    .option('--node <code>', 'its scope: a sector-tree node (ministry), region-tree node (committee) or unit (reporter)')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(async (name: string, opts: { role: string; node?: string; passwordStdin?: boolean }) => {
      try {
        const password = opts.passwordStdin ? await readStdin() : undefined;
        const r = await withStore((store) => createAccount({ ...contextFor(store), actor: cliActor() }, { name, role: opts.role, node: opts.node, password }));
        console.log(`account=${r.account.name} role=${r.account.role} node=${r.account.node ?? ''}`);
        if (r.password) console.log(`password=${r.password}`);
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
  user
    .command('list')
    .description('every account: name, role, node')
    .action(async () => {
      try {
        for (const a of await withStore((store) => listAccounts(contextFor(store)))) {
          console.log(`${a.name}\t${a.role}\t${a.node ?? ''}${a.disabled ? '\tdisabled' : ''}`);
        }
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
  return user;
}
