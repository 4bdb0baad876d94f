package io.wstest.protocol;

/** What one replica did with one broadcast: sockets written to, and sockets skipped as slow consumers. */
public record Delivered(int recipients, int dropped) {
}
