import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolvConfSearch } from '../src/index.js';

test('resolvConfSearch: the search list as CoreDNS reads resolv.conf', async (t) => {
  const cases: { text: string; want: string[] }[] = [
    // CoreDNS's autopath setup test file.
    { text: 'nameserver 1.2.3.4\ndomain foo.com\nsearch bar.com baz.com\noptions ndots:5\n', want: ['bar.com.', 'baz.com.'] },
    // A pod's resolv.conf.
    { text: 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n', want: ['default.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.'] },
    // The last line of search or domain wins; domain is a list of one.
    { text: 'search a.example b.example\ndomain Corp.Example.\n', want: ['corp.example.'] },
    { text: 'domain corp.example\n  search\tA.example  b.example.  \n', want: ['a.example.', 'b.example.'] },
    { text: 'search a.example\ndomain\n', want: [] },
    { text: 'nameserver 127.0.0.53\n# search commented.example\n', want: [] },
    { text: '', want: [] },
  ];
  for (const c of cases) {
    await t.test(JSON.stringify(c.text), () => assert.deepEqual(resolvConfSearch(c.text), c.want));
  }
});
