package io.wstest.client.audit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the budget is divided: reserve, drain, the idle ladder's rungs, and the foreground parts' shares. */
class BudgetTest {

  private static Duration s(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  @Test
  void threeMinutesWithADrainRehearsal() {
    Budget b = Budget.plan(Duration.ofMinutes(3), s(5), true, Duration.ZERO);
    assertEquals(s(9), b.reserve(), "5 % of the budget");
    assertEquals(s(45), b.drain(), "a quarter of it");
    assertEquals(s(126), b.window());
    // the longest rung leaves room to open a socket and to probe it: two timeouts and a second
    // halving from there, at most six rungs
    assertEquals(List.of(s(3.5), s(7.1), s(14), s(28), s(57), s(115)), b.ladder());
    assertEquals(s(1.7), b.keepaliveInterval(), "half the shortest rung, in 100 ms steps");
    assertTrue(b.describe().contains("idle ladder 3500ms..115s"), b.describe());
  }

  @Test
  void fortySecondsWithoutDrainBracketsAThreeSecondTimeout() {
    Budget b = Budget.plan(s(40), s(5), false, Duration.ZERO);
    assertEquals(Duration.ZERO, b.drain());
    assertEquals(s(2), b.reserve(), "at least 2 s");
    assertEquals(List.of(s(1.6), s(3.3), s(6.7), s(13), s(27)), b.ladder());
    assertEquals(s(0.8), b.keepaliveInterval());
    assertEquals(b.total(), b.window().plus(b.drain()).plus(b.reserve()));
  }

  @Test
  void aDrainThatCannotRunLeavesItsShareToTheIdleLadder() {
    // the admin toggles closed (no token, or off): the same budget as --no-drain, not a drain share unused
    Budget closed = Budget.plan(Duration.ofMinutes(3), s(5), false, Duration.ZERO);
    Budget open = Budget.plan(Duration.ofMinutes(3), s(5), true, Duration.ZERO);
    assertEquals(Duration.ZERO, closed.drain());
    assertEquals(open.window().plus(open.drain()), closed.window(), "the drain's 45 s go to the window");
    assertEquals(List.of(s(5), s(10), s(20), s(40), s(80), s(160)), closed.ladder(), "171 s less 11 s, halving");
    assertTrue(closed.longestRung().compareTo(open.longestRung()) > 0);
    assertTrue(!closed.describe().contains("drain"), closed.describe());
    // at the shortest budget the drain's 15 s are the difference between no ladder and one that brackets 3 s
    assertTrue(Budget.plan(s(20), s(5), true, Duration.ZERO).ladder().isEmpty());
    assertEquals(List.of(s(1.7), s(3.5), s(7)), Budget.plan(s(20), s(5), false, Duration.ZERO).ladder());
  }

  @Test
  void theTimeSpentBeforeThePlanComesOffTheWindow() {
    // reaching the target, its cluster view and the admin probe took 1.5 s before the ladder could start
    Budget b = Budget.plan(s(40), s(5), false, s(1.5));
    assertEquals(s(1.5), b.preamble());
    assertEquals(s(36.5), b.window());
    assertEquals(b.total(), b.preamble().plus(b.window()).plus(b.drain()).plus(b.reserve()));
    assertEquals(s(25), b.longestRung(), "the window less two timeouts and a second, in whole seconds");
    assertEquals(1500L, b.toJson().getLong("preamble_ms"));
  }

  @Test
  void aBudgetTooShortForTwoRungsHasNoLadder() {
    Budget b = Budget.plan(s(20), s(5), true, Duration.ZERO);
    assertEquals(s(15), b.drain());
    assertTrue(b.ladder().isEmpty(), b.ladder().toString());
    assertTrue(b.describe().contains("no idle ladder"), b.describe());
    assertEquals(6, Budget.plan(Duration.ofHours(1), s(5), true, Duration.ZERO).ladder().size(), "at most six rungs");
  }

  @Test
  void eachForegroundPartMayUseWhatIsLeftButTheLaterPartsMinimum() {
    // later parts keep a second per unit of weight: handshake 3, spread 2, held open 2, sticky 3
    assertEquals(s(100), Budget.share(Budget.Part.PROBE, s(110)), "110 s less 10 s for the four after it");
    assertEquals(s(93), Budget.share(Budget.Part.HANDSHAKE, s(100)), "100 s less 7 s");
    assertEquals(s(30), Budget.share(Budget.Part.STICKY, s(30)), "the last part gets all that is left");
    // little left: the weight's share, so a later part is not squeezed to nothing by an earlier one
    assertEquals(s(3), Budget.share(Budget.Part.HANDSHAKE, s(10)), "3 of 3+2+2+3");
    assertEquals(s(1), Budget.share(Budget.Part.PROBE, s(11)), "1 of 1+3+2+2+3");
    assertEquals(Duration.ZERO, Budget.share(Budget.Part.SPREAD, s(-1)));
  }
}
