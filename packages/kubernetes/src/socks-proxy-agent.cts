// socks-proxy-agent as client-node's KubeConfig uses it for `proxy-url: socks5://...`
// (scripts/client-node.mjs puts this module where client-node imports the package), with two changes:
// - It loads at the first SOCKS proxy, not with the client: it and its dependencies (socks,
//   ip-address) were 8 ms of every in-cluster start. In the bundle, a CommonJS file's require()
//   inside a function stays there; an import would run as the client loads.
// - Before its TLS handshake the package drops the request's `host`, and names the server only
//   when the host is a name: an API server known by its address (`server: https://10.0.0.1:6443`,
//   as kubeadm writes it) was checked against "localhost" and refused. client-go checks the
//   address against the certificate's IP SANs; so does this.
import type { ClientRequest } from 'node:http';
import type * as Net from 'node:net';
import type * as Tls from 'node:tls';
import type * as Socks from 'socks-proxy-agent';

type Agent = Socks.SocksProxyAgent;
type ConnectOptions = Parameters<Agent['connect']>[1];

let fixed: typeof Socks.SocksProxyAgent | null = null;

function agentClass(): typeof Socks.SocksProxyAgent {
  if (fixed) return fixed;
  const { SocksProxyAgent: Upstream } = require('socks-proxy-agent') as typeof Socks;
  const { isIP } = require('node:net') as typeof Net;
  const { checkServerIdentity } = require('node:tls') as typeof Tls;
  fixed = class SocksProxyAgent extends Upstream {
    override connect(req: ClientRequest, opts: ConnectOptions): ReturnType<Agent['connect']> {
      const host = opts.host;
      if (opts.secureEndpoint && host && isIP(host) && !opts.servername && !('checkServerIdentity' in opts)) {
        opts = { ...opts, checkServerIdentity: (_name: string, cert: Tls.PeerCertificate) => checkServerIdentity(host, cert) } as ConnectOptions;
      }
      return super.connect(req, opts);
    }
  };
  return fixed;
}

/** What client-node calls with `new`: an agent of the class above. */
function SocksProxyAgent(...args: ConstructorParameters<typeof Socks.SocksProxyAgent>): Agent {
  return new (agentClass())(...args);
}

export = { SocksProxyAgent };
