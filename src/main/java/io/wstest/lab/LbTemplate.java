package io.wstest.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load-balancer configuration templates packed in the jar (src/main/resources/io/wstest/lab): the one source
 * of the nginx and HAProxy settings that {@code lab} writes out, that the end-to-end tests run, and (the WebSocket
 * proxy settings) that the Docker Compose load balancer mounts.
 */
public final class LbTemplate {

  public static final String NGINX = "nginx-lb.conf.template";
  public static final String HAPROXY = "haproxy-lb.cfg.template";
  /** Not a template: the proxy directives every nginx location in front of the service includes. */
  public static final String WEBSOCKET_PROXY = "websocket-proxy.conf";

  private static final Pattern PLACEHOLDER = Pattern.compile("@@[A-Z_]+@@");

  private LbTemplate() {
  }

  /** The resource's text as packed in the jar. */
  public static String text(String name) {
    try (InputStream in = LbTemplate.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource io/wstest/lab/" + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The template with every {@code @@NAME@@} replaced by its value; a placeholder left without a value is an error
   * (only {@code @@NAME@@} counts: the comments mention "@@...@@").
   */
  public static String fill(String name, Map<String, String> values) {
    String text = text(name);
    for (Map.Entry<String, String> e : values.entrySet()) {
      text = text.replace("@@" + e.getKey() + "@@", e.getValue());
    }
    Matcher unfilled = PLACEHOLDER.matcher(text);
    if (unfilled.find()) {
      throw new IllegalStateException("unfilled placeholder in " + name + ": " + unfilled.group());
    }
    return text;
  }
}
