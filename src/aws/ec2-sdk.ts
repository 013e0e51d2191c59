import { createRequire } from 'node:module';
import type * as Ec2Sdk from '@aws-sdk/client-ec2';

const require = createRequire(import.meta.url);
let loaded: typeof Ec2Sdk | undefined;

/**
 * `@aws-sdk/client-ec2`, loaded on first use. Its model of every EC2 operation costs a process
 * about 70 MB, which a worker or server that has not run an EC2 step yet need not pay. Use it
 * as a namespace (`new ec2Sdk.DescribeInstancesCommand(input)`); import types directly from
 * the package with `import type`, which loads nothing. The package has one CommonJS entry, so
 * this is the same module instance that `import` gives (and that aws-sdk-client-mock patches).
 */
export const ec2Sdk: typeof Ec2Sdk = new Proxy({} as typeof Ec2Sdk, {
  get(_target, name) {
    loaded ??= require('@aws-sdk/client-ec2') as typeof Ec2Sdk;
    return loaded[name as keyof typeof Ec2Sdk];
  },
});
