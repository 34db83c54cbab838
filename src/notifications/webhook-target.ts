import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may point (SSRF policy): not at this machine, the link-local range (cloud metadata at
 * 169.254.169.254), private networks or other special-purpose ranges — IPv4 and IPv6, IPv4-mapped and NAT64
 * forms included — neither as a literal address nor after DNS resolution (every address a name resolves to
 * must be public). A host listed in DUBAN_WEBHOOK_ALLOW_HOSTS is exempt (an intranet receiver the office
 * runs). Checked when a webhook is registered, and again before each delivery attempt (a name may be
 * re-pointed after registration).
 */
const BLOCKED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64 (embeds an IPv4 address)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds an IPv4 address)
  ['fc00::', 7], // unique local (private)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv6');

/** True when the address is loopback, link-local, private or otherwise not a public unicast address. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Why this URL may not be a webhook target (a reason for field `url`), or undefined when it may. */
export async function webhookTargetProblem(url: string, allowHosts: readonly string[], resolve: Resolver = systemResolver): Promise<string | undefined> {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return 'webhook target: not a URL';
  }
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (allowHosts.includes(host) || allowHosts.includes(bare)) return undefined;
  let addresses: string[];
  if (isIP(bare)) addresses = [bare];
  else {
    try {
      addresses = await resolve(bare);
    } catch {
      return `webhook target: host ${bare} does not resolve`;
    }
    if (!addresses.length) return `webhook target: host ${bare} does not resolve`;
  }
  const blocked = addresses.find(isBlockedAddress);
  if (blocked) {
    return `webhook target: ${bare === blocked ? '' : `${bare} resolves to `}${blocked}, a loopback, link-local, private or reserved address; list the host in DUBAN_WEBHOOK_ALLOW_HOSTS to allow it`;
  }
  return undefined;
}
