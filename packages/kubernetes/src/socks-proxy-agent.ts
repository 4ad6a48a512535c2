import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { ClientRequest } from 'node:http';
import { SocksProxyAgent as Upstream } from 'socks-proxy-agent';

type ConnectOptions = Parameters<Upstream['connect']>[1];

/**
 * socks-proxy-agent as client-node's KubeConfig uses it for `proxy-url: socks5://...`, with one
 * fix: before its TLS handshake it drops the request's `host` and names the server only when the
 * host is a name, so an API server known by its address (`server: https://10.0.0.1:6443`, as
 * kubeadm writes it) was checked against "localhost" and refused. client-go checks the address
 * against the certificate's IP SANs; so does this. scripts/client-node.mjs puts this class where
 * client-node imports the package's.
 */
export class SocksProxyAgent extends Upstream {
  override connect(req: ClientRequest, opts: ConnectOptions): ReturnType<Upstream['connect']> {
    const host = opts.host;
    if (opts.secureEndpoint && host && isIP(host) && !opts.servername && !('checkServerIdentity' in opts)) {
      opts = { ...opts, checkServerIdentity: (_name: string, cert: PeerCertificate) => checkServerIdentity(host, cert) } as ConnectOptions;
    }
    return super.connect(req, opts);
  }
}
