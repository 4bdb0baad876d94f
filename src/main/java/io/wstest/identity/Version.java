package io.wstest.identity;

import picocli.CommandLine;

/** The build version, as every command's {@code --version} prints it. */
public final class Version implements CommandLine.IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {"websocket-test-service " + IdentityResolver.buildVersion()};
  }
}
