// Type test (checked by `tsc`): socket.io-client's own `io` fits `socketIoSource`'s `io` option, with no cast,
// so the sources entry needs none of socket.io-client's types and the peer dependency stays optional.
import { io } from 'socket.io-client';
import { expectTypeOf } from 'vitest';
import type { SocketIoSourceOptions } from '../../src/sources/index.js';

expectTypeOf(io).toExtend<SocketIoSourceOptions['io']>();
