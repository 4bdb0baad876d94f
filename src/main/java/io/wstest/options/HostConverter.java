package io.wstest.options;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code --host} value: a host name or address, without a port or a scheme. {@code 127.0.0.1:18090} would
 * otherwise be taken for a host name and fail only at connect time, far from the flag that caused it.
 */
public final class HostConverter implements ITypeConverter<String> {

  /** name:port or [v6]:port; a bare IPv6 address (two or more colons) is a host. */
  private static final Pattern WITH_PORT = Pattern.compile("(\\[[^\\]]*\\]|[^:\\[\\]]*):(\\d*)");

  @Override
  public String convert(String value) {
    String host = value.trim();
    if (host.isEmpty()) {
      throw new TypeConversionException("'" + value + "' is empty: give a host name or address");
    }
    if (host.contains("://") || host.contains("/")) {
      throw new TypeConversionException("'" + value + "' is a URL, not a host: give the whole address with --url,"
        + " e.g. --url ws://HOST:PORT/ws");
    }
    Matcher withPort = WITH_PORT.matcher(host);
    if (withPort.matches()) {
      String name = withPort.group(1);
      String port = withPort.group(2).isEmpty() ? "PORT" : withPort.group(2);
      throw new TypeConversionException("'" + value + "' has a port: give the host alone and the port with"
        + " --http-port " + port + " (or --ws-port for the raw endpoint), or the whole address with --url ws://"
        + name + ":" + port + "/ws");
    }
    return host;
  }
}
