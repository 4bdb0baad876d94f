package io.wstest.protocol;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.json.JsonObject;
import io.wstest.wire.Fields;

import java.util.List;
import java.util.Locale;

/**
 * Options a client sets for its own connection, either in the upgrade URL's query ({@code /ws?server_ping=off})
 * or in a {@code {"type":"options",...}} message (docs/protocol.md, "Connection options"). The one option so far,
 * {@code server_ping}, turns the server's pings and its idle timeout off for that socket: a client measuring a load
 * balancer's own idle timeout needs a socket on which nothing at all is sent.
 *
 * @param serverPing    the requested {@code server_ping}, or null when the request does not mention it
 * @param invalidOption the option that cannot be applied, or null; an invalid request changes nothing
 * @param problem       why it cannot be applied, or null
 */
record ClientOptions(Boolean serverPing, String invalidOption, String problem) {

  static final String SERVER_PING = Fields.SERVER_PING;
  static final ClientOptions NONE = new ClientOptions(null, null, null);

  boolean valid() {
    return invalidOption == null;
  }

  /**
   * Reads {@code server_ping} from the query of an upgrade URL: {@code off} or {@code false} turns pings off,
   * {@code on} or {@code true} keeps them (the default). Other parameters are left alone: the raw server accepts
   * any path and query, and a proxy may add parameters of its own.
   */
  static ClientOptions fromQuery(String query) {
    if (query == null || query.isEmpty()) {
      return NONE;
    }
    List<String> values = new QueryStringDecoder(query, false).parameters().get(SERVER_PING);
    if (values == null) {
      return NONE;
    }
    // the last one wins, as with most query parsers, so a proxy or user appending a value overrides an earlier one
    String value = values.get(values.size() - 1);
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "off", "false" -> new ClientOptions(false, null, null);
      case "on", "true" -> new ClientOptions(true, null, null);
      default -> invalid(SERVER_PING, "'" + value + "' is not one of off, on, false, true");
    };
  }

  /**
   * Reads an {@code options} message: every field but {@code type} is an option. An unknown option is an error
   * rather than ignored, so a misspelt one cannot look as if it had been applied.
   */
  static ClientOptions fromMessage(JsonObject message) {
    Boolean serverPing = null;
    for (String name : message.fieldNames()) {
      if (name.equals(Fields.TYPE)) {
        continue;
      }
      if (!name.equals(SERVER_PING)) {
        return invalid(name, "unknown option (known options: " + SERVER_PING + ")");
      }
      if (!(message.getValue(name) instanceof Boolean value)) {
        return invalid(name, "must be true or false, not " + message.getValue(name));
      }
      serverPing = value;
    }
    return new ClientOptions(serverPing, null, null);
  }

  private static ClientOptions invalid(String option, String problem) {
    return new ClientOptions(null, option, option + ": " + problem);
  }
}
