package io.wstest.client.run;

import io.wstest.options.DurationConverter;
import io.wstest.options.HostConverter;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Where and how test-lb connects; shared by every test-lb scenario (picocli mixin). */
public final class ConnectOptions {

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "localhost", converter = HostConverter.class,
    description = "Host or load-balancer address to test (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
    description = "HTTP port: /health and the /ws endpoint (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--ws-port", paramLabel = "PORT", defaultValue = "8765",
    description = "Raw WebSocket server port (default: ${DEFAULT-VALUE}).")
  int wsPort;

  /** No picocli default: each scenario has its own (spread tests both endpoints, long-running scenarios one). */
  @Option(names = "--endpoint", paramLabel = "http|raw|both",
    description = "Which WebSocket endpoint to test: http = ws://HOST:HTTP_PORT/ws, raw = ws://HOST:WS_PORT/, "
      + "or both (default: both for spread; each scenario's --help says its own).")
  String endpoint;

  @Option(names = "--url", paramLabel = "ws[s]://HOST[:PORT]/PATH",
    description = "Test exactly this WebSocket URL instead of --host/--http-port/--ws-port/--endpoint; "
      + "the health check goes to http(s)://HOST:PORT/health.")
  String url;

  @Option(names = "--header", paramLabel = "'Name: value'",
    description = "Extra request header for the health check and every handshake (repeatable), "
      + "e.g. --header 'Cookie: SRV=b1'.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
    description = "Limit for each step: health check, handshake, welcome, pong, close (e.g. 500ms, 5s, 1m; "
      + "default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--insecure",
    description = "Accept any TLS certificate (self-signed wss:// and https://).")
  boolean insecure;
}
