import net from 'node:net';

export interface TcpProxy {
  /** The address it listens on, `host:port`. */
  address: string;
  close(): Promise<void>;
}

/**
 * Forwards every connection made to `host` (any port it is given) to `target` (`host:port`): on Linux,
 * `127.0.0.2` is another address of the loopback interface, so a proxy there stands for a remote server
 * in front of the local one.
 */
export async function tcpProxy(host: string, target: string): Promise<TcpProxy> {
  const [targetHost, targetPort] = target.split(':');
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(targetPort), targetHost);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
