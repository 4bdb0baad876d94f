package io.wstest.protocol;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What a WebSocket's upgrade request carried, kept past the upgrade for the welcome and {@code info}: the request
 * as received ({@link ReceivedRequest}, kept encoded: a compact string instead of a tree of maps for every socket)
 * and the subprotocols and extensions the client offered.
 */
public record Handshake(String requestJson, List<String> subprotocolsOffered, List<String> extensionsOffered) {

  public static Handshake of(HttpServerRequest request, boolean showCredentials) {
    return new Handshake(ReceivedRequest.toJson(request, true, showCredentials).encode(),
      offered(request.headers(), "Sec-WebSocket-Protocol"), offered(request.headers(), "Sec-WebSocket-Extensions"));
  }

  JsonObject request() {
    return new JsonObject(requestJson);
  }

  /** The comma-separated items of every copy of a header, trimmed, in order. */
  static List<String> offered(MultiMap headers, String name) {
    List<String> items = new ArrayList<>();
    for (String value : headers.getAll(name)) {
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
    }
    return items;
  }

  static JsonArray array(List<String> items) {
    return new JsonArray(new ArrayList<>(items));
  }
}
