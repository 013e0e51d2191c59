/**
 * What both worker processes of `npm run bench:engine` tell the bench on stdout: `ready` with
 * their RSS at rest; `cpu_us=<n>` (user and system CPU so far) on each SIGUSR2; and on SIGTERM,
 * once `close` has let the steps in hand finish, `peak_rss_kb=<n>` and any `extra` fields.
 */
export function reportToBench(close: () => Promise<void>, extra: () => string = () => ''): void {
  process.stdout.write(`ready idle_rss_kb=${Math.round(process.memoryUsage().rss / 1024)}\n`);
  process.on('SIGUSR2', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`cpu_us=${user + system}\n`);
  });
  process.once('SIGTERM', () => {
    void close().then(() => {
      const fields = [`peak_rss_kb=${process.resourceUsage().maxRSS}`, extra()].filter(Boolean);
      process.stdout.write(`${fields.join(' ')}\n`);
      process.exit(0);
    });
  });
}
