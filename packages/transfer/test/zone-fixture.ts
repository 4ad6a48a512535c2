/** A zone offered as a zoneSource by a test plugin (`zone ORIGIN COUNT`): an SOA, an NS and COUNT A records. */
import dnsPacket from 'dns-packet';
import { definePlugin, expectArgs, type ZoneSource } from '@chaindns/core';

/** One record in uncompressed wire form: dns-packet never compresses, so it is what follows the header of a message holding just it. */
function wire(rr: dnsPacket.Answer): Buffer {
  return Buffer.from(dnsPacket.encode({ answers: [rr] }).subarray(12));
}

export function soaRecord(origin: string, serial: number): Buffer {
  return wire({
      name: origin,
      type: 'SOA',
      ttl: 3600,
      data: { mname: `ns1.${origin}`, rname: `admin.${origin}`, serial, refresh: 7200, retry: 3600, expire: 1209600, minimum: 300 },
  });
}

export function aRecord(name: string, address: string): Buffer {
  return wire({ name, type: 'A', ttl: 300, data: address });
}

/** A zone whose serial and size a test may change, telling its listeners as `file` does. */
export class TestZone implements ZoneSource {
  private readonly listeners: Array<(zone: string) => void> = [];
  constructor(
    readonly origin: string,
    public serialNow: number,
    public count: number,
  ) {}

  zones(): readonly string[] {
    return [this.origin];
  }
  serial(zone: string): number | null {
    return zone === this.origin ? this.serialNow : null;
  }
  records(zone: string): Iterable<Buffer> | null {
    if (zone !== this.origin) return null;
    const out = [soaRecord(this.origin, this.serialNow), wire({ name: this.origin, type: 'NS', ttl: 3600, data: `ns1.${this.origin}` })];
    for (let i = 0; i < this.count; i++) out.push(aRecord(`h${i}.${this.origin}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
    return out;
  }
  onChange(listener: (zone: string) => void): void {
    this.listeners.push(listener);
  }
  change(serial: number): void {
    this.serialNow = serial;
    for (const l of this.listeners) l(this.origin);
  }
}

/** `zone ORIGIN COUNT`: offers `zones[ORIGIN]` (made on first use) as its zoneSource, and answers nothing. */
export function zonePlugin(zones: Map<string, TestZone>) {
  return definePlugin<{ origin: string; count: number }>({
    name: 'zone',
    parse(d) {
      const [origin, count] = expectArgs(d, 2, 2);
      return { origin: origin!.text, count: Number(count!.text) };
    },
    setup(config, ctx) {
      let zone = zones.get(config.origin);
      if (!zone) zones.set(config.origin, (zone = new TestZone(config.origin, 1, config.count)));
      ctx.offer('zoneSource', zone);
    },
  });
}
