import type { Directive } from '@chaindns/core';
import type { Editor, Version } from './migrate-corefile.js';

/**
 * One thing CoreDNS removed or renamed, from its release notes and from the
 * table of coredns/corefile-migration (which kubeadm runs on upgrades).
 */
export interface CorefileRule {
  readonly directive: string;
  /** The option (sub-directive) it concerns; without one, the directive itself. */
  readonly option?: string;
  /**
   * The CoreDNS release that no longer takes it: Corefiles written for an
   * earlier one may hold it. Null when CoreDNS still takes it (and ignores it
   * or warns).
   */
  readonly removed: Version | null;
  /** Changes the directive (or the option) through the editor. */
  apply(d: Directive, editor: Editor): void;
}

const words = (d: Directive): string[] => [d.name, ...d.args.map((a) => a.text)];

/** proxy's policies in forward's words; least_conn has none. */
const POLICY: Readonly<Record<string, string>> = { random: 'random', round_robin: 'round_robin', first: 'sequential' };

/** proxy's options, as forward takes them. */
function proxyOption(o: Directive, editor: Editor): void {
  const [, first, second] = words(o);
  switch (o.name) {
    case 'policy': {
      const policy = POLICY[first ?? ''];
      if (policy === undefined) editor.remove(o, `policy ${first ?? ''} dropped: forward has no such policy and picks upstreams at random by default`);
      else if (policy !== first) editor.rewrite(o, `policy ${policy}`, `policy ${first} is forward's policy ${policy}`);
      return;
    }
    case 'fail_timeout':
      return editor.remove(o, 'fail_timeout dropped: forward marks an upstream down after max_fails failed health checks (every 0.5s)');
    case 'health_check': {
      const interval = o.args[1]?.text;
      if (interval) editor.rewrite(o, `health_check ${interval}`, `health_check: forward checks every ${interval} with a DNS query of its own, not over HTTP at ${first}`);
      else editor.remove(o, `health_check ${first ?? ''} dropped: forward checks upstreams with DNS queries of its own, every 0.5s`);
      return;
    }
    case 'spray':
      return editor.remove(o, 'spray dropped: when every upstream is down, forward sends to one at random anyway');
    case 'protocol':
      if (first === 'dns' && second === 'force_tcp') editor.rewrite(o, 'force_tcp', 'protocol dns force_tcp is force_tcp');
      else editor.remove(o, `protocol ${first ?? ''} dropped: forward speaks DNS over UDP and TCP`);
      return;
    default:
    // except, max_fails: forward takes them as they are.
  }
}

export const RULES: readonly CorefileRule[] = [
  {
    directive: 'proxy',
    removed: [1, 5, 0],
    apply(d, editor) {
      const protocol = d.block?.find((o) => o.name === 'protocol' && ['https_google', 'grpc'].includes(o.args[0]?.text ?? ''));
      if (protocol) {
        const kind = protocol.args[0]!.text;
        editor.commentOut(d, `proxy with protocol ${kind} commented out: CoreDNS removed proxy in 1.5 (and https_google in 1.2); chaindns forwards over UDP, TCP and TLS only`);
        return;
      }
      editor.rename(d, 'forward', 'proxy is forward: CoreDNS deprecated proxy in 1.4 and removed it in 1.5; forward takes the same zone and upstreams');
      for (const o of d.block ?? []) proxyOption(o, editor);
    },
  },
  {
    directive: 'kubernetes',
    option: 'endpoint',
    removed: null,
    apply(o, editor) {
      if (o.args.length > 1) editor.rewrite(o, `endpoint ${o.args[0]!.text}`, 'kubernetes: endpoint keeps its first URL: CoreDNS deprecated several in 1.3.1 and uses only the first since 1.4');
    },
  },
  {
    directive: 'kubernetes',
    option: 'upstream',
    removed: [1, 7, 0],
    apply: (o, editor) => editor.remove(o, 'kubernetes: upstream dropped: deprecated in CoreDNS 1.4, ignored from 1.5, removed in 1.7 (external names are resolved through the server itself)'),
  },
  {
    directive: 'kubernetes',
    option: 'resyncperiod',
    removed: [1, 7, 0],
    apply: (o, editor) => editor.remove(o, 'kubernetes: resyncperiod dropped: deprecated in CoreDNS 1.5, ignored from 1.6, removed in 1.7 (watches need no resync)'),
  },
  {
    directive: 'kubernetes',
    option: 'transfer',
    removed: [1, 8, 0],
    apply: (o, editor) => editor.remove(o, 'kubernetes: transfer dropped: CoreDNS 1.8 moved zone transfers to the transfer plugin: write `transfer { to ... }` in the server block'),
  },
  {
    directive: 'federation',
    removed: [1, 7, 0],
    apply: (d, editor) => editor.remove(d, 'federation dropped: CoreDNS announced its removal in 1.6 and removed it in 1.7 (Kubernetes federation v1 is gone); its names no longer resolve'),
  },
  {
    directive: 'reverse',
    removed: [1, 2, 0],
    apply: (d, editor) => editor.commentOut(d, 'reverse commented out: CoreDNS deprecated it in 1.1.3 and removed it in 1.2 (template took its place)'),
  },
  ...['file', 'auto'].map(
    (directive): CorefileRule => ({
      directive,
      option: 'no_reload',
      removed: [1, 5, 0],
      apply: (o, editor) => editor.rewrite(o, 'reload 0', `${directive}: no_reload is reload 0 (deprecated in CoreDNS 1.4, removed in 1.5)`),
    }),
  ),
  {
    directive: 'auto',
    option: 'directory',
    removed: [1, 5, 0],
    apply(o, editor) {
      const [, ...args] = words(o);
      if (args.length !== 4 || !/^\d+$/.test(args[3]!)) return;
      editor.rewrite(o, `directory ${args.slice(0, 3).join(' ')}`, `auto: directory's TIMEOUT is reload ${args[3]}s (deprecated in CoreDNS 1.4, removed in 1.5)`);
      editor.insertAfter(o, `reload ${args[3]}s`, `auto: reload ${args[3]}s in place of directory's TIMEOUT`);
    },
  },
  ...['set', 'clear'].map(
    (option): CorefileRule => ({
      directive: 'header',
      option,
      removed: [1, 12, 4],
      apply: (o, editor) => editor.rewrite(o, `response ${words(o).join(' ')}`, `header: ${option} without query or response is response ${option} (the old syntax, removed in CoreDNS 1.12.4)`),
    }),
  ),
];
