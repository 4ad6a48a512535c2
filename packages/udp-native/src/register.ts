// Preloaded with `node --import=@chaindns/udp-native/register`: every test server of the
// process runs on the native transport. A suite asked to run on it fails at once when it cannot.
import { useTestTransport } from '@chaindns/core/testing';
import { loadNativeTransport, nativeTransportError } from './load.js';

const transport = loadNativeTransport();
if (!transport) throw new Error(`@chaindns/udp-native/register: ${nativeTransportError() ?? 'the addon did not load'}`);
useTestTransport(transport);
