package io.wstest.wire;

/**
 * The field names of the JSON messages on the wire (docs/protocol.md), in one place for the server that writes them
 * and the client that reads them.
 */
public final class Fields {

  /** Every message: what it is (see {@link MessageTypes}). */
  public static final String TYPE = "type";
  /** Every server message: the replica that sent it. */
  public static final String INSTANCE_ID = "instance_id";
  /** Every server JSON message: its number on this connection, from 1 with the welcome. */
  public static final String SEQ = "seq";
  public static final String TIMESTAMP = "timestamp";
  public static final String MESSAGE = "message";

  // welcome
  public static final String CLIENT_IP = "client_ip";
  public static final String REMOTE_ADDRESS = "remote_address";
  public static final String FORWARDED_FOR = "forwarded_for";
  public static final String CONNECTION_ID = "connection_id";
  /** Which server accepted the socket: {@code http} or {@code raw}. */
  public static final String SERVER = "server";
  public static final String DRAINING = "draining";
  public static final String KEEPALIVE = "keepalive";
  /** The server's limits for the socket: {@link #MAX_MESSAGE_BYTES}. */
  public static final String LIMITS = "limits";
  public static final String MAX_MESSAGE_BYTES = "max_message_bytes";
  /** The subprotocols in the upgrade request's Sec-WebSocket-Protocol, in order, and the one the server selected. */
  public static final String SUBPROTOCOLS_OFFERED = "subprotocols_offered";
  public static final String SUBPROTOCOL = "subprotocol";
  /** The extensions in the upgrade request's Sec-WebSocket-Extensions, and those the server's 101 accepted. */
  public static final String EXTENSIONS_OFFERED = "extensions_offered";
  public static final String EXTENSIONS = "extensions";
  /** What a PROXY protocol header said (PROXY listeners only), else null. */
  public static final String PROXY_PROTOCOL = "proxy_protocol";
  /** The upgrade request as the server received it (welcome and info). */
  public static final String REQUEST = "request";
  // inside request (docs/protocol.md, the request as received)
  public static final String HTTP_VERSION = "http_version";
  public static final String HOST = "host";
  public static final String SCHEME = "scheme";
  /** request: every header in arrival order, as [name, value] pairs. */
  public static final String HEADERS = "headers";
  public static final String TLS = "tls";
  public static final String ALPN = "alpn";

  /** The replica's identity object, in the welcome, in info and in {@code GET /health}. */
  public static final String SERVICE_IDENTITY = "service_identity";
  public static final String DISPLAY_NAME = "display_name";
  public static final String POD_NAME = "pod_name";
  public static final String NODE_NAME = "node_name";
  public static final String HOSTNAME = "hostname";
  public static final String CONTAINER_IP = "container_ip";
  public static final String NAMESPACE = "namespace";
  public static final String SERVICE_NAME = "service_name";
  public static final String ENVIRONMENT = "environment";
  public static final String VERSION = "version";
  public static final String STARTED_AT = "started_at";

  // keepalive and connection options
  public static final String SERVER_PING = "server_ping";
  public static final String PING_INTERVAL_MS = "ping_interval_ms";
  public static final String IDLE_TIMEOUT_MS = "idle_timeout_ms";

  // answers
  /** pong: the ping as the client sent it. */
  public static final String ORIGINAL_DATA = "original_data";
  /** echo: the message as the client sent it. */
  public static final String ORIGINAL_MESSAGE = "original_message";
  public static final String FROM = "from";
  public static final String RECIPIENTS = "recipients";
  public static final String DROPPED = "dropped";
  /** broadcast and broadcast_ack: {@link Scopes#LOCAL} (this replica) or {@link Scopes#CLUSTER} (every replica). */
  public static final String SCOPE = "scope";
  // cluster broadcast_ack: what the other replicas reported back
  /** {@code up}, {@code unavailable} (Redis unreachable) or {@code disabled} (no REDIS_URL). */
  public static final String CLUSTER = "cluster";
  public static final String REPLICAS_EXPECTED = "replicas_expected";
  public static final String REPLICAS_REPORTED = "replicas_reported";
  /** True when every replica expected reported its recipients in time. */
  public static final String COMPLETE = "complete";
  /** The ack's per-replica reports, and the cluster view's replicas. */
  public static final String REPLICAS = "replicas";
  /** Cluster view: a replica's state, {@code ready}, {@code draining} or {@code starting}. */
  public static final String STATE = "state";
  /** error: its code, such as {@code invalid_json}. */
  public static final String ERROR = "error";
  /** error {@code invalid_option}: the option that was refused. */
  public static final String OPTION = "option";
  /** error {@code rate_limited}: the broadcast limit. */
  public static final String LIMIT_PER_SECOND = "limit_per_second";
  public static final String RETRY_AFTER_MS = "retry_after_ms";
  /** shutdown: why the server is closing, and that the client should connect again. */
  public static final String REASON = "reason";
  public static final String RECONNECT = "reconnect";
  /** info: the open sockets, {@code total} of them and per server. */
  public static final String CONNECTIONS = "connections";
  public static final String TOTAL = "total";
  public static final String ACTIVE_WEBSOCKET_CONNECTIONS = "active_websocket_connections";
  public static final String THIS_VERTICLE_INSTANCE = "this_verticle_instance";
  public static final String OPENED_TOTAL = "opened_total";

  private Fields() {
  }
}
