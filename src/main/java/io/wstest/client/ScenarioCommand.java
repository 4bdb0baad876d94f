package io.wstest.client;

/**
 * Marks test-lb and its scenario subcommands: their usage errors print one line naming the flag and exit 2
 * ({@link TestLbCommand#usageError}), instead of picocli's whole usage text.
 */
public interface ScenarioCommand {
}
