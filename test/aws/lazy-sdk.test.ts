import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const LAZY = ['@aws-sdk/client-ec2', '@aws-sdk/client-guardduty', '@aws-sdk/client-securityhub'];

// Runs in a fresh node process: whether a module is loaded is a fact about the process.
/** Which of the lazily loaded SDK packages `script` loaded. */
function loadedAfter(script: string): string[] {
  const program = `${script}
const { createRequire } = await import('node:module');
const cache = Object.keys(createRequire(import.meta.url).cache);
const lazy = ${JSON.stringify(LAZY)};
console.log(JSON.stringify(lazy.filter((name) => cache.some((path) => path.includes(name + '/')))));`;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', program],
    {
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1' },
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as string[];
}

describe('the EC2, GuardDuty and Security Hub SDKs are loaded on first use', () => {
  it('stays unloaded while clients, actions and the simulated account are only built', () => {
    const loaded = loadedAfter(`
const { createAwsClients, SimulatedAccount } = await import('./src/aws/index.ts');
const { ActionRegistry, coreActions } = await import('./src/actions/index.ts');
const { awsActions } = await import('./src/actions/aws/index.ts');
await import('./src/main.ts');
await import('./src/cli/index.ts');
const account = new SimulatedAccount({}, {});
const aws = createAwsClients({ region: account.region, simulatedAccount: account });
new ActionRegistry([...coreActions, ...awsActions]);
aws.sns();`);
    expect(loaded).toEqual([]);
  });

  it('loads each once its client is asked for', () => {
    const loaded = loadedAfter(`
const { createAwsClients, SimulatedAccount } = await import('./src/aws/index.ts');
const account = new SimulatedAccount({}, {});
const aws = createAwsClients({ region: account.region, simulatedAccount: account });
aws.ec2();
aws.guardDuty();`);
    expect(loaded).toEqual(['@aws-sdk/client-ec2', '@aws-sdk/client-guardduty']);
  });
});
