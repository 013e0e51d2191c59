#!/usr/bin/env node
import { main } from './program.js';

// The lockfile pins an AWS SDK release that supports Node 20; its notice about future
// releases needing Node 22 would otherwise print on every command.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

await main(process.argv.slice(2));
