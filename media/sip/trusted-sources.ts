import { BlockList, isIP } from 'node:net';

/**
 * Whether an address is one of `sources` (addresses or CIDR ranges, as
 * SIP_TRUSTED_SOURCES lists them): the carrier SBCs and office gateways the
 * per-address limits leave alone.
 *
 * @example
 * const trusted = trustedSources(['203.0.113.0/28', '198.51.100.7']);
 * trusted('203.0.113.5'); // true
 */
export function trustedSources(sources: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const source of sources) {
    const [address = '', prefix] = source.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const version = isIP(address);
    return version !== 0 && list.check(address, version === 6 ? 'ipv6' : 'ipv4');
  };
}
