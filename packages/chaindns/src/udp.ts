import { ChainDNSError, type UdpTransport } from '@chaindns/core';

/** Which UDP transport to use: the batched native one when it loads (`auto`), or one forced. */
export type UdpChoice = 'auto' | 'native' | 'dgram';

export const UDP_CHOICES: readonly UdpChoice[] = ['auto', 'native', 'dgram'];

interface NativeModule {
  loadNativeTransport(): UdpTransport | null;
  nativeTransportError(): string | undefined;
}

/** The optional @chaindns/udp-native package, or why it is not there. */
async function loadNativeModule(): Promise<NativeModule | string> {
  try {
    return (await import('@chaindns/udp-native')) as NativeModule;
  } catch (err) {
    return `@chaindns/udp-native is not installed (${err instanceof Error ? err.message : String(err)})`;
  }
}

/**
 * The transport for `choice`: undefined means Node's dgram (the core's
 * default). `native` fails with the reason when the addon cannot load; `auto`
 * falls back to dgram and says why in `reason`.
 */
export async function resolveUdp(choice: UdpChoice): Promise<{ transport: UdpTransport | undefined; reason?: string }> {
  if (choice === 'dgram') return { transport: undefined };
  const mod = await loadNativeModule();
  const transport = typeof mod === 'string' ? null : mod.loadNativeTransport();
  if (transport) return { transport };
  const reason = typeof mod === 'string' ? mod : (mod.nativeTransportError() ?? 'udp-native did not load');
  if (choice === 'native') throw new ChainDNSError('CHAINDNS_LISTEN', `the native UDP transport is unavailable: ${reason}`);
  return { transport: undefined, reason };
}

/** The choice from an option, else the CHAINDNS_UDP environment variable, else `auto`. */
export function udpChoice(option: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): UdpChoice {
  const value = option ?? env.CHAINDNS_UDP ?? 'auto';
  if (!(UDP_CHOICES as readonly string[]).includes(value)) throw new ChainDNSError('CHAINDNS_STATE', `invalid UDP transport "${value}": expected one of ${UDP_CHOICES.join(', ')}`);
  return value as UdpChoice;
}
