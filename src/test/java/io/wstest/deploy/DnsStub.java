package io.wstest.deploy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tiny DNS server on 127.0.0.1 that plays Docker's embedded DNS for one Compose service name: A queries for that
 * name get the current replica addresses (changeable, like {@code --scale}); anything else gets NXDOMAIN. Just
 * enough of RFC 1035 for nginx's resolver.
 */
final class DnsStub {

  private final String name;
  private final AtomicReference<List<String>> addresses;
  private final AtomicInteger queries = new AtomicInteger();
  private DatagramSocket socket;

  private DnsStub(String name, List<String> addresses) {
    this.name = name;
    this.addresses = new AtomicReference<>(List.copyOf(addresses));
  }

  static Future<DnsStub> start(Vertx vertx, String name, List<String> addresses) {
    DnsStub stub = new DnsStub(name, addresses);
    stub.socket = vertx.createDatagramSocket();
    stub.socket.handler(packet -> {
      Buffer reply = stub.answer(packet.data());
      if (reply != null) {
        stub.socket.send(reply, packet.sender().port(), packet.sender().host());
      }
    });
    return stub.socket.listen(0, "127.0.0.1").map(s -> stub);
  }

  int port() { return socket.localAddress().port(); }
  int queries() { return queries.get(); }

  /** What the name resolves to from now on (the next query after nginx's cache expires sees it). */
  void setAddresses(List<String> replicas) {
    addresses.set(List.copyOf(replicas));
  }

  Future<Void> close() {
    return socket.close();
  }

  private Buffer answer(Buffer query) {
    if (query.length() < 17) {
      return null;
    }
    queries.incrementAndGet();
    // Question: labels from offset 12 up to the zero byte, then QTYPE and QCLASS.
    StringBuilder qname = new StringBuilder();
    int pos = 12;
    while (pos < query.length() && query.getUnsignedByte(pos) != 0) {
      int len = query.getUnsignedByte(pos);
      if (pos + 1 + len > query.length()) {
        return null;
      }
      if (qname.length() > 0) {
        qname.append('.');
      }
      qname.append(query.getString(pos + 1, pos + 1 + len));
      pos += 1 + len;
    }
    int questionEnd = pos + 5;
    if (questionEnd > query.length()) {
      return null;
    }
    int qtype = query.getUnsignedShort(pos + 1);
    boolean known = qname.toString().equalsIgnoreCase(name);
    List<String> answers = known && qtype == 1 ? addresses.get() : List.of();

    Buffer reply = Buffer.buffer();
    reply.appendShort(query.getShort(0));                              // same id
    reply.appendUnsignedShort(known ? 0x8580 : 0x8583);                // response, authoritative, NOERROR/NXDOMAIN
    reply.appendUnsignedShort(1).appendUnsignedShort(answers.size()).appendUnsignedShort(0).appendUnsignedShort(0);
    reply.appendBuffer(query.slice(12, questionEnd));
    for (String address : answers) {
      reply.appendUnsignedShort(0xC00C);                               // name: pointer to the question
      reply.appendUnsignedShort(1).appendUnsignedShort(1);             // A, IN
      reply.appendUnsignedInt(1);                                      // TTL 1 s (nginx's valid= overrides it)
      reply.appendUnsignedShort(4);
      try {
        reply.appendBytes(InetAddress.getByName(address).getAddress());
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException(address, e);
      }
    }
    return reply;
  }
}
