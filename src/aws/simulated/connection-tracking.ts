import type { SimulatedContext } from './simulated-context.js';
import type {
  SimulatedConnection,
  SimulatedNetworkInterface,
  SimulatedRule,
} from './simulated-account-state.js';

function toIpv4Number(address: string): number | undefined {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    return undefined;
  return parts.reduce((n, p) => n * 256 + p, 0);
}

/** Whether an IPv4 CIDR holds an address; IPv6 is modelled for `::/0` only. */
export function cidrContains(cidr: string, address: string): boolean {
  if (cidr === '::/0') return address.includes(':');
  const [base = '', bitsText = '32'] = cidr.split('/');
  const baseNumber = toIpv4Number(base);
  const addressNumber = toIpv4Number(address);
  if (baseNumber === undefined || addressNumber === undefined) return false;
  const bits = Number(bitsText);
  const size = 2 ** (32 - bits);
  return Math.floor(baseNumber / size) === Math.floor(addressNumber / size);
}

function coversProtocolAndPort(rule: SimulatedRule, connection: SimulatedConnection): boolean {
  if (rule.protocol === '-1') return true;
  if (rule.protocol !== connection.protocol) return false;
  if (connection.protocol === 'icmp') return true;
  return (rule.fromPort ?? 0) <= connection.port && connection.port <= (rule.toPort ?? 65535);
}

function coversEverything(rule: SimulatedRule, connection: SimulatedConnection): boolean {
  const anywhere = connection.remoteAddress.includes(':')
    ? rule.cidrIpv6 === '::/0'
    : rule.cidrIpv4 === '0.0.0.0/0';
  const allPorts = rule.protocol === '-1' || (rule.fromPort === 0 && rule.toPort === 65535);
  return anywhere && allPorts && coversProtocolAndPort(rule, connection);
}

function coversPeer(context: SimulatedContext, rule: SimulatedRule, address: string): boolean {
  const cidr = rule.cidrIpv4 ?? rule.cidrIpv6;
  if (cidr !== undefined) return cidrContains(cidr, address);
  // A group-referencing rule lets in the addresses of interfaces in that group.
  return context.state.networkInterfaces.some(
    (eni) => eni.privateIpAddress === address && eni.groupIds.includes(rule.sourceGroupId ?? ''),
  );
}

function rulesOf(context: SimulatedContext, eni: SimulatedNetworkInterface) {
  const groups = context.state.securityGroups.filter((g) => eni.groupIds.includes(g.groupId));
  return { ingress: groups.flatMap((g) => g.ingress), egress: groups.flatMap((g) => g.egress) };
}

function nextState(
  context: SimulatedContext,
  eni: SimulatedNetworkInterface,
  connection: SimulatedConnection,
): SimulatedConnection['state'] {
  const { ingress, egress } = rulesOf(context, eni);
  const untracked =
    ingress.some((r) => coversEverything(r, connection)) &&
    egress.some((r) => coversEverything(r, connection));
  if (untracked) return 'untracked';
  // A tracked flow outlives the rule that allowed it: this is why a plain group swap does not cut it.
  if (connection.state === 'tracked') return 'tracked';
  const rules = connection.direction === 'inbound' ? ingress : egress;
  const allowed = rules.some(
    (r) => coversProtocolAndPort(r, connection) && coversPeer(context, r, connection.remoteAddress),
  );
  return allowed ? 'tracked' : 'closed';
}

/** Re-evaluates the open flows of an interface after its groups or their rules changed. */
export function updateConnections(context: SimulatedContext, eni: SimulatedNetworkInterface): void {
  for (const connection of eni.connections) {
    if (connection.state !== 'closed') connection.state = nextState(context, eni, connection);
  }
}

/** Re-evaluates every interface in a group whose rules changed. */
export function updateConnectionsOfGroup(context: SimulatedContext, groupId: string): void {
  for (const eni of context.state.networkInterfaces) {
    if (eni.groupIds.includes(groupId)) updateConnections(context, eni);
  }
}

/** The state a seeded flow starts in: tracked, or untracked under allow-all rules. */
export function initialConnectionState(
  context: SimulatedContext,
  eni: SimulatedNetworkInterface,
  connection: SimulatedConnection,
): SimulatedConnection['state'] {
  return nextState(context, eni, { ...connection, state: 'tracked' }) === 'untracked'
    ? 'untracked'
    : 'tracked';
}
