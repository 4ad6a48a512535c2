import type { NativeAddon } from './load.js';
import type { Remote } from '@chaindns/core';

/**
 * A sender as the addon reported it. It keeps the raw address words, so a reply goes
 * back without parsing a string, and builds `address` only when first read: most
 * answers never read it.
 */
export class NativeRemote implements Remote {
  #address: string | undefined;

  constructor(
    private readonly addon: NativeAddon,
    readonly family: 4 | 6,
    readonly port: number,
    /** The address as four host-order 32-bit words (IPv4: w0 only), and the IPv6 scope id. */
    readonly w0: number,
    readonly w1: number,
    readonly w2: number,
    readonly w3: number,
    readonly scope: number,
  ) {}

  get address(): string {
    this.#address ??= this.family === 4
      ? `${this.w0 >>> 24}.${(this.w0 >>> 16) & 255}.${(this.w0 >>> 8) & 255}.${this.w0 & 255}`
      : this.addon.formatAddress6(this.w0, this.w1, this.w2, this.w3, this.scope);
    return this.#address;
  }

  /** The same address as `other` (the port aside). */
  sameHost(other: NativeRemote): boolean {
    return this.w0 === other.w0 && this.w1 === other.w1 && this.w2 === other.w2 && this.w3 === other.w3 && this.family === other.family && this.scope === other.scope;
  }

  /** What a plain Remote would serialize to (the getter is not an own property). */
  toJSON(): Remote {
    return { address: this.address, port: this.port, family: this.family };
  }
}
