import { createRequire } from 'node:module';
import type * as Ec2Sdk from '@aws-sdk/client-ec2';
import type * as GuardDutySdk from '@aws-sdk/client-guardduty';
import type * as SecurityHubSdk from '@aws-sdk/client-securityhub';

const require = createRequire(import.meta.url);

/**
 * An AWS SDK client package, loaded on first use. Each package's model of its service's
 * operations costs a process memory (EC2's about 70 MB, GuardDuty's and Security Hub's about
 * 10 MB each beside the others) that a worker or server that has not run such a step yet need
 * not pay. Use it as a namespace (`new ec2Sdk.DescribeInstancesCommand(input)`); import types
 * directly from the package with `import type`, which loads nothing. Each package has one
 * CommonJS entry, so this is the same module instance that `import` gives (and that
 * aws-sdk-client-mock patches).
 */
function loadedOnFirstUse<T extends object>(packageName: string): T {
  let loaded: T | undefined;
  return new Proxy({} as T, {
    get(_target, name) {
      loaded ??= require(packageName) as T;
      return loaded[name as keyof T];
    },
  });
}

/** `@aws-sdk/client-ec2`, loaded on first use. */
export const ec2Sdk = loadedOnFirstUse<typeof Ec2Sdk>('@aws-sdk/client-ec2');
/** `@aws-sdk/client-guardduty`, loaded on first use. */
export const guardDutySdk = loadedOnFirstUse<typeof GuardDutySdk>('@aws-sdk/client-guardduty');
/** `@aws-sdk/client-securityhub`, loaded on first use. */
export const securityHubSdk = loadedOnFirstUse<typeof SecurityHubSdk>(
  '@aws-sdk/client-securityhub',
);
